/** The upstream calls of a login: JSON answers decoded with a Schema, failures in the upstream's own words. */
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { Dispatcher } from "undici"
import { type Json, obj, tryParse } from "../../formats/json.js"
import { errorReason } from "../shared/oauth-refresh.js"
import { readAll, send } from "../shared/send.js"
import { LoginError } from "./session.js"

/** An upstream's answer, read whole. @category models */
export interface Answer {
  readonly status: number
  readonly text: string
  readonly json: Json | undefined
}

/** One call: a GET, or a POST of a form or JSON body. @category models */
export interface Call {
  readonly url: string
  readonly headers?: Readonly<Record<string, string>>
  readonly form?: Readonly<Record<string, string>>
  readonly json?: unknown
}

/** How long one login call may take (iFlow's own client allows 30 s). @category constants */
export const CALL_TIMEOUT = "30 seconds"

/** Makes the call and reads the answer whatever its status; only an unreachable upstream fails. @category sending */
export const call = (what: string, dispatcher: Dispatcher, req: Call): Effect.Effect<Answer, LoginError> =>
  Effect.gen(function*() {
    const body = req.form !== undefined ? new URLSearchParams({ ...req.form }).toString() : req.json !== undefined ? JSON.stringify(req.json) : undefined
    const contentType = req.form !== undefined ? { "content-type": "application/x-www-form-urlencoded" } : req.json !== undefined ? { "content-type": "application/json" } : {}
    const unreachable = (e: { readonly message: string }) =>
      new LoginError({ reason: "Upstream", message: `${what} failed: cannot reach ${req.url}: ${e.message}` })
    const res = yield* send(dispatcher, { url: req.url, headers: { accept: "application/json", ...contentType, ...req.headers } }, body).pipe(
      Effect.mapError(unreachable)
    )
    const text = (yield* readAll(res).pipe(Effect.mapError(unreachable))).toString("utf8")
    return { status: res.status, text, json: tryParse(text) }
  }).pipe(
    // a login's calls are small; an upstream that hangs must not hold the user for minutes
    Effect.timeoutFail({
      duration: CALL_TIMEOUT,
      onTimeout: () => new LoginError({ reason: "Upstream", message: `${what} failed: ${req.url} did not answer within ${CALL_TIMEOUT}` })
    })
  )

/** The failure of a call that answered non-2xx: its status and the upstream's error text. @category errors */
export const upstreamFailure = (what: string, answer: Answer): LoginError =>
  new LoginError({
    reason: "Upstream",
    status: answer.status,
    message: `${what} failed with status ${answer.status}: ${errorReason(obj(answer.json), answer.text)}`
  })

/** Decodes a 2xx answer's JSON with the schema; anything else fails with the upstream's words. @category decoding */
export const decodeAnswer = <A, I>(what: string, schema: Schema.Schema<A, I>) => (answer: Answer): Effect.Effect<A, LoginError> => {
  if (answer.status < 200 || answer.status >= 300) return Effect.fail(upstreamFailure(what, answer))
  return Schema.decodeUnknown(schema)(answer.json).pipe(
    Effect.mapError((e) =>
      new LoginError({
        reason: "Upstream",
        status: answer.status,
        message: `${what} gave an unusable answer: ${answer.json === undefined ? "not JSON" : ParseResult.TreeFormatter.formatErrorSync(e)}`
      }))
  )
}

/** A call whose 2xx JSON answer is decoded with the schema. @category sending */
export const fetchJson = <A, I>(what: string, dispatcher: Dispatcher, req: Call, schema: Schema.Schema<A, I>): Effect.Effect<A, LoginError> =>
  Effect.flatMap(call(what, dispatcher, req), decodeAnswer(what, schema))

/** The `{access_token, refresh_token?, expires_in?, token_type?}` core of every token answer. @category schemas */
export const TokenFields = {
  access_token: Schema.NonEmptyString,
  refresh_token: Schema.optional(Schema.String),
  expires_in: Schema.optional(Schema.Number),
  token_type: Schema.optional(Schema.String)
}
