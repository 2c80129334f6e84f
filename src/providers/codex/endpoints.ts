/** OpenAI's OAuth token endpoint (`upstream-endpoints` key `codex-oauth`). @category endpoints */
export const CODEX_TOKEN_URL = "https://auth.openai.com/oauth/token"
/** OpenAI's OAuth consent page (`codex-oauth-authorize`). @category endpoints */
export const CODEX_AUTHORIZE_URL = "https://auth.openai.com/oauth/authorize"
/** The Codex CLI's public client (no secret). @category client */
export const CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann"
/** The local callback port and path registered for the client. @category client */
export const CALLBACK = { port: 1455, path: "/auth/callback" } as const

/** The URLs a Codex login uses, `upstream-endpoints` applied. @category endpoints */
export const codexEndpoints = (overrides: Readonly<Record<string, string>>) => ({
  token: overrides["codex-oauth"] ?? CODEX_TOKEN_URL,
  authorize: overrides["codex-oauth-authorize"] ?? CODEX_AUTHORIZE_URL
})
