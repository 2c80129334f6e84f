import * as Effect from "effect/Effect"
import { obj, str } from "../../formats/json.js"
import { postToken, type Refresher, refreshTokenOf, withTokens } from "../shared/oauth-refresh.js"
import { CLAUDE_TOKEN_URL, CLIENT_ID } from "./endpoints.js"

/** Claude Code tokens: refreshed 4 h before expiry (spec/02 §6b); the email is kept when the answer has none. @category refresh */
export const claudeRefresher: Refresher = {
  leadMs: 4 * 3600_000,
  refresh: (metadata, _file, ctx) =>
    Effect.gen(function*() {
      const refreshToken = yield* refreshTokenOf(metadata.refresh_token)
      const answer = yield* postToken(ctx.endpoint ?? CLAUDE_TOKEN_URL, ctx, {
        json: { client_id: CLIENT_ID, grant_type: "refresh_token", refresh_token: refreshToken }
      })
      const email = str(obj(answer.body.account)?.email_address)
      return withTokens(metadata, answer, ctx.now, { type: "claude", ...(email ? { email } : {}) })
    })
}
