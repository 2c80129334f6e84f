import { type CallInput, clientHeader, ensure, joinUrl, type Provider } from "../provider.js"
import { claudeCatalogue, parseClaudeModels } from "./models.js"

/** The Anthropic API. @category endpoints */
export const CLAUDE_BASE_URL = "https://api.anthropic.com"

const ANTHROPIC_VERSION = "2023-06-01"

/**
 * API keys go out as `x-api-key`, which the real Anthropic API requires (the Go snapshot sent
 * them as Bearer, a quirk it fixed later). The client's anthropic-version and beta flags
 * pass through so features it asked for keep working.
 */
const headers = (input: CallInput, accept: string): Record<string, string> => {
  const h: Record<string, string> = {
    "content-type": "application/json",
    accept,
    "x-api-key": input.credential.apiKey,
    "anthropic-version": ensure(input.clientHeaders, "anthropic-version", ANTHROPIC_VERSION)
  }
  const beta = clientHeader(input.clientHeaders, "anthropic-beta")
  if (beta) h["anthropic-beta"] = beta
  const ua = clientHeader(input.clientHeaders, "user-agent")
  if (ua) h["user-agent"] = ua
  return { ...h, ...input.credential.headers }
}

/** Anthropic API keys (`claude-api-key`). @category providers */
export const claudeProvider: Provider = {
  kind: "claude",
  dialect: "claude",
  defaultBaseUrl: CLAUDE_BASE_URL,
  alwaysStreams: false,
  generate: (input) => ({
    url: joinUrl(input.baseUrl, "/v1/messages?beta=true"),
    headers: headers(input, input.stream ? "text/event-stream" : "application/json")
  }),
  countTokens: (input) => ({
    url: joinUrl(input.baseUrl, "/v1/messages/count_tokens?beta=true"),
    headers: headers(input, "application/json")
  }),
  prepareBody: (body, input, clientModel) => (input.model === clientModel && body.model === input.model ? undefined : { ...body, model: input.model }),
  catalogue: claudeCatalogue,
  listModels: (credential, baseUrl) => ({
    target: {
      url: joinUrl(baseUrl, "/v1/models?limit=1000"),
      headers: { "x-api-key": credential.apiKey, "anthropic-version": ANTHROPIC_VERSION, ...credential.headers }
    },
    parse: parseClaudeModels
  })
}
