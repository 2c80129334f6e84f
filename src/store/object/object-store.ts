import type * as FileSystem from "@effect/platform/FileSystem"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { ConfigError } from "../../config/load.js"
import * as Usage from "../../usage/usage-archive.js"
import type { Backend } from "../backend.js"
import type { MirrorSync, StoreUnavailable } from "../mirror-sync.js"
import * as MirroredStore from "../mirrored-store.js"
import * as Replicas from "../replicas.js"
import type { Store } from "../store.js"
import { parseEndpoint } from "./endpoint.js"
import { makeObjectRemote } from "./object-remote.js"

/** The object storage store (spec/03 B.7) for OBJECTSTORE_*: the bucket behind a local mirror. @category layers */
export const layer = (
  backend: Extract<Backend, { kind: "object" }>,
  options: { readonly logsDir?: string }
): Layer.Layer<Store | MirrorSync | Replicas.Replicas | Usage.UsageArchive, ConfigError | StoreUnavailable, FileSystem.FileSystem> =>
  Either.match(parseEndpoint(backend.endpoint), {
    onLeft: (message) => Layer.fail(new ConfigError({ path: "environment", message: `OBJECTSTORE_ENDPOINT: ${message}` })),
    onRight: (endpoint) =>
      MirroredStore.layer({
        root: backend.root,
        remote: makeObjectRemote({
          endpoint,
          bucket: backend.bucket,
          accessKey: backend.accessKey,
          secretKey: Redacted.make(backend.secretKey),
          pollInterval: backend.pollInterval
        }),
        ...options
      }).pipe(Layer.merge(Replicas.single), Layer.merge(Usage.none))
  })
