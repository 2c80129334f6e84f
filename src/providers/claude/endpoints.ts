/** Anthropic's OAuth token endpoint (`upstream-endpoints` key `claude-oauth`). @category endpoints */
export const CLAUDE_TOKEN_URL = "https://console.anthropic.com/v1/oauth/token"
/** Anthropic's OAuth consent page (`claude-oauth-authorize`). @category endpoints */
export const CLAUDE_AUTHORIZE_URL = "https://claude.ai/oauth/authorize"
/** Claude Code's public client (no secret). @category client */
export const CLIENT_ID = "9d1c250a-e61b-44d9-88ed-5944d1962f5e"
/** The local callback port and path registered for the client. @category client */
export const CALLBACK = { port: 54545, path: "/callback" } as const

/** The URLs a Claude login uses, `upstream-endpoints` applied. @category endpoints */
export const claudeEndpoints = (overrides: Readonly<Record<string, string>>) => ({
  token: overrides["claude-oauth"] ?? CLAUDE_TOKEN_URL,
  authorize: overrides["claude-oauth-authorize"] ?? CLAUDE_AUTHORIZE_URL
})
