import type { Credential } from "../../credentials/credential.js"
import type { JsonObject } from "../../formats/json.js"
import { type CallInput, clientHeader, ensure, joinUrl, type Provider, withUpstreamModel } from "../provider.js"
import { claudeCatalogue, parseClaudeModels } from "./models.js"

/** The Anthropic API. @category endpoints */
export const CLAUDE_BASE_URL = "https://api.anthropic.com"

const ANTHROPIC_VERSION = "2023-06-01"

/** Betas a Claude Code OAuth token needs (spec/02 §6c); the client's own are added to them. */
const OAUTH_BETAS = ["claude-code-20250219", "oauth-2025-04-20", "interleaved-thinking-2025-05-14", "fine-grained-tool-streaming-2025-05-14"]

/** The line a Claude Code OAuth token must open its system prompt with. */
export const CLAUDE_CODE_SYSTEM = "You are Claude Code, Anthropic's official CLI for Claude."

/** API keys go as `x-api-key`; Claude Code OAuth tokens as Bearer with the OAuth beta. @category headers */
export const claudeAuthHeaders = (credential: Credential, clientBeta: string | undefined): Record<string, string> => {
  if (credential.oauth === undefined) return { "x-api-key": credential.apiKey, ...(clientBeta ? { "anthropic-beta": clientBeta } : {}) }
  const betas = new Set(OAUTH_BETAS)
  for (const b of (clientBeta ?? "").split(",")) if (b.trim() !== "") betas.add(b.trim())
  return { authorization: `Bearer ${credential.oauth.accessToken}`, "anthropic-beta": [...betas].join(",") }
}

/**
 * Prepends the Claude Code identity to `system`, keeping every block the client sent (the
 * upstream's later fix of the Go quirk that replaced the client's system prompt).
 */
const withClaudeCodeSystem = (body: JsonObject): JsonObject => {
  const system = body.system
  const identity = { type: "text", text: CLAUDE_CODE_SYSTEM }
  if (typeof system === "string") return system.startsWith(CLAUDE_CODE_SYSTEM) ? body : { ...body, system: [identity, { type: "text", text: system }] }
  if (Array.isArray(system)) {
    const first = system[0]
    const already = typeof first === "object" && first !== null && !Array.isArray(first) && first.text === CLAUDE_CODE_SYSTEM
    return already ? body : { ...body, system: [identity, ...system] }
  }
  return { ...body, system: [identity] }
}

/** Claude Code's own client headers (spec/02 §6c, §13): defaults a client's values replace. */
const claudeCodeDefaults: ReadonlyArray<readonly [string, string]> = [
  ["anthropic-dangerous-direct-browser-access", "true"],
  ["x-app", "cli"],
  ["x-stainless-helper-method", "stream"],
  ["x-stainless-retry-count", "0"],
  ["x-stainless-runtime-version", "v24.3.0"],
  ["x-stainless-package-version", "0.55.1"],
  ["x-stainless-runtime", "node"],
  ["x-stainless-lang", "js"],
  ["x-stainless-arch", "arm64"],
  ["x-stainless-os", "MacOS"],
  ["x-stainless-timeout", "60"],
  ["user-agent", "claude-cli/1.0.83 (external, cli)"]
]

/**
 * API keys go out as `x-api-key`, which the real Anthropic API requires (the Go snapshot sent
 * them as Bearer, a quirk it fixed later). The client's anthropic-version and beta flags
 * pass through so features it asked for keep working; Claude Code sign-ins also carry
 * Claude Code's client headers unless the client sent its own.
 */
const headers = (input: CallInput, accept: string): Record<string, string> => {
  const h: Record<string, string> = {
    "content-type": "application/json",
    accept,
    ...claudeAuthHeaders(input.credential, clientHeader(input.clientHeaders, "anthropic-beta")),
    "anthropic-version": ensure(input.clientHeaders, "anthropic-version", ANTHROPIC_VERSION)
  }
  if (input.credential.oauth !== undefined) {
    for (const [name, value] of claudeCodeDefaults) h[name] = ensure(input.clientHeaders, name, value)
  } else {
    const ua = clientHeader(input.clientHeaders, "user-agent")
    if (ua) h["user-agent"] = ua
  }
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
  prepareBody: (body, input, clientModel) => {
    const named = withUpstreamModel(body, input, clientModel) ?? body
    const out = input.credential.oauth === undefined ? named : withClaudeCodeSystem(named)
    return out === body ? undefined : out
  },
  catalogue: claudeCatalogue,
  listModels: (credential, baseUrl) => ({
    target: {
      url: joinUrl(baseUrl, "/v1/models?limit=1000"),
      headers: { ...claudeAuthHeaders(credential, undefined), "anthropic-version": ANTHROPIC_VERSION, ...credential.headers }
    },
    parse: parseClaudeModels
  })
}
