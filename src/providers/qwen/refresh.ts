import * as Effect from "effect/Effect"
import { str } from "../../formats/json.js"
import { postToken, type Refresher, refreshTokenOf, withTokens } from "../shared/oauth-refresh.js"
import { CLIENT_ID, QWEN_TOKEN_URL } from "./endpoints.js"

/** Qwen Code tokens: refreshed 3 h before expiry (spec/02 §7b). @category refresh */
export const qwenRefresher: Refresher = {
  leadMs: 3 * 3600_000,
  refresh: (metadata, _file, ctx) =>
    Effect.gen(function*() {
      const refreshToken = yield* refreshTokenOf(metadata.refresh_token)
      const answer = yield* postToken(ctx.endpoint ?? QWEN_TOKEN_URL, ctx, {
        form: { grant_type: "refresh_token", refresh_token: refreshToken, client_id: CLIENT_ID }
      })
      const resourceUrl = str(answer.body.resource_url)
      return withTokens(metadata, answer, ctx.now, { type: "qwen", ...(resourceUrl ? { resource_url: resourceUrl } : {}) })
    })
}
