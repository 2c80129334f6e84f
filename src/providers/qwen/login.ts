/** The Qwen Code sign-in: a device code with PKCE, polled until the user confirms (spec/02 §7a). */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { obj, str } from "../../formats/json.js"
import { type PollStep, pollUntilDone, qwenPolicy } from "../oauth/device-code.js"
import { type Answer, call, decodeAnswer, fetchJson, TokenFields, upstreamFailure } from "../oauth/http.js"
import { makePkce } from "../oauth/pkce.js"
import { DEFAULT_TIMEOUT, type LoginContext, LoginError, type LoginOptions, type LoginSession } from "../oauth/session.js"
import { rfc3339 } from "../shared/oauth-refresh.js"
import { CLIENT_ID, qwenEndpoints, SCOPE } from "./endpoints.js"

const DeviceAnswer = Schema.Struct({
  device_code: Schema.NonEmptyString,
  user_code: Schema.optional(Schema.String),
  verification_uri: Schema.optional(Schema.String),
  verification_uri_complete: Schema.optional(Schema.String),
  expires_in: Schema.optional(Schema.Number),
  interval: Schema.optional(Schema.Number)
})

const TokenAnswer = Schema.Struct({ ...TokenFields, resource_url: Schema.optional(Schema.String) })
type TokenAnswer = Schema.Schema.Type<typeof TokenAnswer>

const pending: PollStep<never> = { _tag: "Pending" }

/** One poll's answer read by RFC 8628's rules: wait, slow down, stop, or the tokens. */
const stepOf = (answer: Answer): Effect.Effect<PollStep<TokenAnswer>, LoginError> => {
  if (answer.status === 200) {
    return Effect.map(decodeAnswer("the Qwen token poll", TokenAnswer)(answer), (value) => ({ _tag: "Done", value }))
  }
  const error = str(obj(answer.json)?.error)
  if (answer.status === 400 && error === "authorization_pending") return Effect.succeed(pending)
  if (answer.status === 400 && error === "slow_down") return Effect.succeed({ _tag: "SlowDown" })
  if (error === "access_denied") return Effect.fail(new LoginError({ reason: "Denied", status: answer.status, message: "Qwen refused the sign-in: access_denied" }))
  if (error === "expired_token") {
    return Effect.fail(new LoginError({ reason: "Timeout", status: answer.status, message: "the Qwen device code expired before the sign-in was confirmed; run the login again" }))
  }
  return Effect.fail(upstreamFailure("the Qwen token poll", answer))
}

/** The account's name: the given one, else asked for; a file name part, so no path separators. */
const aliasOf = (ctx: LoginContext, given: string | undefined): Effect.Effect<string, LoginError> =>
  Effect.gen(function*() {
    const answer = given ?? Option.getOrUndefined(yield* ctx.io.ask("Email address or alias for this Qwen account: "))
    const alias = answer?.trim() ?? ""
    if (alias === "") {
      return yield* new LoginError({ reason: "MissingInput", message: "no email or alias was given to name the Qwen account (pass --email when there is no terminal to ask on)" })
    }
    if (/[/\\]/.test(alias)) return yield* new LoginError({ reason: "MissingInput", message: `"${alias}" cannot name a file: no / or \\ please` })
    return alias
  })

/** Starts a Qwen login: asks for a device code and returns its verification page. @category logins */
export const start = (ctx: LoginContext, options: LoginOptions = {}): Effect.Effect<LoginSession, LoginError> =>
  Effect.gen(function*() {
    const urls = qwenEndpoints(ctx.endpoints)
    const pkce = yield* makePkce(32)
    const device = yield* fetchJson("the Qwen device code request", ctx.dispatcher, {
      url: urls.deviceCode,
      form: { client_id: CLIENT_ID, scope: SCOPE, code_challenge: pkce.challenge, code_challenge_method: "S256" }
    }, DeviceAnswer)
    const url = device.verification_uri_complete || device.verification_uri
    if (!url) return yield* new LoginError({ reason: "Upstream", message: "the Qwen device code answer has no verification URL" })
    const timeout = Duration.decode(ctx.timeout ?? DEFAULT_TIMEOUT)
    // The Go version polls with its default client, not through the configured proxy.
    const poll = call("the Qwen token poll", ctx.direct, {
      url: urls.token,
      form: { grant_type: "urn:ietf:params:oauth:grant-type:device_code", client_id: CLIENT_ID, device_code: device.device_code, code_verifier: pkce.verifier }
    }).pipe(Effect.matchEffect({
      // a network error is not the end: the next poll may get through
      onFailure: () => Effect.succeed(pending),
      onSuccess: stepOf
    }))
    const policy = { ...qwenPolicy, ...(ctx.pollInterval === undefined ? {} : { interval: ctx.pollInterval }) }
    const result = Effect.gen(function*() {
      const deadline = (yield* Clock.currentTimeMillis) + Duration.toMillis(timeout)
      const tokens = yield* ctx.io.waiting(
        "the Qwen sign-in to be confirmed in the browser",
        deadline,
        pollUntilDone(poll, policy, () =>
          new LoginError({ reason: "Timeout", message: `the Qwen sign-in was not confirmed within ${policy.maxPolls} polls; run the login again` })).pipe(
            Effect.timeoutFail({
              duration: timeout,
              onTimeout: () => new LoginError({ reason: "Timeout", message: `the Qwen sign-in was not confirmed within ${Duration.format(timeout)}; run the login again` })
            })
          )
      )
      const alias = yield* aliasOf(ctx, options.email)
      const now = yield* Clock.currentTimeMillis
      const metadata = {
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token ?? "",
        last_refresh: rfc3339(now),
        resource_url: tokens.resource_url ?? "",
        email: alias,
        type: "qwen",
        expired: rfc3339(now + (tokens.expires_in ?? 0) * 1000)
      }
      return { id: `qwen-${alias}.json`, metadata, account: alias }
    })
    return { url, ...(device.user_code ? { userCode: device.user_code } : {}), result }
  })
