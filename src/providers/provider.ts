import type { IncomingHttpHeaders } from "node:http"
import type { Config } from "../config/schema.js"
import type { Credential, ProviderKind } from "../credentials/credential.js"
import type { ModelInfo } from "../credentials/model-registry.js"
import type * as IR from "../formats/ir.js"
import type { JsonObject } from "../formats/json.js"

/** What a provider needs to address one upstream call. @category models */
export interface CallInput {
  readonly credential: Credential
  /** The base URL in force: the credential's, else `upstream-endpoints`, else the provider default. */
  readonly baseUrl: string
  /** The model name to send upstream. */
  readonly model: string
  /** Whether the upstream call streams. */
  readonly stream: boolean
  readonly clientHeaders: IncomingHttpHeaders
  /** Gemini `alt` other than `sse`, forwarded as `$alt`. */
  readonly alt?: string
  /** Gemini CLI: the Google Cloud project this call bills. */
  readonly project?: string
}

/** An upstream HTTP target: URL and headers (the body is built by the pipeline). @category models */
export interface Target {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
}

/** How to ask an upstream which models it serves, and read its answer. @category models */
export interface ModelListing {
  readonly target: Target
  readonly parse: (body: unknown) => ReadonlyArray<ModelInfo>
}

/** One upstream family: its wire dialect, URLs, headers, body requirements and catalogue. @category models */
export interface Provider {
  readonly kind: ProviderKind
  /** The dialect the upstream speaks. */
  readonly dialect: IR.Dialect
  readonly defaultBaseUrl: string
  /** The upstream only answers streams (Codex): non-stream calls are aggregated from one. */
  readonly alwaysStreams: boolean
  /**
   * Requests and answers travel in Code Assist's `{model, project, request}` / `{response}`
   * envelope (Gemini CLI): only a client speaking that envelope takes the passthrough path.
   */
  readonly envelope?: boolean
  /**
   * The ways to send one call on one credential, in order: an upstream 429 on one moves to
   * the next before the credential counts as failed (Gemini CLI: the next project, then the
   * preview models, as `quota-exceeded` allows). Default: just the input.
   */
  readonly variants?: (input: CallInput, config: Config) => ReadonlyArray<CallInput>
  /** The upstream count request's body, from the request in the upstream dialect (default: by dialect). */
  readonly countBody?: (body: JsonObject, input: CallInput) => JsonObject
  readonly generate: (input: CallInput) => Target
  /** The upstream's own token counter, when it has one; otherwise tokens are counted locally. */
  readonly countTokens?: (input: CallInput) => Target
  /**
   * Adjusts an upstream-dialect body for this provider (model name, required fields). Returns
   * undefined when the body can go out as it is, so passthrough forwards the client's bytes.
   */
  readonly prepareBody: (body: JsonObject, input: CallInput, clientModel: string) => JsonObject | undefined
  /** Built-in models a credential serves when its entry lists none. */
  readonly catalogue: ReadonlyArray<ModelInfo>
  readonly listModels?: (credential: Credential, baseUrl: string) => ModelListing
}

/** Header value from a client request, first value only. @category headers */
export const clientHeader = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name]
  const s = Array.isArray(v) ? v[0] : v
  return s === undefined || s.trim() === "" ? undefined : s
}

/** The Go version's "ensure" rule: the client's value if it sent one, else the default. @category headers */
export const ensure = (headers: IncomingHttpHeaders, name: string, fallback: string): string =>
  clientHeader(headers, name) ?? fallback

/** Joins a base URL and a path without doubling or losing the slash. @category urls */
export const joinUrl = (base: string, path: string): string => `${base.replace(/\/+$/, "")}${path}`

/**
 * The body naming the upstream's model, or undefined when it already does (so passthrough
 * forwards the client's bytes untouched).
 * @category bodies
 */
export const withUpstreamModel = (body: JsonObject, input: CallInput, clientModel: string): JsonObject | undefined =>
  input.model === clientModel && body.model === input.model ? undefined : { ...body, model: input.model }
