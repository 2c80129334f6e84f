import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as PubSub from "effect/PubSub"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as FileStore from "./file-store.js"
import { mirrorPaths, MirrorSync, type StoreUnavailable, start, type SyncOptions } from "./mirror-sync.js"
import type { Remote } from "./remote.js"
import { type ConfigRecord, Store } from "./store.js"

/** The example config shipped in the package, copied in when a backend has no config yet. @category paths */
export const packagedExampleConfig = fileURLToPath(new URL("../../config.example.yaml", import.meta.url))

/** Where the first config comes from: `config.example.yaml` in the working directory, else the packaged one. */
const exampleConfig = () => {
  const local = path.resolve("config.example.yaml")
  return fs.existsSync(local) ? local : packagedExampleConfig
}

/** A backend behind a local mirror. @category models */
export interface MirroredStoreOptions {
  /** The backend's local folder (`<LOCAL_PATH>/pgstore` and so on). */
  readonly root: string
  /** Builds the backend client; its resources live as long as the store. */
  readonly remote: Effect.Effect<Remote, never, Scope.Scope>
  readonly startTimeout?: SyncOptions["startTimeout"]
  readonly retry?: SyncOptions["retry"]
  /** Where logs go (default: `logs/` in the working directory, as the Go version's store modes). */
  readonly logsDir?: string
}

/**
 * A Store whose config and auth records live in a backend (PostgreSQL, object storage,
 * Git) and are mirrored in a local folder: the file store runs on the mirror, so reads,
 * watching and hot reload work as with plain files, and the mirror sync carries changes
 * both ways. Provides the Store and the MirrorSync.
 * @category layers
 */
export const layer = (options: MirroredStoreOptions): Layer.Layer<Store | MirrorSync, StoreUnavailable, FileSystem.FileSystem> =>
  Layer.scopedContext(Effect.gen(function*() {
    const paths = mirrorPaths(options.root)
    const remote = yield* options.remote
    // a backend used for the first time gets the example config (unless it already has one)
    if (!fs.existsSync(paths.stateFile) && !fs.existsSync(paths.configFile)) {
      fs.mkdirSync(path.dirname(paths.configFile), { recursive: true, mode: 0o700 })
      fs.copyFileSync(exampleConfig(), paths.configFile)
      fs.chmodSync(paths.configFile, 0o600)
    }
    const engine = yield* start({
      paths,
      remote,
      ...(options.startTimeout !== undefined ? { startTimeout: options.startTimeout } : {}),
      ...(options.retry !== undefined ? { retry: options.retry } : {})
    })
    // the file store starts from the reconciled mirror, then its change events drive the pushes
    const files = yield* FileStore.make({ configFile: paths.configFile, authDir: paths.authDir, logsDir: options.logsDir ?? path.resolve("logs") })
    // a config write through the store is pushed at once, not when the folder watcher gets to it
    const written = yield* PubSub.sliding<void>(1)
    const config: ConfigRecord = {
      ...files.config,
      write: (text, writeOptions) => Effect.tap(files.config.write(text, writeOptions), (ok) => (ok ? PubSub.publish(written, undefined) : Effect.void))
    }
    yield* engine.follow(Stream.mergeAll([files.changes, files.config.changes, Stream.fromPubSub(written)], { concurrency: "unbounded" }), files.rescan)
    return Context.make(Store, { ...files, config }).pipe(Context.add(MirrorSync, engine.sync))
  }))
