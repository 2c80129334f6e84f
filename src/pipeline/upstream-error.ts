import * as Data from "effect/Data"
import type { Failure } from "../credentials/credential-pool.js"
import { ApiError, kindForStatus } from "../http/errors.js"
import { arr, obj, str, tryParse } from "../formats/json.js"

/** An upstream answered with a non-2xx status. @category errors */
export class UpstreamError extends Data.TaggedError("UpstreamError")<{
  readonly provider: string
  readonly status: number
  readonly body: string
  readonly contentType: string | undefined
  /** The upstream's hint of when to retry, in ms. */
  readonly retryAfterMs: number | undefined
}> {}

/** The upstream could not be reached or the connection broke. @category errors */
export class TransportError extends Data.TaggedError("TransportError")<{
  readonly provider: string
  readonly message: string
}> {}

/** Failures of one attempt. @category errors */
export type AttemptError = UpstreamError | TransportError

/** An attempt's failure as the credential pool records it. @category policy */
export const failureOf = (e: AttemptError): Failure =>
  e._tag === "TransportError"
    ? { status: 0, message: e.message }
    : { status: e.status, message: upstreamMessage(e.body), ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}) }

/** Statuses that move on to another attempt: auth, quota and transient failures. @category policy */
export const isRetryable = (e: AttemptError): boolean =>
  e._tag === "TransportError" || [401, 402, 403, 408, 429, 500, 502, 503, 504, 529].includes(e.status)

const seconds = (s: string): number | undefined => {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(s.trim())
  return m ? Number(m[1]) * 1000 : undefined
}

/**
 * When the upstream says to come back: `Retry-After` (seconds or a date), Google's
 * `RetryInfo.retryDelay`, or a `resets_in_seconds` / `reset_seconds` field (Codex).
 * @category policy
 */
export const retryHintMs = (header: string | undefined, body: string, now: number): number | undefined => {
  if (header !== undefined && header.trim() !== "") {
    const n = Number(header)
    if (Number.isFinite(n) && n >= 0) return n * 1000
    const date = Date.parse(header)
    if (Number.isFinite(date)) return Math.max(0, date - now)
  }
  const json = obj(tryParse(body))
  const error = obj(json?.error)
  for (const d of arr(error?.details) ?? []) {
    const delay = str(obj(d)?.retryDelay)
    const ms = delay === undefined ? undefined : seconds(delay)
    if (ms !== undefined) return ms
  }
  const resets = error?.resets_in_seconds ?? json?.resets_in_seconds ?? error?.reset_seconds
  return typeof resets === "number" && resets >= 0 ? resets * 1000 : undefined
}

/** The human message inside any dialect's error body, or the body itself. @category rendering */
export const upstreamMessage = (body: string): string => {
  const json = obj(tryParse(body))
  const error = json?.error
  const message = str(obj(error)?.message) ?? str(error) ?? str(json?.message) ?? str(json?.detail)
  const text = message ?? body.trim()
  return text === "" ? "the upstream returned an empty error body" : text.slice(0, 4000)
}

/**
 * An upstream failure as the client sees it: the upstream status, and the upstream body
 * as it is when it already speaks the client's dialect, else its message re-rendered.
 * @category rendering
 */
export const toApiError = (e: AttemptError, sameDialect: boolean): ApiError => {
  if (e._tag === "TransportError") {
    return new ApiError({ status: 502, kind: "api_error", message: `upstream ${e.provider} unreachable: ${e.message}` })
  }
  const headers = e.retryAfterMs !== undefined ? { "retry-after": String(Math.ceil(e.retryAfterMs / 1000)) } : undefined
  // only a body with the dialect's `error` object goes out as it is (Codex answers `{"detail": ...}`)
  const raw = sameDialect && obj(obj(tryParse(e.body))?.error) !== undefined ? e.body : undefined
  return new ApiError({
    status: e.status >= 400 && e.status < 600 ? e.status : 502,
    kind: kindForStatus(e.status),
    message: upstreamMessage(e.body),
    ...(headers ? { headers } : {}),
    ...(raw !== undefined ? { raw } : {})
  })
}

