import * as Effect from "effect/Effect"
import { obj, str } from "../../formats/json.js"
import { getJson } from "../shared/send.js"
import { postToken, type Refresher, RefreshError, refreshTokenOf, withTokens } from "../shared/oauth-refresh.js"

/** iFlow's OAuth base. @category endpoints */
export const IFLOW_OAUTH_BASE = "https://iflow.cn"
const CLIENT_ID = "10009311001"
const CLIENT_SECRET = "4Z3YjXycVsQvyGF1etiNlIBB4RsqSDtW"

/** iFlow tokens: refreshed 24 h before expiry, then the API key is re-read (spec/02 §8b). @category refresh */
export const iflowRefresher: Refresher = {
  leadMs: 24 * 3600_000,
  refresh: (metadata, _file, ctx) =>
    Effect.gen(function*() {
      const refreshToken = yield* refreshTokenOf(metadata.refresh_token)
      const base = (ctx.endpoint ?? IFLOW_OAUTH_BASE).replace(/\/+$/, "")
      const answer = yield* postToken(
        `${base}/oauth/token`,
        ctx,
        { form: { grant_type: "refresh_token", refresh_token: refreshToken, client_id: CLIENT_ID, client_secret: CLIENT_SECRET } },
        { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}` }
      )
      const info = yield* getJson(ctx.dispatcher, {
        url: `${base}/api/oauth/getUserInfo?accessToken=${encodeURIComponent(answer.accessToken)}`,
        headers: { accept: "application/json" }
      }).pipe(Effect.mapError((e) => new RefreshError({ message: `iFlow user info failed: ${e.message}` })))
      const apiKey = str(obj(obj(info)?.data)?.apiKey)
      return withTokens(metadata, answer, ctx.now, { type: "iflow", ...(apiKey ? { api_key: apiKey } : {}) })
    })
}
