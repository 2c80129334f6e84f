/**
 * The config.yaml schema: every key of the Go version (spec/01 §8) plus `host`,
 * `max-body-size` and `upstream-endpoints`, decoded to camelCase with documented defaults
 * and the legacy forms folded in.
 */
import * as Schema from "effect/Schema"
import { ConfigInput, Normalized } from "./fields.js"
import { normalize } from "./normalize.js"

export { ApiKeyEntry, ClaudeKey, CodexKey, GeminiKey, ModelAlias, OpenAICompatibility } from "./entries.js"
export {
  ConfigInput,
  DEFAULT_AUTH_DIR,
  DEFAULT_MAX_BODY_SIZE,
  DEFAULT_PORT,
  QuotaExceeded,
  RemoteManagement
} from "./fields.js"

/** The whole config: decodes config.yaml's parsed value, with legacy forms normalised. @category schemas */
export const Config = Schema.transform(ConfigInput, Normalized, {
  strict: true,
  decode: (input) => normalize(input).config,
  encode: (config) => config
})
/** The decoded config (camelCase). @category models */
export type Config = Schema.Schema.Type<typeof Config>

/** The config used when there is no file: everything at its default. @category defaults */
export const defaults: Config = Schema.decodeUnknownSync(Config)({})
