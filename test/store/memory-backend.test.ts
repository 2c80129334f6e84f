import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Schedule } from "effect"
import { MirrorSync } from "../../src/store/mirror-sync.js"
import { Store } from "../../src/store/store.js"
import { eventuallyEffect, tempDir } from "../support/server.js"
import { goAuthFiles } from "./fixtures.js"
import * as FileStore from "../../src/store/file-store.js"
import * as MirroredStore from "../../src/store/mirrored-store.js"
import { memoryBackend } from "../fakes/memory-remote.js"
import { describeMirrorContract, describeStoreContract, openIn } from "./store-contract.js"
import * as path from "node:path"

describeStoreContract("FileStore", (root) =>
  Effect.succeed(FileStore.layer({ configFile: path.join(root, "config.yaml"), authDir: path.join(root, "auths") }).pipe(Layer.provide(NodeFileSystem.layer))))

describeMirrorContract("mirror over an in-memory backend", Effect.sync(() => {
  const backend = memoryBackend()
  return {
    open: (root: string) =>
      MirroredStore.layer({ root, remote: Effect.succeed(backend.remote("1 second")), startTimeout: "1 second" }).pipe(Layer.provide(NodeFileSystem.layer)),
    down: Effect.sync(() => void (backend.down = true)),
    up: Effect.sync(() => void (backend.down = false)),
    peek: Effect.sync(() => ({ config: backend.config, auths: new Map(backend.auths) })),
    put: (id: string, text: string | undefined) => Effect.sync(() => void (text === undefined ? backend.auths.delete(id) : backend.auths.set(id, text)))
  }
}))

describe("mirror sync over a backend whose client crashes", () => {
  it.scopedLive("a crash (a defect, not a failure) is retried like an outage: the sync carries on and pushes once the client works", () =>
    Effect.gen(function*() {
      const backend = memoryBackend()
      const root = yield* tempDir
      const { context } = yield* openIn(
        MirroredStore.layer({ root, remote: Effect.succeed(backend.remote("1 second")), startTimeout: "1 second", retry: Schedule.spaced("100 millis") }).pipe(Layer.provide(NodeFileSystem.layer))
      )
      const store = Context.get(context, Store)
      const sync = Context.get(context, MirrorSync)
      backend.dies = true
      yield* store.save("claude-user@example.com.json", JSON.parse(goAuthFiles["claude-user@example.com.json"]!))
      yield* eventuallyEffect(Effect.map(sync.status, (s) => !s.online && s.pending === 1 && s.lastError === "driver crashed"), "the crash shows as an outage", 3000)
      backend.dies = false
      yield* eventuallyEffect(Effect.sync(() => backend.auths.has("claude-user@example.com.json")), "pushed after the crashes", 3000)
      expect((yield* sync.status).pending).toBe(0)
    }))
})
