import type * as FileSystem from "@effect/platform/FileSystem"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ConfigService from "./config/config-service.js"
import { type ConfigError, loadConfigFile } from "./config/load.js"
import * as CredentialPool from "./credentials/credential-pool.js"
import * as CredentialSync from "./credentials/credential-sync.js"
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
import * as FileStore from "./store/file-store.js"
import type { Store, StoreError } from "./store/store.js"
import * as Providers from "./providers/provider-set.js"
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
  /** Providers to serve besides the built-in ones (library use: see docs/sdk.md). */
  readonly providers?: ReadonlyArray<Providers.ExtraProvider>
  /** The Store to keep config and auth records in (default: config.yaml and the auth-dir files); it fails to start with a StoreError. */
  readonly store?: Layer.Layer<Store, StoreError>
}

/**
 * The Store given, else the default one: config.yaml and the auth-dir it names at start
 * (a restart moves it).
 * The config is read once here to find that folder; ConfigService then owns it.
 */
const storeLayer = (options: AppOptions): Layer.Layer<Store, ConfigError | StoreError, FileSystem.FileSystem> =>
  options.store ?? Layer.unwrapEffect(Effect.map(loadConfigFile(options.configFile), ({ config }) =>
    FileStore.layer({
      configFile: options.configFile,
      authDir: config.authDir,
      ...(options.watch === undefined ? {} : { watchConfig: options.watch })
    })))

/**
 * Every service of a running server, as one Layer: what `serve` runs and what the
 * end-to-end tests boot on 127.0.0.1:0.
 * @category layers
 */
export const layer = (options: AppOptions) =>
  HttpServer.layer(options.listen).pipe(
    Layer.provideMerge(Layer.scopedDiscard(CredentialSync.run)),
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
