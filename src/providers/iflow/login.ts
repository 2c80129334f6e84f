/** The iFlow sign-in: authorization code (no PKCE) on port 11451, then the account's API key (spec/02 §8a). */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { startCallbackLogin } from "../oauth/callback-flow.js"
import { fetchJson, TokenFields } from "../oauth/http.js"
import { randomHex } from "../oauth/pkce.js"
import { type LoginContext, LoginError, type LoginSession } from "../oauth/session.js"
import { rfc3339 } from "../shared/oauth-refresh.js"
import { BASIC_AUTH, CALLBACK, CLIENT_ID, CLIENT_SECRET, iflowEndpoints } from "./endpoints.js"
import { fetchUserInfo } from "./user-info.js"

const TokenAnswer = Schema.Struct({ ...TokenFields, scope: Schema.optional(Schema.String) })

/** Starts an iFlow login: the callback server listens, the consent URL is ready. @category logins */
export const start = (ctx: LoginContext): Effect.Effect<LoginSession, LoginError, Scope.Scope> =>
  Effect.gen(function*() {
    const urls = iflowEndpoints(ctx.endpoints)
    const state = yield* randomHex(16)
    return yield* startCallbackLogin({
      ctx,
      name: "iFlow",
      callback: CALLBACK,
      // iFlow's own pages tell the user how it went
      reply: (query) => ({ redirect: query.has("error") || !query.get("code") ? urls.error : urls.success }),
      state,
      // iFlow names the redirect parameter `redirect`, not `redirect_uri`
      authorizeUrl: (redirectUri) =>
        `${urls.authorize}?${new URLSearchParams({ client_id: CLIENT_ID, loginMethod: "phone", redirect: redirectUri, state, type: "phone" })}`,
      finish: ({ code, redirectUri }) =>
        Effect.gen(function*() {
          const tokens = yield* fetchJson("the iFlow token exchange", ctx.dispatcher, {
            url: urls.token,
            headers: { authorization: BASIC_AUTH },
            form: { grant_type: "authorization_code", code, redirect_uri: redirectUri, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }
          }, TokenAnswer)
          const info = yield* fetchUserInfo(ctx.dispatcher, urls, tokens.access_token).pipe(
            Effect.mapError((e) =>
              new LoginError({ reason: "Upstream", message: `the iFlow user info failed: ${e.message}`, ...(e.status === undefined ? {} : { status: e.status }) }))
          )
          const account = info.data.email?.trim() || info.data.phone?.trim()
          if (!account) return yield* new LoginError({ reason: "Upstream", message: "iFlow names neither an email nor a phone number for the account" })
          const now = yield* Clock.currentTimeMillis
          const metadata = {
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token ?? "",
            last_refresh: rfc3339(now),
            expired: rfc3339(now + (tokens.expires_in ?? 0) * 1000),
            api_key: info.data.apiKey,
            email: account,
            token_type: tokens.token_type ?? "",
            scope: tokens.scope ?? "",
            type: "iflow"
          }
          return { id: `iflow-${account}.json`, metadata, account }
        })
    })
  })
