import * as Effect from "effect/Effect"
import { str } from "../../formats/json.js"
import { postToken, type Refresher, refreshTokenOf, withTokens } from "../shared/oauth-refresh.js"
import { CLIENT_ID, CODEX_TOKEN_URL } from "./endpoints.js"
import { claimsOf } from "./id-token.js"

/** Codex (ChatGPT) tokens: refreshed 5 days before expiry (spec/02 §5b). @category refresh */
export const codexRefresher: Refresher = {
  leadMs: 5 * 24 * 3600_000,
  refresh: (metadata, _file, ctx) =>
    Effect.gen(function*() {
      const refreshToken = yield* refreshTokenOf(metadata.refresh_token)
      const answer = yield* postToken(ctx.endpoint ?? CODEX_TOKEN_URL, ctx, {
        form: { client_id: CLIENT_ID, grant_type: "refresh_token", refresh_token: refreshToken, scope: "openid profile email" }
      })
      const idToken = str(answer.body.id_token)
      const { email } = claimsOf(idToken)
      const accountId = str(answer.body.account_id)
      return withTokens(metadata, answer, ctx.now, {
        type: "codex",
        ...(idToken ? { id_token: idToken } : {}),
        ...(accountId ? { account_id: accountId } : {}),
        // the Go version overwrote the email even with nothing: keep the old one then
        ...(email ? { email } : {})
      })
    })
}
