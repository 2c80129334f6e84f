import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type { Dispatcher } from "undici"
import type { AuthFile } from "../../store/auth-file.js"
import type { JsonObject } from "../../formats/json.js"
import { num, obj, str, tryParse } from "../../formats/json.js"
import { readAll, send } from "./send.js"

/** A token refresh failed; `status` is the token endpoint's, when it answered. @category errors */
export class RefreshError extends Data.TaggedError("RefreshError")<{ readonly message: string; readonly status?: number }> {}

/** What a refresh needs: where to ask, how to connect, and the time now. @category models */
export interface RefreshContext {
  /** The token endpoint (or base URL) from `upstream-endpoints`, when overridden. */
  readonly endpoint: string | undefined
  readonly dispatcher: Dispatcher
  readonly now: number
}

/** How one auth-file type refreshes its tokens. @category models */
export interface Refresher {
  /** How long before expiry to refresh (spec/02 §11.8). */
  readonly leadMs: number
  /** The new file content (every other field kept). */
  readonly refresh: (metadata: JsonObject, file: AuthFile, ctx: RefreshContext) => Effect.Effect<JsonObject, RefreshError>
}

/** A token endpoint's answer. @category models */
export interface TokenAnswer {
  readonly body: JsonObject
  readonly accessToken: string
  readonly refreshToken: string | undefined
  readonly expiresIn: number | undefined
}

/** The upstream's own words for a failure: OAuth's `error_description` / `error`, Google's `error.message`, else the body's start. @category errors */
export const errorReason = (json: JsonObject | undefined, text: string): string =>
  str(json?.error_description) ?? str(json?.error) ?? str(obj(json?.error)?.message) ?? text.slice(0, 300)

/** POSTs a form or JSON body to a token endpoint and reads the token answer. @category sending */
export const postToken = (
  url: string,
  ctx: RefreshContext,
  payload: { readonly form: Record<string, string> } | { readonly json: JsonObject },
  headers: Record<string, string> = {}
): Effect.Effect<TokenAnswer, RefreshError> =>
  Effect.gen(function*() {
    const body = "form" in payload ? new URLSearchParams(payload.form).toString() : JSON.stringify(payload.json)
    const res = yield* send(ctx.dispatcher, {
      url,
      headers: { accept: "application/json", "content-type": "form" in payload ? "application/x-www-form-urlencoded" : "application/json", ...headers }
    }, body).pipe(Effect.mapError((e) => new RefreshError({ message: `token endpoint unreachable: ${e.message}` })))
    const text = (yield* readAll(res).pipe(Effect.mapError((e) => new RefreshError({ message: e.message })))).toString("utf8")
    const json = obj(tryParse(text))
    if (res.status !== 200 || json === undefined) {
      return yield* new RefreshError({ message: `token refresh failed with ${res.status}: ${errorReason(json, text)}`, status: res.status })
    }
    const accessToken = str(json.access_token)
    if (accessToken === undefined || accessToken === "") return yield* new RefreshError({ message: "the token answer has no access_token" })
    return { body: json, accessToken, refreshToken: str(json.refresh_token), expiresIn: num(json.expires_in) }
  })

/** The file's refresh token, or the failure that there is none. @category persistence */
export const refreshTokenOf = (value: unknown): Effect.Effect<string, RefreshError> => {
  const token = str(value)
  return token ? Effect.succeed(token) : Effect.fail(new RefreshError({ message: "no refresh_token in the file" }))
}

/** RFC 3339 local time with offset, as the Go version writes `expired` and `last_refresh`. @category time */
export const rfc3339 = (ms: number): string => {
  const d = new Date(ms)
  const off = -d.getTimezoneOffset()
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, "0")
  const local = new Date(ms + off * 60_000).toISOString().slice(0, 19)
  return `${local}${off === 0 ? "Z" : `${off > 0 ? "+" : "-"}${pad(off / 60)}:${pad(off % 60)}`}`
}

/** The fields every refresher writes back: tokens (a missing refresh token keeps the old one), expiry, refresh time. @category persistence */
export const withTokens = (metadata: JsonObject, answer: TokenAnswer, now: number, extra: JsonObject = {}): JsonObject => ({
  ...metadata,
  access_token: answer.accessToken,
  ...(answer.refreshToken ? { refresh_token: answer.refreshToken } : {}),
  ...(answer.expiresIn !== undefined ? { expired: rfc3339(now + answer.expiresIn * 1000) } : {}),
  last_refresh: rfc3339(now),
  ...extra
})
