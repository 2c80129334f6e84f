/**
 * The `git` command line for tests: an independent reader and writer of the bare
 * repositories the Git store talks to, so the store's own code never checks itself.
 */
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import { Data, Effect } from "effect"
import type { RemoteSnapshot } from "../../src/store/remote.js"

/** An environment free of the user's and the system's git config, with a fixed identity. */
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "Other Writer",
  GIT_AUTHOR_EMAIL: "other@example.com",
  GIT_COMMITTER_NAME: "Other Writer",
  GIT_COMMITTER_EMAIL: "other@example.com",
  GIT_TERMINAL_PROMPT: "0",
  ...extra
})

/** git exited with an error. */
export class GitCliFailed extends Data.TaggedError("GitCliFailed")<{ readonly message: string }> {}

/** Runs git in `cwd` and gives its stdout; a failure is a defect (tests only). */
export const git = (cwd: string, ...args: ReadonlyArray<string>) => gitWith({ cwd }, ...args)

/** Runs git with extra environment or stdin; a failure is a defect. */
export const gitWith = (
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv; readonly input?: string | Buffer },
  ...args: ReadonlyArray<string>
) => Effect.orDie(tryGit(options, ...args))

/** Runs git, failing with GitCliFailed (for commands whose failure is an answer). */
export const tryGit = (
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv; readonly input?: string | Buffer },
  ...args: ReadonlyArray<string>
) =>
  Effect.async<Buffer, GitCliFailed>((resume) => {
    const child = execFile("git", [...args], { cwd: options.cwd, env: env(options.env), encoding: "buffer", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) resume(Effect.fail(new GitCliFailed({ message: `git ${args.join(" ")} failed: ${stderr.toString()}` })))
      else resume(Effect.succeed(stdout))
    })
    if (options.input !== undefined) child.stdin?.end(options.input)
  })

const text = <E>(self: Effect.Effect<Buffer, E>) => Effect.map(self, (b) => b.toString("utf8").trim())

/** The commit a branch of a bare repository points at, or undefined while it has none. */
export const head = (bare: string, branch = "main") =>
  tryGit({ cwd: bare }, "rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`).pipe(
    Effect.map((out): string | undefined => out.toString("utf8").trim()),
    Effect.catchTag("GitCliFailed", () => Effect.succeed(undefined))
  )

/** Reads `config/config.yaml` and the top-level `auths/*.json` of a branch, as the Go layout has them. */
export const peek = (bare: string, branch = "main") =>
  Effect.gen(function*() {
    const tip = yield* head(bare, branch)
    const auths = new Map<string, string>()
    if (tip === undefined) return { config: undefined, auths } satisfies RemoteSnapshot
    const listing = (yield* git(bare, "ls-tree", "-r", "-z", tip)).toString("utf8").split("\0").filter((l) => l !== "")
    const files = listing.map((line) => {
      const [meta = "", file = ""] = line.split("\t")
      return { oid: meta.split(" ")[2] ?? "", file }
    }).filter(({ file }) => file === "config/config.yaml" || /^auths\/[^/]+\.json$/.test(file))
    if (files.length === 0) return { config: undefined, auths } satisfies RemoteSnapshot
    // one `cat-file --batch` for all blobs: "<oid> blob <size>\n<bytes>\n" each
    const out = yield* gitWith({ cwd: bare, input: files.map((f) => f.oid).join("\n") + "\n" }, "cat-file", "--batch")
    let at = 0
    let config: string | undefined
    for (const { file } of files) {
      const eol = out.indexOf(0x0a, at)
      const size = Number.parseInt(out.subarray(at, eol).toString("utf8").split(" ")[2] ?? "0", 10)
      const content = out.subarray(eol + 1, eol + 1 + size).toString("utf8")
      at = eol + 1 + size + 1
      if (file === "config/config.yaml") config = content
      else auths.set(file.slice("auths/".length), content)
    }
    return { config, auths } satisfies RemoteSnapshot
  })

/**
 * Commits files straight into a bare repository's branch, as another writer would (the
 * branch moves only if nobody moved it meanwhile). `undefined` deletes the file.
 */
export const commitFiles = (bare: string, files: Readonly<Record<string, string | undefined>>, message: string, branch = "main") =>
  Effect.gen(function*() {
    const parent = yield* head(bare, branch)
    const index = `${bare}/cpa-test-index-${process.pid}-${Math.random().toString(36).slice(2)}`
    const withIndex = { cwd: bare, env: { GIT_INDEX_FILE: index } }
    if (parent !== undefined) yield* gitWith(withIndex, "read-tree", parent)
    else yield* gitWith(withIndex, "read-tree", "--empty")
    for (const [file, content] of Object.entries(files)) {
      if (content === undefined) {
        yield* gitWith(withIndex, "update-index", "--force-remove", file)
      } else {
        const blob = yield* text(gitWith({ cwd: bare, input: content }, "hash-object", "-w", "--stdin"))
        yield* gitWith(withIndex, "update-index", "--add", "--cacheinfo", `100644,${blob},${file}`)
      }
    }
    const tree = yield* text(gitWith(withIndex, "write-tree"))
    const commit = yield* text(git(bare, "commit-tree", tree, "-m", message, ...(parent !== undefined ? ["-p", parent] : [])))
    yield* git(bare, "update-ref", `refs/heads/${branch}`, commit, parent ?? "0000000000000000000000000000000000000000")
    yield* Effect.sync(() => fs.rmSync(index, { force: true }))
    return commit
  })

/** The log of a branch, newest first: subject, author and parents of each commit. */
export const log = (bare: string, branch = "main") =>
  Effect.map(text(git(bare, "log", "--format=%H%x09%P%x09%an <%ae>%x09%s", `refs/heads/${branch}`)), (out) =>
    out.split("\n").filter((l) => l !== "").map((line) => {
      const [oid = "", parents = "", author = "", subject = ""] = line.split("\t")
      return { oid, parents: parents === "" ? [] : parents.split(" "), author, subject }
    }))
