import * as Effect from "effect/Effect"
import { postToken, type Refresher, RefreshError, refreshTokenOf, withTokens } from "../shared/oauth-refresh.js"
import { BASIC_AUTH, CLIENT_ID, CLIENT_SECRET, iflowEndpoints } from "./endpoints.js"
import { fetchUserInfo } from "./user-info.js"

/** iFlow tokens: refreshed 24 h before expiry, then the API key is re-read (spec/02 §8b). @category refresh */
export const iflowRefresher: Refresher = {
  leadMs: 24 * 3600_000,
  refresh: (metadata, _file, ctx) =>
    Effect.gen(function*() {
      const refreshToken = yield* refreshTokenOf(metadata.refresh_token)
      const urls = iflowEndpoints(ctx.endpoint === undefined ? {} : { "iflow-oauth": ctx.endpoint })
      const answer = yield* postToken(
        urls.token,
        ctx,
        { form: { grant_type: "refresh_token", refresh_token: refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET } },
        { authorization: BASIC_AUTH }
      )
      const info = yield* fetchUserInfo(ctx.dispatcher, urls, answer.accessToken).pipe(
        Effect.mapError((e) => new RefreshError({ message: `iFlow user info failed: ${e.message}` }))
      )
      return withTokens(metadata, answer, ctx.now, { type: "iflow", api_key: info.data.apiKey })
    })
}
