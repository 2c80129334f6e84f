import * as fs from "node:fs"
import * as path from "node:path"
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Exit, Layer, Logger } from "effect"
import { gitAccess } from "../../src/store/git/git-access.js"
import { makeGitRemote } from "../../src/store/git/git-remote.js"
import { MirrorSync } from "../../src/store/mirror-sync.js"
import * as MirroredStore from "../../src/store/mirrored-store.js"
import type { RemoteSnapshot } from "../../src/store/remote.js"
import { Store } from "../../src/store/store.js"
import * as GitCli from "../fakes/git-cli.js"
import * as GitHttpServer from "../fakes/git-http-server.js"
import { eventuallyEffect, tempDir } from "../support/server.js"
import { goAuthFiles } from "./fixtures.js"
import { describeMirrorContract, openIn, type TestBackend } from "./store-contract.js"

const auth = { username: "proxy", token: "s3cret-token-value" }

/** A fresh bare repository behind the HTTP server, and replicas cloning it. */
const gitBackend = Effect.gen(function*() {
  const server = yield* GitHttpServer.make({ auth })
  const repo = yield* server.createRepo("store")
  const backend: TestBackend = {
    open: (root) =>
      MirroredStore.layer({
        root,
        remote: makeGitRemote({ url: repo.url, ...auth, repoDir: path.join(root, ".repository"), pullInterval: "1 second" }),
        startTimeout: "2 seconds"
      }).pipe(Layer.provide(NodeFileSystem.layer)),
    down: server.down,
    up: server.up,
    peek: GitCli.peek(repo.dir),
    put: (id, text) => Effect.asVoid(GitCli.commitFiles(repo.dir, { [`auths/${id}`]: text }, `${text === undefined ? "Delete" : "Update"} auth ${id} by hand`))
  }
  return { server, repo, backend }
})

describeMirrorContract("Git store", Effect.map(gitBackend, (g) => g.backend))

const store = (ctx: Context.Context<Store>) => Context.get(ctx, Store)
const waitFor = (bare: string, check: (s: RemoteSnapshot) => boolean, what: string) =>
  eventuallyEffect(Effect.map(GitCli.peek(bare), check), what, 3000)
const remoteAt = (url: string, repoDir: string, credentials: { readonly username?: string; readonly token?: string } = auth) =>
  makeGitRemote({ url, ...credentials, repoDir, pullInterval: "1 second" })
const authText = (n: number) => JSON.stringify({ type: "claude", email: `user${n}@example.com`, access_token: `at-${n}` })

describe("Git store: history, races, credentials, Go repositories", () => {
  it.scopedLive("every change is its own commit by CLIProxyAPI with a message saying what changed; older commits stay reachable", () =>
    Effect.gen(function*() {
      const { repo, backend } = yield* gitBackend
      const a = store((yield* openIn(backend.open(yield* tempDir))).context)
      yield* waitFor(repo.dir, (s) => s.config !== undefined, "example config pushed")
      const heads: Array<string | undefined> = [yield* GitCli.head(repo.dir)]
      const id = "claude-user@example.com.json"
      yield* a.save(id, { type: "claude", email: "user@example.com", access_token: "first" })
      yield* waitFor(repo.dir, (s) => s.auths.get(id)?.includes("first") === true, "first save pushed")
      heads.push(yield* GitCli.head(repo.dir))
      yield* a.save(id, { type: "claude", email: "user@example.com", access_token: "second" })
      yield* waitFor(repo.dir, (s) => s.auths.get(id)?.includes("second") === true, "second save pushed")
      heads.push(yield* GitCli.head(repo.dir))
      const config = `${yield* a.config.read}\n# edited\n`
      yield* Effect.orDie(a.config.write(config))
      yield* waitFor(repo.dir, (s) => s.config === config, "config pushed")
      heads.push(yield* GitCli.head(repo.dir))
      yield* a.remove(id)
      yield* waitFor(repo.dir, (s) => !s.auths.has(id), "removal pushed")

      const log = yield* GitCli.log(repo.dir)
      expect(log.map((c) => c.subject)).toEqual([
        `Delete auth ${id}`,
        "Update config",
        `Update auth ${id}`,
        `Update auth ${id}`,
        "Update config",
        "Initialize git token store"
      ])
      expect(new Set(log.map((c) => c.author))).toEqual(new Set(["CLIProxyAPI <cliproxy@local>"]))
      // one line of history: only the first commit is parentless, every earlier head is still in it
      expect(log.map((c) => c.parents.length)).toEqual([1, 1, 1, 1, 1, 0])
      for (const h of heads) expect(log.map((c) => c.oid)).toContain(h)
      const first = log[3]!.oid
      expect(JSON.parse((yield* GitCli.git(repo.dir, "show", `${first}:auths/${id}`)).toString()).access_token).toBe("first")
      const initial = log[5]!.oid
      expect((yield* GitCli.git(repo.dir, "ls-tree", "-r", "--name-only", initial)).toString().trim().split("\n")).toEqual(["auths/.gitkeep", "config/.gitkeep"])
    }))

  it.scopedLive("two replicas pushing at the same time both land: the late one merges per file, nothing is overwritten", () =>
    Effect.gen(function*() {
      const { repo } = yield* gitBackend
      const a = yield* remoteAt(repo.url, path.join(yield* tempDir, "a"))
      const b = yield* remoteAt(repo.url, path.join(yield* tempDir, "b"))
      yield* a.snapshot
      yield* b.snapshot
      // B's clone is behind when it pushes: its push is refused, merged and pushed again
      yield* a.push([{ kind: "auth", id: "a.json", text: authText(1) }])
      yield* b.push([{ kind: "auth", id: "b.json", text: authText(2) }, { kind: "config", text: "port: 1\n" }])
      yield* Effect.all([a.push([{ kind: "auth", id: "c.json", text: authText(3) }]), b.push([{ kind: "auth", id: "d.json", text: authText(4) }])], { concurrency: 2 })
      const stored = yield* GitCli.peek(repo.dir)
      expect([...stored.auths.keys()].sort()).toEqual(["a.json", "b.json", "c.json", "d.json"])
      expect(stored.config).toBe("port: 1\n")
      const log = yield* GitCli.log(repo.dir)
      expect(log.map((c) => c.subject)).toEqual(expect.arrayContaining(["Update auth a.json", "Update auth b.json, update config", "Update auth c.json", "Update auth d.json"]))
      const merges = log.filter((c) => c.parents.length === 2)
      expect(merges.map((c) => c.subject)).toContain("Merge origin/main: keep this replica's update auth b.json, update config")
      expect(merges.length).toBeGreaterThanOrEqual(2)

      // the same file from both: the later push wins, the earlier version stays in history
      yield* a.push([{ kind: "auth", id: "e.json", text: authText(5) }])
      yield* b.push([{ kind: "auth", id: "e.json", text: authText(6) }])
      expect((yield* GitCli.peek(repo.dir)).auths.get("e.json")).toBe(authText(6))
      expect((yield* a.snapshot).auths.get("e.json")).toBe(authText(6))
      const older = (yield* GitCli.log(repo.dir)).filter((c) => c.subject === "Update auth e.json")
      expect(older.length).toBe(2)
      // a push that changes nothing makes no commit
      const before = yield* GitCli.head(repo.dir)
      yield* b.push([{ kind: "auth", id: "e.json", text: authText(6) }, { kind: "auth", id: "gone.json", text: undefined }])
      expect(yield* GitCli.head(repo.dir)).toBe(before)
    }))

  it.scopedLive("a push that fails while the server is down leaves no stray commit; the clone stays clean", () =>
    Effect.gen(function*() {
      const { repo, server } = yield* gitBackend
      const dir = path.join(yield* tempDir, "clone")
      const a = yield* remoteAt(repo.url, dir)
      yield* a.snapshot
      yield* server.down
      const failed = yield* Effect.flip(a.push([{ kind: "auth", id: "x.json", text: authText(1) }]))
      expect(failed.message).toMatch(/^pushing main failed: (socket hang up|read ECONNRESET)/)
      // the commit that did not land is not kept: the mirror sends the change again
      expect((yield* GitCli.git(dir, "rev-parse", "main")).toString()).toBe((yield* GitCli.git(dir, "rev-parse", "origin/main")).toString())
      yield* server.up
      yield* a.push([{ kind: "auth", id: "x.json", text: authText(1) }])
      expect((yield* GitCli.log(repo.dir)).map((c) => c.subject)).toEqual(["Update auth x.json", "Initialize git token store"])
      expect((yield* GitCli.git(dir, "status", "--porcelain")).toString()).toBe("")
      expect(fs.readFileSync(path.join(dir, "auths", "x.json"), "utf8")).toBe(authText(1))
    }))

  it.scopedLive("a local commit that never reached the remote (a crash before the push) is set aside; the snapshot is the remote's", () =>
    Effect.gen(function*() {
      const { repo } = yield* gitBackend
      const dir = path.join(yield* tempDir, "clone")
      const a = yield* remoteAt(repo.url, dir)
      yield* a.snapshot
      fs.writeFileSync(path.join(dir, "auths", "local-only.json"), authText(1))
      yield* GitCli.git(dir, "add", "auths/local-only.json")
      yield* GitCli.git(dir, "commit", "--quiet", "-m", "Update auth local-only.json")
      yield* GitCli.commitFiles(repo.dir, { "auths/theirs.json": authText(2) }, "Update auth theirs.json")
      const logs: Array<string> = []
      const snapshot = yield* a.snapshot.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logs.push(String(message))))))
      expect([...snapshot.auths.keys()]).toEqual(["theirs.json"])
      expect(logs.join("\n")).toMatch(/local commits not on the remote were set aside/)
      expect((yield* GitCli.git(dir, "rev-parse", "main")).toString()).toBe((yield* GitCli.git(dir, "rev-parse", "origin/main")).toString())
      expect(fs.existsSync(path.join(dir, "auths", "local-only.json"))).toBe(false)
      expect((yield* GitCli.log(repo.dir)).map((c) => c.subject)).toEqual(["Update auth theirs.json", "Initialize git token store"])
    }))

  it.scopedLive("a wrong token is a clear error that shows no credentials, from the URL or the options", () =>
    Effect.gen(function*() {
      const { repo } = yield* gitBackend
      const wrong = "wrong-token-4711"
      const secretsOf = (text: string) => [wrong, auth.token, Buffer.from(`proxy:${wrong}`).toString("base64")].filter((s) => text.includes(s))
      const bad = yield* remoteAt(repo.url, path.join(yield* tempDir, "bad"), { username: "proxy", token: wrong })
      const refused = yield* Effect.flip(bad.snapshot)
      expect(refused.message).toMatch(/^cloning failed: HTTP 401 Unauthorized: the server refused the credentials/)
      expect(secretsOf(refused.message)).toEqual([])

      const inUrl = yield* remoteAt(repo.url.replace("http://", `http://proxy:${wrong}@`), path.join(yield* tempDir, "url"), {})
      expect(inUrl.name).toBe(`Git repository ${repo.url}`)
      const refusedToo = yield* Effect.flip(inUrl.snapshot)
      expect(refusedToo.message).toMatch(/401/)
      expect(secretsOf(refusedToo.message)).toEqual([])

      const anonymous = yield* remoteAt(repo.url, path.join(yield* tempDir, "anon"), {})
      expect((yield* Effect.flip(anonymous.snapshot)).message).toMatch(/401 Unauthorized: the repository needs credentials/)

      // at startup the store stops with the reason, still without the token
      const root = yield* tempDir
      const layer = MirroredStore.layer({ root, remote: remoteAt(repo.url, path.join(root, ".repository"), { token: wrong }), startTimeout: "2 seconds" })
      const exit = yield* Effect.exit(openIn(layer.pipe(Layer.provide(NodeFileSystem.layer))))
      expect(Exit.isFailure(exit) && String(exit.cause)).toMatch(/unreachable.*401.*refused the credentials/)
      expect(secretsOf(String(exit))).toEqual([])
    }))

  it.scopedLive("an anonymous server is read and written without credentials", () =>
    Effect.gen(function*() {
      const server = yield* GitHttpServer.make()
      const repo = yield* server.createRepo("open")
      const remote = yield* remoteAt(repo.url, path.join(yield* tempDir, "clone"), {})
      expect((yield* remote.snapshot).auths.size).toBe(0)
      yield* remote.push([{ kind: "auth", id: "x.json", text: authText(1) }])
      expect((yield* GitCli.peek(repo.dir)).auths.get("x.json")).toBe(authText(1))
    }))

  it.scopedLive("a repository the Go store wrote is mirrored at start, top-level auth files only, with nothing pushed back", () =>
    Effect.gen(function*() {
      const { repo, backend } = yield* gitBackend
      const goConfig = "port: 8317\nremote-management:\n  allow-remote: false\n"
      const id = "claude-user@example.com.json"
      yield* GitCli.commitFiles(repo.dir, {
        "auths/.gitkeep": "",
        "config/.gitkeep": "",
        "config/config.yaml": goConfig,
        [`auths/${id}`]: goAuthFiles[id],
        "auths/nested/other.json": authText(1),
        "auths/notes.txt": "not a record"
      }, `Update auth ${id}`)
      const before = yield* GitCli.log(repo.dir)
      const replica = yield* openIn(backend.open(yield* tempDir))
      const a = store(replica.context)
      expect(yield* a.config.read).toBe(goConfig)
      expect((yield* a.list).map((r) => r.id)).toEqual([id])
      expect((yield* a.list)[0]?.metadata.access_token).toBe("sk-ant-oat01-abc")
      // the mirror writes the JSON pretty-printed, which is the same record: no commit follows
      yield* Context.get(replica.context, MirrorSync).flush
      yield* Context.get(replica.context, MirrorSync).pull
      expect(yield* GitCli.log(repo.dir)).toEqual(before)
    }))
})

describe("Git store: credentials", () => {
  it("splits credentials off the URL, defaults the username to git, and masks them in every message", () => {
    const fromUrl = gitAccess({ url: "https://me:tok-in-url@git.example.com/org/store.git" })
    expect(fromUrl.url).toBe("https://git.example.com/org/store.git")
    expect(fromUrl.headers).toEqual({ Authorization: `Basic ${Buffer.from("me:tok-in-url").toString("base64")}` })
    const leaky = new Error("could not reach https://me:tok-in-url@git.example.com/org/store.git (token tok-in-url)")
    expect(fromUrl.fail("fetching")(leaky).message).toBe("fetching failed: could not reach https://***@git.example.com/org/store.git (token ***)")

    const tokenOnly = gitAccess({ url: "https://git.example.com/store.git", token: "t0ken" })
    expect(tokenOnly.headers).toEqual({ Authorization: `Basic ${Buffer.from("git:t0ken").toString("base64")}` })
    expect(gitAccess({ url: "https://git.example.com/store.git", username: " ", token: "" }).headers).toEqual({})
  })
})
