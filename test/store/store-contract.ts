/**
 * The contract every Store implementation keeps (file, PostgreSQL, object storage, Git), and
 * the one every backend behind a mirror keeps: replicas see each other's changes, a backend
 * that is down loses nothing, a restart resumes. Each backend's test file calls these.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Exit, Layer, Logger, Scope, Stream } from "effect"
import type { JsonObject } from "../../src/formats/json.js"
import type { MirrorSync, StoreUnavailable } from "../../src/store/mirror-sync.js"
import type { RemoteSnapshot } from "../../src/store/remote.js"
import { Store } from "../../src/store/store.js"
import { eventually, eventuallyEffect, tempDir } from "../support/server.js"
import { goAuthFiles } from "./fixtures.js"

const claude = JSON.parse(goAuthFiles["claude-user@example.com.json"]!) as JsonObject
const codex = JSON.parse(goAuthFiles["codex-user@example.com.json"]!) as JsonObject

/**
 * Builds a layer in its own scope, so a test can stop it (a replica's shutdown) and start
 * another; whatever the test leaves open stops with the test, before its backend does.
 */
export const openIn = <ROut, E>(layer: Layer.Layer<ROut, E>) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    yield* Effect.addFinalizer(() => Scope.close(scope, Exit.void))
    const context = yield* Layer.buildWithScope(layer, scope)
    return { context, close: Scope.close(scope, Exit.void) }
  })

const storeOf = (ctx: Context.Context<Store>) => Context.get(ctx, Store)

/** Every Store: records saved, listed, replaced, removed and signalled; the config read and written with compare-and-swap. */
export const describeStoreContract = (name: string, open: (root: string) => Effect.Effect<Layer.Layer<Store, unknown>, never, Scope.Scope>) =>
  describe(`${name}: Store contract`, () => {
    it.scopedLive("saves, lists, replaces and removes records, signalling each change", () =>
      Effect.gen(function*() {
        const root = yield* tempDir
        const { context } = yield* openIn((yield* open(root)).pipe(Layer.orDie))
        const store = storeOf(context)
        const seen: Array<string> = []
        yield* Effect.forkScoped(Stream.runForEach(store.changes, (c) => Effect.sync(() => seen.push(`${c._tag} ${c._tag === "Upsert" ? c.record.id : c.id}`))))
        yield* Effect.sleep("20 millis")
        const saved = yield* store.save("claude-user@example.com.json", claude)
        expect(saved.file.type).toBe("claude")
        expect((yield* store.list).map((r) => r.id)).toContain("claude-user@example.com.json")
        yield* store.save("claude-user@example.com.json", { ...claude, access_token: "rotated" })
        expect((yield* store.list).find((r) => r.id === "claude-user@example.com.json")?.metadata.access_token).toBe("rotated")
        yield* store.remove("claude-user@example.com.json")
        expect((yield* store.list).map((r) => r.id)).not.toContain("claude-user@example.com.json")
        yield* eventually(() => seen.includes("Remove claude-user@example.com.json"))
        expect(seen.slice(0, 3)).toEqual(["Upsert claude-user@example.com.json", "Upsert claude-user@example.com.json", "Remove claude-user@example.com.json"])
        // an id that would leave the folder is refused, not written
        const bad = yield* Effect.either(store.save("../escape.json", claude))
        expect(bad._tag).toBe("Left")
      }))

    it.scopedLive("writes config.yaml with compare-and-swap", () =>
      Effect.gen(function*() {
        const root = yield* tempDir
        const { context } = yield* openIn((yield* open(root)).pipe(Layer.orDie))
        const store = storeOf(context)
        const before = yield* store.config.read
        expect(yield* store.config.write("port: 8317\n# one\n")).toBe(true)
        expect(yield* store.config.read).toBe("port: 8317\n# one\n")
        expect(yield* store.config.write("port: 1\n", { expect: before ?? "stale" })).toBe(false)
        expect(yield* store.config.write("port: 8317\n# two\n", { expect: "port: 8317\n# one\n" })).toBe(true)
        expect(yield* store.config.read).toBe("port: 8317\n# two\n")
      }))
  })

/** A backend under test: replicas open on it, and it can be cut off and inspected directly. */
export interface TestBackend {
  /** A replica's store with its local mirror in `root`. */
  readonly open: (root: string) => Layer.Layer<Store | MirrorSync, StoreUnavailable>
  /** Makes the backend unreachable (connections refused or dropped). */
  readonly down: Effect.Effect<void>
  readonly up: Effect.Effect<void>
  /** What the backend holds now, read directly. */
  readonly peek: Effect.Effect<RemoteSnapshot>
  /** Writes (or deletes, with undefined) one auth record directly, as another writer would. */
  readonly put: (id: string, text: string | undefined) => Effect.Effect<void>
}

const quiet = Logger.replace(Logger.defaultLogger, Logger.none)

/** Opens a replica, capturing its log lines into `logs`. */
const replica = (backend: TestBackend, root: string, logs: Array<string> = []) =>
  openIn(backend.open(root).pipe(
    Layer.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logs.push(String(message)))))
  ))

const authJson = (snapshot: RemoteSnapshot, id: string) => {
  const text = snapshot.auths.get(id)
  return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>)
}

/** A backend behind a mirror: the Store contract, plus replicas, faults and restarts. */
export const describeMirrorContract = (name: string, backendFor: Effect.Effect<TestBackend, never, Scope.Scope>) => {
  describeStoreContract(name, (root) => Effect.map(backendFor, (b) => b.open(root)))

  describe(`${name}: mirror and replicas`, () => {
    it.scopedLive("a new backend gets the example config; what one replica saves, removes or edits reaches the other within 2 s", () =>
      Effect.gen(function*() {
        const backend = yield* backendFor
        const a = storeOf((yield* replica(backend, yield* tempDir)).context)
        const b = storeOf((yield* replica(backend, yield* tempDir)).context)
        const stored = yield* backend.peek
        expect(stored.config).toContain("port:")
        expect(yield* b.config.read).toBe(yield* a.config.read)

        yield* a.save("codex-user@example.com.json", codex)
        yield* eventuallyEffect(Effect.map(b.list, (rs) => rs.some((r) => r.id === "codex-user@example.com.json")), "saved on A, listed on B", 2000)
        expect(authJson(yield* backend.peek, "codex-user@example.com.json")).toEqual(codex)

        yield* a.save("codex-user@example.com.json", { ...codex, access_token: "refreshed" })
        yield* eventuallyEffect(Effect.map(b.list, (rs) => rs.some((r) => r.metadata.access_token === "refreshed")), "refreshed on A, seen on B", 2000)

        const text = `${yield* b.config.read}\n# edited through B\n`
        expect(yield* Effect.orDie(b.config.write(text))).toBe(true)
        yield* eventuallyEffect(Effect.map(Effect.orDie(a.config.read), (t) => t === text), "config edited on B, read on A", 2000)

        yield* b.remove("codex-user@example.com.json")
        yield* eventuallyEffect(Effect.map(a.list, (rs) => rs.length === 0), "removed on B, gone on A", 2000)
        expect((yield* backend.peek).auths.has("codex-user@example.com.json")).toBe(false)
      }))

    it.scopedLive("files dropped into the mirror by hand are uploaded, and records written into the backend by others are mirrored", () =>
      Effect.gen(function*() {
        const backend = yield* backendFor
        const root = yield* tempDir
        const a = storeOf((yield* replica(backend, root)).context)
        fs.writeFileSync(path.join(a.dir, "claude-user@example.com.json"), JSON.stringify(claude))
        yield* eventuallyEffect(Effect.map(backend.peek, (s) => s.auths.has("claude-user@example.com.json")), "hand-written file uploaded", 3000)
        yield* backend.put("codex-user@example.com.json", JSON.stringify(codex))
        // without a change signal from another replica, the poll interval decides
        yield* eventuallyEffect(Effect.map(a.list, (rs) => rs.some((r) => r.id === "codex-user@example.com.json")), "written by another, mirrored", 12_000)
        expect(JSON.parse(fs.readFileSync(path.join(a.dir, "codex-user@example.com.json"), "utf8"))).toEqual(codex)
      }))

    it.scopedLive("down at start: a clear error without a mirror, a warning and the mirror's records with one", () =>
      Effect.gen(function*() {
        const backend = yield* backendFor
        const root = yield* tempDir
        const first = yield* replica(backend, root)
        yield* storeOf(first.context).save("claude-user@example.com.json", claude)
        yield* eventuallyEffect(Effect.map(backend.peek, (s) => s.auths.has("claude-user@example.com.json")), "uploaded", 3000)
        yield* first.close
        yield* backend.down
        const fresh = yield* Effect.exit(replica(backend, yield* tempDir))
        expect(Exit.isFailure(fresh)).toBe(true)
        if (Exit.isFailure(fresh)) expect(String(fresh.cause)).toMatch(/unreachable.*no local mirror/)
        const logs: Array<string> = []
        const again = storeOf((yield* replica(backend, root, logs)).context)
        expect((yield* again.list).map((r) => r.id)).toEqual(["claude-user@example.com.json"])
        expect(logs.join("\n")).toMatch(/unreachable.*starting from the local mirror/)
        yield* backend.up
      }))

    it.scopedLive("down later: the proxy's writes queue in the mirror and reach the backend when it returns, both ways", () =>
      Effect.gen(function*() {
        const backend = yield* backendFor
        const a = storeOf((yield* replica(backend, yield* tempDir)).context)
        const b = storeOf((yield* replica(backend, yield* tempDir)).context)
        yield* backend.down
        yield* a.save("claude-user@example.com.json", claude)
        yield* b.save("codex-user@example.com.json", codex)
        yield* Effect.sleep("300 millis")
        expect((yield* a.list).map((r) => r.id)).toEqual(["claude-user@example.com.json"])
        yield* backend.up
        yield* eventuallyEffect(Effect.map(backend.peek, (s) => s.auths.size === 2), "both queued writes pushed", 8000)
        yield* eventuallyEffect(Effect.map(a.list, (rs) => rs.length === 2), "A has B's record", 12_000)
        yield* eventuallyEffect(Effect.map(b.list, (rs) => rs.length === 2), "B has A's record", 12_000)
      }))

    it.scopedLive("a change made while the backend was down survives a restart and is pushed at the next start", () =>
      Effect.gen(function*() {
        const backend = yield* backendFor
        const root = yield* tempDir
        const first = yield* replica(backend, root)
        yield* backend.down
        yield* storeOf(first.context).save("claude-user@example.com.json", claude)
        yield* first.close.pipe(Effect.provide(quiet))
        yield* backend.up
        const again = yield* replica(backend, root)
        expect((yield* storeOf(again.context).list).map((r) => r.id)).toEqual(["claude-user@example.com.json"])
        yield* eventuallyEffect(Effect.map(backend.peek, (s) => s.auths.has("claude-user@example.com.json")), "pushed after restart", 3000)
      }))

    it.scopedLive("an existing backend's records are mirrored at the first start; its version wins over stale local files, local-only ones are uploaded", () =>
      Effect.gen(function*() {
        const backend = yield* backendFor
        yield* backend.put("codex-user@example.com.json", JSON.stringify(codex))
        const root = yield* tempDir
        fs.mkdirSync(path.join(root, "auths"), { recursive: true })
        fs.writeFileSync(path.join(root, "auths", "codex-user@example.com.json"), JSON.stringify({ ...codex, access_token: "stale" }))
        fs.writeFileSync(path.join(root, "auths", "claude-user@example.com.json"), JSON.stringify(claude))
        const a = storeOf((yield* replica(backend, root)).context)
        const records = yield* a.list
        expect(records.find((r) => r.id === "codex-user@example.com.json")?.metadata.access_token).toBe(codex.access_token)
        yield* eventuallyEffect(Effect.map(backend.peek, (s) => s.auths.has("claude-user@example.com.json")), "local-only uploaded", 3000)
        yield* eventually(() => records.length === 2)
      }))
  })
}
