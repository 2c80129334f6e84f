/**
 * The Git store's local clone and its link to `origin`: cloning (atomically, into a
 * temporary folder first), fetching one branch, moving the local branch, pushing. Each
 * operation is an Effect whose failure names what failed, credentials masked.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as git from "isomorphic-git"
import type { RemoteError } from "../remote.js"
import { type GitAccess, httpClient } from "./git-access.js"
import type { Repo } from "./git-tree.js"

/** The branch a new repository gets (the remote was empty, so nothing else names one). @category constants */
export const defaultBranch = "main"

/** The remote's branch moved since we last fetched: fetch, merge, try again. @category errors */
export class PushRejected extends Data.TaggedError("PushRejected")<{ readonly reason: string }> {}

/** The operations on one clone. @category models */
export interface Clone {
  readonly repo: Repo
  /** Clones the repository if there is no clone yet, keeps `origin`'s URL current, and gives the branch in use. */
  readonly open: Effect.Effect<string, RemoteError>
  /** Fetches the branch; its new head, or undefined while the remote repository is empty. */
  readonly fetch: (branch: string) => Effect.Effect<string | undefined, RemoteError>
  /** The local branch's commit, or undefined before its first commit. */
  readonly localHead: (branch: string) => Effect.Effect<string | undefined, RemoteError>
  /** The commit the remote's branch had when we last heard from it. */
  readonly remoteHead: (branch: string) => Effect.Effect<string | undefined, RemoteError>
  /** Points the local branch at a commit (the working tree follows with `checkout`). */
  readonly setLocal: (branch: string, commit: string) => Effect.Effect<void, RemoteError>
  /** Makes the working tree and index match the branch, so the clone reads as clean to a person looking. */
  readonly checkout: (branch: string) => Effect.Effect<void, RemoteError>
  /** Pushes the branch; a remote that moved meanwhile gives PushRejected (never forced). */
  readonly push: (branch: string) => Effect.Effect<void, RemoteError | PushRejected>
}

const codeOf = (e: unknown) => (typeof e === "object" && e !== null ? (e as { code?: unknown }).code : undefined)

/** The clone of `access.url` kept in `dir`. @category constructors */
export const make = (dir: string, access: GitAccess): Clone => {
  const repo: Repo = { fs, dir: path.resolve(dir), cache: {} }
  const net = { http: httpClient, headers: { ...access.headers } }
  const run = <A>(what: string, f: () => Promise<A>) => Effect.tryPromise({ try: f, catch: access.fail(what) })
  const resolve = (ref: string) =>
    Effect.tryPromise({ try: () => git.resolveRef({ ...repo, ref }), catch: (e) => e }).pipe(
      Effect.map((oid): string | undefined => oid),
      Effect.catchAll((e) => (codeOf(e) === "NotFoundError" ? Effect.succeed(undefined) : Effect.fail(access.fail(`reading ${ref}`)(e))))
    )

  const cloneFresh = Effect.tryPromise({ try: (signal) => cloneInto(signal), catch: access.fail("cloning") })
  const cloneInto = async (signal: AbortSignal) => {
    await fs.promises.mkdir(path.dirname(repo.dir), { recursive: true, mode: 0o700 })
    // a folder of its own per attempt: a clone given up on (start timeout) may still be running
    const tmp = await fs.promises.mkdtemp(`${repo.dir}.clone-`)
    try {
      await git.clone({ ...repo, ...net, dir: tmp, url: access.url, singleBranch: true, noTags: true })
      const empty = await git.resolveRef({ ...repo, dir: tmp, ref: "HEAD" }).then(() => false, () => true)
      // an empty remote names no branch; ours is the one its first commit will create
      if (empty) await git.writeRef({ ...repo, dir: tmp, ref: "HEAD", value: `refs/heads/${defaultBranch}`, symbolic: true, force: true })
      // given up on meanwhile: a later attempt owns the clone's place
      if (signal.aborted) return
      // a folder left without .git (an interrupted earlier run) is ours to replace
      await fs.promises.rm(repo.dir, { recursive: true, force: true })
      await fs.promises.rename(tmp, repo.dir)
    } finally {
      await fs.promises.rm(tmp, { recursive: true, force: true })
    }
  }

  // the branch once this process has the clone ready (the folder may still vanish under us)
  let ready: string | undefined
  const open = Effect.suspend(() => {
    const cloned = fs.existsSync(path.join(repo.dir, ".git"))
    if (ready !== undefined && cloned) return Effect.succeed(ready)
    return Effect.gen(function*() {
      // an existing clone follows the configured URL, which may have changed since it was made
      if (!cloned) yield* cloneFresh
      else yield* run("setting the remote URL", () => git.addRemote({ ...repo, remote: "origin", url: access.url, force: true }))
      const branch = (yield* run("reading the current branch", () => git.currentBranch({ ...repo }))) ?? defaultBranch
      ready = branch
      return branch
    })
  })

  return {
    repo,
    open,
    fetch: (branch) =>
      run(`fetching ${branch}`, () => git.fetch({ ...repo, ...net, remote: "origin", ref: branch, singleBranch: true, tags: false })).pipe(
        Effect.map((r) => r.fetchHead ?? undefined)
      ),
    localHead: (branch) => resolve(`refs/heads/${branch}`),
    remoteHead: (branch) => resolve(`refs/remotes/origin/${branch}`),
    setLocal: (branch, commit) => run(`moving ${branch}`, () => git.writeRef({ ...repo, ref: `refs/heads/${branch}`, value: commit, force: true })),
    checkout: (branch) => run(`checking out ${branch}`, () => git.checkout({ ...repo, ref: branch, force: true })),
    push: (branch) =>
      Effect.tryPromise({ try: () => git.push({ ...repo, ...net, remote: "origin", ref: branch }), catch: (e) => e }).pipe(
        Effect.asVoid,
        Effect.catchAll((e): Effect.Effect<never, RemoteError | PushRejected> =>
          codeOf(e) === "PushRejectedError" || codeOf(e) === "GitPushError"
            ? Effect.fail(new PushRejected({ reason: access.mask(e instanceof Error ? e.message : String(e)) }))
            : Effect.fail(access.fail(`pushing ${branch}`)(e))
        )
      )
  }
}
