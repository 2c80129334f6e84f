/** The Codex (ChatGPT) sign-in: authorization code with PKCE on port 1455 (spec/02 §5a). */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { startPkceLogin } from "../oauth/callback-flow.js"
import { fetchJson, TokenFields } from "../oauth/http.js"
import { type LoginContext, LoginError, type LoginSession } from "../oauth/session.js"
import { rfc3339 } from "../shared/oauth-refresh.js"
import { CALLBACK, CLIENT_ID, codexEndpoints } from "./endpoints.js"
import { claimsOf } from "./id-token.js"

const TokenAnswer = Schema.Struct({ ...TokenFields, id_token: Schema.NonEmptyString })

/** Starts a Codex login: the callback server listens, the consent URL is ready. @category logins */
export const start = (ctx: LoginContext): Effect.Effect<LoginSession, LoginError, Scope.Scope> => {
  const urls = codexEndpoints(ctx.endpoints)
  return startPkceLogin({
    ctx,
    name: "OpenAI",
    callback: CALLBACK,
    authorize: urls.authorize,
    query: (redirectUri, pkce, state) => ({
      client_id: CLIENT_ID,
      response_type: "code",
      redirect_uri: redirectUri,
      scope: "openid email profile offline_access",
      state,
      code_challenge: pkce.challenge,
      code_challenge_method: "S256",
      prompt: "login",
      id_token_add_organizations: "true",
      codex_cli_simplified_flow: "true"
    }),
    finish: ({ code, redirectUri }, pkce) =>
      Effect.gen(function*() {
        const tokens = yield* fetchJson("the Codex token exchange", ctx.dispatcher, {
          url: urls.token,
          form: { grant_type: "authorization_code", client_id: CLIENT_ID, code, redirect_uri: redirectUri, code_verifier: pkce.verifier }
        }, TokenAnswer)
        const claims = claimsOf(tokens.id_token)
        if (!claims.email) return yield* new LoginError({ reason: "Upstream", message: "the Codex id_token names no email, so the account cannot be named" })
        const now = yield* Clock.currentTimeMillis
        const metadata = {
          id_token: tokens.id_token,
          access_token: tokens.access_token,
          refresh_token: tokens.refresh_token ?? "",
          account_id: claims.accountId ?? "",
          last_refresh: rfc3339(now),
          email: claims.email,
          type: "codex",
          expired: rfc3339(now + (tokens.expires_in ?? 0) * 1000)
        }
        return { id: `codex-${claims.email}.json`, metadata, account: claims.email }
      })
  })
}
