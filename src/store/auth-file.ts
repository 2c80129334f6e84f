import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

// Auth files as the Go version writes them (spec/02 §1a, §5a, §6a, §7a, §8a; spec/03 B.4).
// Only the fields the proxy needs are checked; every other field is kept in the record's
// metadata untouched, so a file round-trips byte-for-byte in meaning.

const opt = <S extends Schema.Schema.Any>(s: S) => Schema.optional(s)
const Common = {
  email: opt(Schema.String),
  proxy_url: opt(Schema.String),
  disabled: opt(Schema.Boolean),
  last_refresh: opt(Schema.Union(Schema.String, Schema.Number)),
  expired: opt(Schema.Union(Schema.String, Schema.Number))
}

/** `type: gemini` (Gemini CLI / Code Assist): an OAuth2 token object and the GCP project. @category schemas */
export const GeminiAuthFile = Schema.Struct({
  type: Schema.Literal("gemini"),
  token: opt(Schema.Struct({
    access_token: opt(Schema.String),
    refresh_token: opt(Schema.String),
    expiry: opt(Schema.Union(Schema.String, Schema.Number)),
    token_uri: opt(Schema.String),
    client_id: opt(Schema.String),
    client_secret: opt(Schema.String)
  })),
  access_token: opt(Schema.String),
  refresh_token: opt(Schema.String),
  project_id: opt(Schema.String),
  auto: opt(Schema.Boolean),
  checked: opt(Schema.Boolean),
  ...Common
}).pipe(Schema.filter((f) =>
  (f.token?.refresh_token ?? f.refresh_token ?? f.token?.access_token ?? f.access_token) !== undefined ||
  "needs token.refresh_token or token.access_token"
))

/** `type: claude` (Claude Code OAuth). @category schemas */
export const ClaudeAuthFile = Schema.Struct({
  type: Schema.Literal("claude"),
  access_token: Schema.String,
  refresh_token: opt(Schema.String),
  id_token: opt(Schema.String),
  ...Common
})

/** `type: codex` (OpenAI Codex OAuth). @category schemas */
export const CodexAuthFile = Schema.Struct({
  type: Schema.Literal("codex"),
  access_token: Schema.String,
  refresh_token: opt(Schema.String),
  id_token: opt(Schema.String),
  account_id: opt(Schema.String),
  ...Common
})

/** `type: qwen` (Qwen Code device flow). @category schemas */
export const QwenAuthFile = Schema.Struct({
  type: Schema.Literal("qwen"),
  access_token: Schema.String,
  refresh_token: opt(Schema.String),
  resource_url: opt(Schema.String),
  ...Common
})

/** `type: iflow` (iFlow OAuth; holds an API key). @category schemas */
export const IflowAuthFile = Schema.Struct({
  type: Schema.Literal("iflow"),
  api_key: Schema.String,
  access_token: opt(Schema.String),
  refresh_token: opt(Schema.String),
  base_url: opt(Schema.String),
  token_type: opt(Schema.String),
  scope: opt(Schema.String),
  ...Common
})

/** Any auth file the proxy understands. @category schemas */
export const AuthFile = Schema.Union(GeminiAuthFile, ClaudeAuthFile, CodexAuthFile, QwenAuthFile, IflowAuthFile)
/** A decoded auth file. @category models */
export type AuthFile = Schema.Schema.Type<typeof AuthFile>

/** The auth file types. @category models */
export const authTypes: ReadonlyArray<AuthFile["type"]> = ["gemini", "claude", "codex", "qwen", "iflow"]

const decode = Schema.decodeUnknownEither(AuthFile)

const isType = (t: unknown): t is AuthFile["type"] => typeof t === "string" && (authTypes as ReadonlyArray<string>).includes(t)

/**
 * Decodes a parsed auth file by its `type`, with a one-line reason when it is not usable:
 * no type, an unknown type, or a field of the wrong kind.
 * @category decoding
 */
export const decodeAuthFile = (json: unknown): Either.Either<AuthFile, string> => {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return Either.left("not a JSON object")
  const type = "type" in json ? json.type : undefined
  if (type === undefined || type === "") return Either.left("no \"type\" field")
  if (!isType(type)) return Either.left(`unknown type ${JSON.stringify(type)} (expected one of ${authTypes.join(", ")})`)
  // the union picks the member by its `type` literal, so the first issue is about that type
  return Either.mapLeft(decode(json), (e) => {
    const issues = ParseResult.ArrayFormatter.formatErrorSync(e).filter((i) => i.path[0] !== "type")
    const first = issues[0]
    return first === undefined ? "invalid" : `${first.path.join(".") || type}: ${first.message}`
  })
}

/**
 * Reads an expiry or refresh time as the Go version writes and accepts them (spec/02 §0.6):
 * RFC 3339, `2006-01-02 15:04:05`, Unix seconds, or Unix milliseconds (above 1e12).
 * @category time
 */
export const parseTime = (value: string | number | undefined): number | undefined => {
  if (value === undefined || value === "") return undefined
  const n = typeof value === "number" ? value : /^\d+$/.test(value) ? Number(value) : NaN
  if (Number.isFinite(n)) return n > 1e12 ? n : n * 1000
  const s = String(value)
  const local = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(s) ? s.replace(" ", "T") : s
  const ms = Date.parse(local)
  return Number.isFinite(ms) ? ms : undefined
}
