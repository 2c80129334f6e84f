import type { ModelAlias } from "../config/schema.js"

/** The upstream families built in. @category models */
export type BuiltinKind = "gemini" | "gemini-cli" | "aistudio" | "claude" | "codex" | "qwen" | "iflow" | "openai-compat"

/** The family a credential belongs to: a built-in one, or one a program added through the library API. @category models */
export type ProviderKind = BuiltinKind | (string & {})

/** The OAuth side of a credential that came from an auth file. @category models */
export interface OAuth {
  /** The auth file's id in the Store. */
  readonly recordId: string
  /** The bearer that goes upstream: the OAuth access token (iFlow: the API key the login fetched). */
  readonly accessToken: string
  /** When the access token expires, Unix ms. */
  readonly expiresAt?: number
  /** ChatGPT account (Codex). */
  readonly accountId?: string
  readonly email?: string
}

/** One upstream account the proxy can spend: an API key from config, an OAuth auth file, or a connected AI Studio tab. @category models */
export interface Credential {
  /** Stable id: `<kind>:<12 hex>` for config keys, the file name for auth files, the session id for AI Studio tabs. */
  readonly id: string
  /** Provider key: `gemini`, `gemini-cli`, `aistudio`, `claude`, `codex`, `qwen`, `iflow`, or an OpenAI-compatible provider's lower-cased name. */
  readonly provider: string
  readonly kind: ProviderKind
  readonly label: string
  /** The key sent upstream; "" for a key-less OpenAI-compatible provider. */
  readonly apiKey: string
  /** The entry's own base URL; "" means `upstream-endpoints` or the provider default. */
  readonly baseUrl: string
  /** The entry's own proxy; "" means the global `proxy-url`. */
  readonly proxyUrl: string
  /** Extra headers set on every request with this credential. */
  readonly headers: Readonly<Record<string, string>>
  /** Configured name/alias pairs; empty means the provider's catalogue. */
  readonly models: ReadonlyArray<ModelAlias>
  /** The base URL the account itself names (Qwen's `resource_url`): used when neither the credential nor `upstream-endpoints` sets one. */
  readonly accountBaseUrl?: string
  /** Gemini CLI: the Google Cloud projects to bill, in order; a 429 moves to the next one. */
  readonly projects?: ReadonlyArray<string>
  /** The OpenAI-compatible provider's name as configured (for `name://model`). */
  readonly compatName?: string
  /** Set for auth-file credentials: the token that goes out instead of an API key. */
  readonly oauth?: OAuth
  /** `disabled: true` in the auth file: kept, listed, never selected. */
  readonly disabled?: boolean
}

/**
 * A credential from its id, kind and key, the other fields defaulted (provider key = kind,
 * label = id, no own base URL, proxy, headers or model list): for added providers.
 * @category constructors
 */
export const make = (fields: Pick<Credential, "id" | "kind" | "apiKey"> & Partial<Credential>): Credential => ({
  provider: fields.kind,
  label: fields.id,
  baseUrl: "",
  proxyUrl: "",
  headers: {},
  models: [],
  ...fields
})
