import * as Effect from "effect/Effect"
import { obj, str } from "../../formats/json.js"
import { postToken, type Refresher, refreshTokenOf, rfc3339 } from "../shared/oauth-refresh.js"
import { CLIENT_ID, CLIENT_SECRET, GOOGLE_TOKEN_URL } from "./endpoints.js"

/**
 * Gemini CLI tokens: refreshed shortly before expiry, and, unlike the Go version (which
 * refreshed a throwaway copy on every request), saved into the file's `token` object.
 * @category refresh
 */
export const geminiCliRefresher: Refresher = {
  leadMs: 5 * 60_000,
  refresh: (metadata, _file, ctx) =>
    Effect.gen(function*() {
      const token = obj(metadata.token) ?? {}
      const refreshToken = yield* refreshTokenOf(token.refresh_token ?? metadata.refresh_token)
      const answer = yield* postToken(ctx.endpoint ?? GOOGLE_TOKEN_URL, ctx, {
        form: {
          grant_type: "refresh_token",
          refresh_token: refreshToken,
          client_id: str(token.client_id) ?? CLIENT_ID,
          client_secret: str(token.client_secret) ?? CLIENT_SECRET
        }
      })
      const expiry = answer.expiresIn === undefined ? undefined : rfc3339(ctx.now + answer.expiresIn * 1000)
      return {
        ...metadata,
        token: {
          ...token,
          access_token: answer.accessToken,
          ...(answer.refreshToken ? { refresh_token: answer.refreshToken } : {}),
          ...(expiry ? { expiry } : {}),
          ...(answer.expiresIn !== undefined ? { expires_in: answer.expiresIn } : {})
        },
        // top-level mirrors, when the file has them, stay in step
        ...("access_token" in metadata ? { access_token: answer.accessToken } : {}),
        ...("expiry" in metadata && expiry ? { expiry } : {})
      }
    })
}
