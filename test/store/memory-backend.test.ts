import { NodeFileSystem } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import * as FileStore from "../../src/store/file-store.js"
import * as MirroredStore from "../../src/store/mirrored-store.js"
import { memoryBackend } from "../fakes/memory-remote.js"
import { describeMirrorContract, describeStoreContract } from "./store-contract.js"
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
