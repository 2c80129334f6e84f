import type { IncomingHttpHeaders } from "node:http"

/** The error and wire dialect a client speaks. @category models */
export type Dialect = "openai" | "claude" | "gemini"

/**
 * Guesses the dialect of a request that matched no route, so even a 404 reaches the
 * client in a shape its SDK can parse.
 * @category inference
 */
export const inferDialect = (pathname: string, headers: IncomingHttpHeaders): Dialect => {
  if (pathname.startsWith("/v1beta") || pathname.startsWith("/v1internal")) return "gemini"
  if (pathname.startsWith("/v1/messages")) return "claude"
  if (headers["anthropic-version"] !== undefined) return "claude"
  if (headers["x-goog-api-key"] !== undefined || headers["x-goog-api-client"] !== undefined) return "gemini"
  return "openai"
}

/**
 * Who is asking for `GET /v1/models`: the Anthropic SDK and Claude Code (`anthropic-version`,
 * `claude-cli`), `@google/genai` (`x-goog-api-key` / `x-goog-api-client`), or an OpenAI client
 * (spec/05: one path, three dialects, told apart by headers).
 * @category inference
 */
export const listDialect = (headers: IncomingHttpHeaders): Dialect => {
  const ua = headers["user-agent"]
  if (headers["anthropic-version"] !== undefined || (typeof ua === "string" && ua.startsWith("claude-cli"))) return "claude"
  if (headers["x-goog-api-key"] !== undefined || headers["x-goog-api-client"] !== undefined) return "gemini"
  return "openai"
}
