import * as Data from "effect/Data"
import type { Dialect } from "./dialect.js"

/** What went wrong, independent of dialect; each dialect names it its own way. @category models */
export type ErrorKind =
  | "invalid_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "request_too_large"
  | "rate_limit"
  | "api_error"
  | "overloaded"
  | "timeout"

/** A client-facing error with its HTTP status, rendered in the client's dialect. @category errors */
export class ApiError extends Data.TaggedError("ApiError")<{
  readonly status: number
  readonly kind: ErrorKind
  readonly message: string
  /** OpenAI's `code` field (e.g. `invalid_api_key`). */
  readonly code?: string
  readonly headers?: Readonly<Record<string, string>>
  /** A body already in the client's dialect (an upstream's own error), written as it is. */
  readonly raw?: string
}> {}

/** A rendered error: status, headers and the JSON body text. @category models */
export interface RenderedError {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

const openAiType: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "invalid_request_error",
  permission: "permission_error",
  not_found: "invalid_request_error",
  request_too_large: "invalid_request_error",
  rate_limit: "rate_limit_error",
  api_error: "server_error",
  overloaded: "server_error",
  timeout: "server_error"
}

const claudeType: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "not_found_error",
  request_too_large: "request_too_large",
  rate_limit: "rate_limit_error",
  api_error: "api_error",
  overloaded: "overloaded_error",
  timeout: "timeout_error"
}

const geminiStatus: Record<ErrorKind, string> = {
  invalid_request: "INVALID_ARGUMENT",
  authentication: "UNAUTHENTICATED",
  permission: "PERMISSION_DENIED",
  not_found: "NOT_FOUND",
  request_too_large: "INVALID_ARGUMENT",
  rate_limit: "RESOURCE_EXHAUSTED",
  api_error: "INTERNAL",
  overloaded: "UNAVAILABLE",
  timeout: "DEADLINE_EXCEEDED"
}

const defaultCode: Partial<Record<ErrorKind, string>> = {
  authentication: "invalid_api_key",
  not_found: "not_found",
  request_too_large: "request_too_large",
  rate_limit: "rate_limit_exceeded"
}

/** OpenAI error JSON: `{"error":{"message","type","param","code"}}`. @category rendering */
export const renderOpenAi = (e: ApiError): string =>
  JSON.stringify({ error: { message: e.message, type: openAiType[e.kind], param: null, code: e.code ?? defaultCode[e.kind] ?? null } })

/** Claude error JSON: `{"type":"error","error":{"type","message"}}`. @category rendering */
export const renderClaude = (e: ApiError): string =>
  JSON.stringify({ type: "error", error: { type: claudeType[e.kind], message: e.message } })

/** Gemini (Google API) error JSON: `{"error":{"code","message","status"}}`. @category rendering */
export const renderGemini = (e: ApiError): string =>
  JSON.stringify({ error: { code: e.status, message: e.message, status: geminiStatus[e.kind] } })

/** Renders an error in the given dialect. @category rendering */
export const renderError = (dialect: Dialect, e: ApiError): RenderedError => ({
  status: e.status,
  headers: { "content-type": "application/json; charset=utf-8", ...e.headers },
  body: e.raw ?? (dialect === "claude" ? renderClaude(e) : dialect === "gemini" ? renderGemini(e) : renderOpenAi(e))
})

/** The error kind that fits an HTTP status. @category rendering */
export const kindForStatus = (status: number): ErrorKind =>
  status === 401 ? "authentication"
  : status === 403 ? "permission"
  : status === 404 ? "not_found"
  : status === 413 ? "request_too_large"
  : status === 429 ? "rate_limit"
  : status === 408 || status === 504 ? "timeout"
  : status === 503 || status === 529 ? "overloaded"
  : status >= 500 ? "api_error"
  : "invalid_request"

/** Constructors for the errors the front door raises itself. @category constructors */
export const errors = {
  missingKey: () => new ApiError({ status: 401, kind: "authentication", message: "Missing API key" }),
  invalidKey: () => new ApiError({ status: 401, kind: "authentication", message: "Invalid API key" }),
  notFound: (method: string, path: string) =>
    new ApiError({ status: 404, kind: "not_found", message: `No route for ${method} ${path}` }),
  malformedJson: (detail: string) =>
    new ApiError({ status: 400, kind: "invalid_request", message: `Request body is not valid JSON: ${detail}` }),
  tooLarge: (limit: number) =>
    new ApiError({
      status: 413,
      kind: "request_too_large",
      message: `Request body exceeds the limit of ${limit} bytes (max-body-size)`
    }),
  unknownModel: (model: string) =>
    new ApiError({
      status: 400,
      kind: "invalid_request",
      code: "model_not_found",
      message: model === "" ? "unknown provider for model (no model given)" : `unknown provider for model ${model}`
    }),
  localOnly: (what: string) =>
    new ApiError({ status: 403, kind: "permission", message: `${what} accepts connections from 127.0.0.1 or ::1 only` }),
  tooDeep: () =>
    new ApiError({ status: 400, kind: "invalid_request", message: "Request body is nested too deeply" }),
  internal: (detail: string) => new ApiError({ status: 500, kind: "api_error", message: `Internal error: ${detail}` })
} as const
