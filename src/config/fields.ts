/**
 * The keys of config.yaml as schemas: the current keys (shared by the input and the decoded
 * type) and the input form with the legacy keys.
 */
import * as Schema from "effect/Schema"
import { ClaudeKey, CodexKey, GeminiKey, key, LegacyAuth, list, OpenAICompatibility } from "./entries.js"
import {
  Bool,
  ByteSize,
  expected,
  HttpUrl,
  NonEmptyTrimmed,
  NonNegativeInt,
  Port,
  StringList,
  Trimmed
} from "./primitives.js"

/** Default listening port (the Go version's documented default). @category defaults */
export const DEFAULT_PORT = 8317
/** Default credential directory, before `~` expansion. @category defaults */
export const DEFAULT_AUTH_DIR = "~/.cli-proxy-api"
/** Default request body limit: 64 MiB. @category defaults */
export const DEFAULT_MAX_BODY_SIZE = 64 * 1024 * 1024

/** `quota-exceeded`: what to do when an upstream reports an exhausted quota. @category schemas */
export const QuotaExceeded = Schema.Struct({
  switchProject: key("switch-project", Bool, () => true),
  switchPreviewModel: key("switch-preview-model", Bool, () => true)
}).annotations(expected("an object"))

/** `remote-management`: access to the /v0/management API and control panel. @category schemas */
export const RemoteManagement = Schema.Struct({
  allowRemote: key("allow-remote", Bool, () => false),
  secretKey: key("secret-key", Trimmed, () => ""),
  disableControlPanel: key("disable-control-panel", Bool, () => false)
}).annotations(expected("an object"))

/** `routing`: how a credential is chosen among those serving a model. @category schemas */
export const Routing = Schema.Struct({
  strategy: key(
    "strategy",
    Schema.Literal("round-robin", "fill-first").annotations(expected("\"round-robin\" or \"fill-first\"")),
    () => "round-robin" as const
  )
}).annotations(expected("an object"))

/** `metrics`: the Prometheus endpoint. @category schemas */
export const Metrics = Schema.Struct({
  enabled: key("enabled", Bool, () => true)
}).annotations(expected("an object"))

const UpstreamEndpoints = Schema.Record({ key: Schema.String, value: HttpUrl })
  .annotations(expected("a mapping of provider names to base URLs"))

// Every key that survives normalisation; shared by the input schema and the decoded type.
export const fields = {
  host: Schema.optionalWith(Trimmed, { exact: true }).pipe(Schema.fromKey("host")),
  port: key("port", Port, () => DEFAULT_PORT),
  authDir: key("auth-dir", NonEmptyTrimmed, () => DEFAULT_AUTH_DIR),
  proxyUrl: key("proxy-url", Trimmed, () => ""),
  requestRetry: key("request-retry", NonNegativeInt, () => 0),
  maxBodySize: key("max-body-size", ByteSize, () => DEFAULT_MAX_BODY_SIZE),
  quotaExceeded: key("quota-exceeded", QuotaExceeded, () => ({ switchProject: true, switchPreviewModel: true })),
  remoteManagement: key(
    "remote-management",
    RemoteManagement,
    () => ({ allowRemote: false, secretKey: "", disableControlPanel: false })
  ),
  apiKeys: key("api-keys", StringList, () => []),
  debug: key("debug", Bool, () => false),
  loggingToFile: key("logging-to-file", Bool, () => true),
  usageStatisticsEnabled: key("usage-statistics-enabled", Bool, () => true),
  disableCooling: key("disable-cooling", Bool, () => false),
  requestLog: key("request-log", Bool, () => false),
  requestLogMaxSize: key("request-log-max-size", ByteSize, () => 1024 * 1024 * 1024),
  wsAuth: key("ws-auth", Bool, () => false),
  geminiApiKey: key("gemini-api-key", list(GeminiKey, "a list of {api-key, ...} objects"), () => []),
  codexApiKey: key("codex-api-key", list(CodexKey, "a list of {api-key, base-url, ...} objects"), () => []),
  claudeApiKey: key("claude-api-key", list(ClaudeKey, "a list of {api-key, ...} objects"), () => []),
  openaiCompatibility: key(
    "openai-compatibility",
    list(OpenAICompatibility, "a list of {name, base-url, ...} objects"),
    () => []
  ),
  upstreamEndpoints: key("upstream-endpoints", UpstreamEndpoints, () => ({})),
  routing: key("routing", Routing, () => ({ strategy: "round-robin" as const })),
  metrics: key("metrics", Metrics, () => ({ enabled: true }))
}

/** config.yaml as written, legacy keys included, before normalisation. @category schemas */
export const ConfigInput = Schema.Struct({
  ...fields,
  generativeLanguageApiKey: Schema.optionalWith(StringList, { exact: true }).pipe(
    Schema.fromKey("generative-language-api-key")
  ),
  auth: Schema.optionalWith(LegacyAuth, { exact: true }).pipe(Schema.fromKey("auth"))
}).annotations(expected("a mapping of config keys"))
/** config.yaml as written, decoded but not yet normalised. @category models */
export type ConfigInput = Schema.Schema.Type<typeof ConfigInput>

/** The decoded, normalised config type's schema (no encoding side). @category schemas */
export const Normalized = Schema.typeSchema(Schema.Struct(fields))
/** The decoded, normalised config. @category models */
export type Normalized = Schema.Schema.Type<typeof Normalized>

