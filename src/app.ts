import type * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ConfigService from "./config/config-service.js"
import * as CredentialPool from "./credentials/credential-pool.js"
import * as CredentialSync from "./credentials/credential-sync.js"
import * as SharedCooldowns from "./credentials/shared-cooldowns.js"
import * as ModelRegistry from "./credentials/model-registry.js"
import * as TokenRefresh from "./credentials/token-refresh.js"
import * as HttpServer from "./http/server.js"
import * as AppLog from "./logging/app-log.js"
import * as ConfigEditor from "./management/config-editor.js"
import * as ManagementAccess from "./management/access.js"
import * as WebLogins from "./management/web-logins.js"
import * as Pipeline from "./pipeline/pipeline.js"
import * as Relay from "./relay/relay.js"
import type { Timing } from "./relay/session.js"
import * as Replicas from "./store/replicas.js"
import type { Store, StoreError } from "./store/store.js"
import * as StoreLayer from "./store/store-layer.js"
import { inStep, MirrorSync, type StoreUnavailable } from "./store/mirror-sync.js"
import type { ConfigError } from "./config/load.js"
import * as Providers from "./providers/provider-set.js"
import * as UsageArchive from "./usage/usage-archive.js"
import * as UpstreamDispatchers from "./providers/shared/dispatchers.js"
import * as Metrics from "./usage/metrics.js"
import * as Tracing from "./usage/tracing.js"
import * as UsageMeter from "./usage/usage-meter.js"

/** How to run the server: which config file, listen overrides, where stdout log lines go. @category models */
export interface AppOptions {
  readonly configFile: string
  readonly listen?: HttpServer.ListenOptions
  /** Watch the config file for changes (default true). */
  readonly watch?: boolean
  /** Receives log lines meant for stdout (tests collect them). */
  readonly logOut?: (line: string) => void
  /** The AI Studio relay's keep-alive (default: ping every 30 s, 60 s read deadline). */
  readonly relayTiming?: Timing
  /** Where spans go (default: the OTEL_EXPORTER_OTLP_* environment; none when unset). */
  readonly tracing?: Tracing.TracingOptions
  /** The environment choosing the store (PGSTORE_*, OBJECTSTORE_*, GITSTORE_*; default: the process's). */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Providers to serve besides the built-in ones (library use: see docs/sdk.md). */
  readonly providers?: ReadonlyArray<Providers.ExtraProvider>
  /** The Store to keep config and auth records in (default: the one the environment chooses); it fails to start with a StoreError (or StoreUnavailable, a backend's). */
  readonly store?: Layer.Layer<Store, StoreError | StoreUnavailable>
}

/** The Store given (alone: no replicas, no usage archive), else the one the environment chooses. */
const storeLayer = (
  options: AppOptions
): Layer.Layer<StoreLayer.StoreServices, ConfigError | StoreUnavailable | StoreError, FileSystem.FileSystem> =>
  options.store !== undefined
    ? options.store.pipe(Layer.merge(Replicas.single), Layer.merge(UsageArchive.none), Layer.merge(Layer.succeed(MirrorSync, inStep("custom", "the embedding program's store"))))
    : StoreLayer.layer({
      configFile: options.configFile,
      ...(options.watch === undefined ? {} : { watch: options.watch }),
      ...(options.env === undefined ? {} : { env: options.env })
    })

/**
 * Every service of a running server, as one Layer: what `serve` runs and what the
 * end-to-end tests boot on 127.0.0.1:0.
 * @category layers
 */
export const layer = (options: AppOptions) =>
  HttpServer.layer(options.listen).pipe(
    Layer.provideMerge(Layer.scopedDiscard(Effect.zipRight(CredentialSync.run, SharedCooldowns.run))),
    Layer.provideMerge(Layer.mergeAll(ConfigEditor.layer, ManagementAccess.layer, WebLogins.layer)),
    Layer.provideMerge(Pipeline.layer),
    Layer.provideMerge(Layer.mergeAll(UsageMeter.layer, Metrics.layer, Tracing.layer(options.tracing ?? Tracing.fromEnv()))),
    Layer.provideMerge(TokenRefresh.layer),
    Layer.provideMerge(Layer.mergeAll(
      ModelRegistry.layer,
      CredentialPool.layer,
      UpstreamDispatchers.layer(),
      Relay.layer(options.relayTiming),
      Providers.layer(options.providers)
    )),
    Layer.provideMerge(ConfigService.layer),
    Layer.provideMerge(storeLayer(options)),
    Layer.provideMerge(AppLog.layer({ debug: false, toFile: false, dir: "", secrets: [] }, options.logOut)),
    Layer.provideMerge(NodeFileSystem.layer)
  )
