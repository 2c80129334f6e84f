/**
 * Schemas of the list entries in config.yaml: upstream API keys per provider,
 * OpenAI-compatible providers, model aliases and the legacy `auth.providers` block.
 */
import * as Schema from "effect/Schema"
import { expected, Str, StringList, StringMap, Trimmed } from "./primitives.js"

/** An optional key read from its kebab-case YAML name, with a default when absent. @category constructors */
export const key = <S extends Schema.Schema.AnyNoContext, const K extends string>(
  name: K,
  schema: S,
  value: () => Schema.Schema.Type<S>
) => Schema.optionalWith(schema, { default: value, exact: true }).pipe(Schema.fromKey(name))

const text = <const K extends string>(name: K) => key(name, Trimmed, () => "")

/** A list of entries whose "expected" phrase is set. @category constructors */
export const list = <S extends Schema.Schema.AnyNoContext>(item: S, phrase: string) =>
  Schema.Array(item).annotations(expected(phrase))

/** An upstream model name and the alias clients use for it. @category schemas */
export const ModelAlias = Schema.Struct({
  name: text("name"),
  alias: text("alias")
}).annotations(expected("an object with name and alias"))
/** A decoded model alias. @category models */
export type ModelAlias = Schema.Schema.Type<typeof ModelAlias>

/** One API key of an OpenAI-compatible provider, with its own proxy. @category schemas */
export const ApiKeyEntry = Schema.Struct({
  apiKey: text("api-key"),
  proxyUrl: text("proxy-url")
}).annotations(expected("an object with api-key and proxy-url"))
/** A decoded OpenAI-compatible API key entry. @category models */
export type ApiKeyEntry = Schema.Schema.Type<typeof ApiKeyEntry>

/** A `gemini-api-key` entry: a Gemini API (AI Studio) key. @category schemas */
export const GeminiKey = Schema.Struct({
  apiKey: text("api-key"),
  baseUrl: text("base-url"),
  proxyUrl: text("proxy-url"),
  headers: key("headers", StringMap, () => ({})),
  models: key("models", list(ModelAlias, "a list of {name, alias} objects"), () => [])
}).annotations(expected("an object with api-key"))
/** A decoded `gemini-api-key` entry. @category models */
export type GeminiKey = Schema.Schema.Type<typeof GeminiKey>

/** A `claude-api-key` entry: an Anthropic API key, optionally limited to aliased models. @category schemas */
export const ClaudeKey = Schema.Struct({
  apiKey: text("api-key"),
  baseUrl: text("base-url"),
  proxyUrl: text("proxy-url"),
  models: key("models", list(ModelAlias, "a list of {name, alias} objects"), () => [])
}).annotations(expected("an object with api-key"))
/** A decoded `claude-api-key` entry. @category models */
export type ClaudeKey = Schema.Schema.Type<typeof ClaudeKey>

/** A `codex-api-key` entry: an OpenAI key for a Responses endpoint; base-url is required. @category schemas */
export const CodexKey = Schema.Struct({
  apiKey: text("api-key"),
  baseUrl: text("base-url"),
  proxyUrl: text("proxy-url"),
  models: key("models", list(ModelAlias, "a list of {name, alias} objects"), () => [])
}).annotations(expected("an object with api-key and base-url"))
/** A decoded `codex-api-key` entry. @category models */
export type CodexKey = Schema.Schema.Type<typeof CodexKey>

/** An `openai-compatibility` entry: a named OpenAI-compatible upstream. @category schemas */
export const OpenAICompatibility = Schema.Struct({
  name: text("name"),
  baseUrl: text("base-url"),
  // Legacy: read, migrated into apiKeyEntries at load, and always empty afterwards.
  apiKeys: key("api-keys", StringList, () => []),
  apiKeyEntries: key("api-key-entries", list(ApiKeyEntry, "a list of {api-key, proxy-url} objects"), () => []),
  models: key("models", list(ModelAlias, "a list of {name, alias} objects"), () => [])
}).annotations(expected("an object with name and base-url"))
/** A decoded `openai-compatibility` entry. @category models */
export type OpenAICompatibility = Schema.Schema.Type<typeof OpenAICompatibility>

/** A provider of the legacy `auth.providers` block (only config-api-key keys are used). @category schemas */
export const LegacyAuthProvider = Schema.Struct({
  name: key("name", Str, () => ""),
  type: key("type", Str, () => ""),
  sdk: key("sdk", Str, () => ""),
  apiKeys: key("api-keys", StringList, () => []),
  config: key("config", Schema.Record({ key: Schema.String, value: Schema.Unknown }), () => ({}))
}).annotations(expected("an object with name and type"))

/** The legacy `auth` block. @category schemas */
export const LegacyAuth = Schema.Struct({
  providers: key("providers", list(LegacyAuthProvider, "a list of provider objects"), () => [])
}).annotations(expected("an object with providers"))
/** The decoded legacy `auth` block. @category models */
export type LegacyAuth = Schema.Schema.Type<typeof LegacyAuth>
