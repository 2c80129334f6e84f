/** The Claude Code sign-in: authorization code with PKCE on port 54545, JSON token exchange (spec/02 §6a). */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { startPkceLogin } from "../oauth/callback-flow.js"
import { fetchJson, TokenFields } from "../oauth/http.js"
import { type LoginContext, LoginError, type LoginSession } from "../oauth/session.js"
import { rfc3339 } from "../shared/oauth-refresh.js"
import { CALLBACK, CLIENT_ID, claudeEndpoints } from "./endpoints.js"

const TokenAnswer = Schema.Struct({
  ...TokenFields,
  account: Schema.optional(Schema.Struct({ email_address: Schema.optional(Schema.String) })),
  organization: Schema.optional(Schema.Struct({ uuid: Schema.optional(Schema.String), name: Schema.optional(Schema.String) }))
})

/** Starts a Claude login: the callback server listens, the consent URL is ready. @category logins */
export const start = (ctx: LoginContext): Effect.Effect<LoginSession, LoginError, Scope.Scope> => {
  const urls = claudeEndpoints(ctx.endpoints)
  return startPkceLogin({
    ctx,
    name: "Anthropic",
    callback: CALLBACK,
    authorize: urls.authorize,
    query: (redirectUri, pkce, state) => ({
      code: "true",
      client_id: CLIENT_ID,
      response_type: "code",
      redirect_uri: redirectUri,
      scope: "org:create_api_key user:profile user:inference",
      code_challenge: pkce.challenge,
      code_challenge_method: "S256",
      state
    }),
    finish: ({ code: returned, state: returnedState, redirectUri }, pkce) =>
      Effect.gen(function*() {
        // Anthropic may hand the code back as `<code>#<state>`; the part after # is the state to exchange.
        const [code = "", fromCode] = returned.split("#", 2)
        const tokens = yield* fetchJson("the Claude token exchange", ctx.dispatcher, {
          url: urls.token,
          json: {
            code,
            state: fromCode ?? returnedState,
            grant_type: "authorization_code",
            client_id: CLIENT_ID,
            redirect_uri: redirectUri,
            code_verifier: pkce.verifier
          }
        }, TokenAnswer)
        const email = tokens.account?.email_address
        if (!email) return yield* new LoginError({ reason: "Upstream", message: "the Claude token answer names no account email, so the account cannot be named" })
        const now = yield* Clock.currentTimeMillis
        const metadata = {
          id_token: "",
          access_token: tokens.access_token,
          refresh_token: tokens.refresh_token ?? "",
          last_refresh: rfc3339(now),
          email,
          type: "claude",
          expired: rfc3339(now + (tokens.expires_in ?? 0) * 1000)
        }
        return { id: `claude-${email}.json`, metadata, account: email }
      })
  })
}
