import * as path from "node:path"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { ConfigError, loadConfigFile } from "../config/load.js"
import * as Usage from "../usage/usage-archive.js"
import { type Backend, chooseBackend, type Env, envValue } from "./backend.js"
import * as FileStore from "./file-store.js"
import { inStep, MirrorSync, type StoreUnavailable } from "./mirror-sync.js"
import * as Replicas from "./replicas.js"
import type { Store } from "./store.js"

/** Everything a backend provides: the records, replica coordination, the usage archive. @category models */
export type StoreServices = Store | MirrorSync | Replicas.Replicas | Usage.UsageArchive

/** Options of the store as the server and the login command open it. @category models */
export interface StoreLayerOptions {
  /** config.yaml of the file store (ignored by the other backends: theirs is in the mirror). */
  readonly configFile: string
  /** Watch config.yaml (default true). */
  readonly watch?: boolean
  readonly env?: Env
}

const lazily = <M, E>(load: () => Promise<M>, build: (module: M) => Layer.Layer<StoreServices, E, FileSystem.FileSystem>) =>
  Layer.unwrapEffect(Effect.map(Effect.promise(load), build))

/** The layer of one chosen backend. @category layers */
export const layerFor = (
  backend: Backend,
  options: StoreLayerOptions
): Layer.Layer<StoreServices, ConfigError | StoreUnavailable, FileSystem.FileSystem> => {
  // WRITABLE_PATH moves the logs (spec/03 A.5); otherwise beside config.yaml, or the working directory in store modes
  const writable = envValue(options.env ?? process.env, "WRITABLE_PATH")
  const logs = writable === undefined ? {} : { logsDir: path.resolve(writable, "logs") }
  switch (backend.kind) {
    case "file":
      // the auth-dir the config names at start (a restart moves it); ConfigService then owns the config
      return Layer.unwrapEffect(Effect.map(loadConfigFile(options.configFile), ({ config }) =>
        FileStore.layer({
          configFile: options.configFile,
          authDir: config.authDir,
          ...logs,
          ...(options.watch === undefined ? {} : { watchConfig: options.watch })
        }).pipe(Layer.merge(Layer.succeed(MirrorSync, inStep("file", `files in ${config.authDir}`)))))).pipe(
        Layer.merge(Replicas.single),
        Layer.merge(Usage.none)
      )
    // each backend's client library loads only when chosen: the file store starts without them
    case "postgres":
      return lazily(() => import("./postgres/postgres-store.js"), (m) =>
        m.layer({ dsn: backend.dsn, root: backend.root, ...logs, ...(backend.schema !== undefined ? { schema: backend.schema } : {}) }))
    case "object":
      return lazily(() => import("./object/object-store.js"), (m) => m.layer(backend, logs))
    case "git":
      return lazily(() => import("./git/git-store.js"), (m) => m.layer(backend, logs))
  }
}

/**
 * The store the environment chooses (PGSTORE_* before OBJECTSTORE_* before GITSTORE_*,
 * else the file store on config.yaml); a setting that cannot work is a ConfigError.
 * @category layers
 */
export const layer = (options: StoreLayerOptions) =>
  Either.match(chooseBackend(options.env ?? process.env, process.cwd()), {
    onLeft: (message) => Layer.fail(new ConfigError({ path: "environment", message })),
    onRight: (backend) => layerFor(backend, options)
  })
