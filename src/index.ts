/**
 * The library face of cli-proxy-api: what a program needs to embed the proxy, swap its
 * Store, or add a provider without forking (docs/sdk.md). Each module is re-exported as a
 * namespace, as Effect's own packages do: `App.layer`, `Providers.ExtraProvider`, ...
 */

// the server: every service as one Layer, its options, and the command line
export * as App from "./app.js"
export * as Cli from "./cli/command.js"
export * as Serve from "./cli/serve.js"
export * as HttpServer from "./http/server.js"

// configuration
export * as Config from "./config/schema.js"
export * as ConfigLoad from "./config/load.js"
export * as ConfigService from "./config/config-service.js"

// where config and credentials are kept
export * as Store from "./store/store.js"
export * as FileStore from "./store/file-store.js"
export * as StoreBackend from "./store/backend.js"
export * as StoreLayer from "./store/store-layer.js"
// a backend of your own: implement Remote and put it behind MirroredStore
export * as Remote from "./store/remote.js"
export * as MirroredStore from "./store/mirrored-store.js"
export * as MirrorSync from "./store/mirror-sync.js"
export * as PostgresStore from "./store/postgres/postgres-store.js"
export * as Replicas from "./store/replicas.js"
export * as UsageArchive from "./usage/usage-archive.js"

// credentials, models and the request program
export * as Credential from "./credentials/credential.js"
export * as CredentialPool from "./credentials/credential-pool.js"
export * as ModelRegistry from "./credentials/model-registry.js"
export * as TokenRefresh from "./credentials/token-refresh.js"
export * as Pipeline from "./pipeline/pipeline.js"

// upstreams: the Provider record, the provider set (built-in plus added), outbound connections
export * as Provider from "./providers/provider.js"
export * as Providers from "./providers/provider-set.js"
export * as BuiltinProviders from "./providers/registry.js"
export * as UpstreamDispatchers from "./providers/shared/dispatchers.js"
export * as Logins from "./providers/logins.js"

// the AI Studio relay, usage, metrics, tracing, logs
export * as Relay from "./relay/relay.js"
export * as UsageMeter from "./usage/usage-meter.js"
export * as Metrics from "./usage/metrics.js"
export * as Tracing from "./usage/tracing.js"
export * as AppLog from "./logging/app-log.js"

// the wire dialects and the canonical IR, usable on their own
export * as IR from "./formats/ir.js"
export * as Codecs from "./formats/codecs.js"
export * as Sse from "./formats/sse.js"
export * as Transducer from "./formats/transducer.js"
