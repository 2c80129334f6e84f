import { type JsonObject, obj } from "../../formats/json.js"
import { aistudioCatalogue } from "../gemini/models.js"
import type { CallInput, Provider, Target } from "../provider.js"

/**
 * The API the AI Studio Build tab calls with its own Google sign-in: the proxy only names
 * the URL, the browser sends it (no key ever leaves the proxy, spec/03 C.8).
 * @category endpoints
 */
export const AISTUDIO_BASE_URL = "https://generativelanguage.googleapis.com"

const headers = { "content-type": "application/json" }

const target = (input: CallInput, action: string, query: string): Target => ({
  url: `${AISTUDIO_BASE_URL}/v1beta/models/${encodeURIComponent(input.model)}:${action}${query}`,
  headers
})

const altQuery = (input: CallInput): string =>
  input.alt !== undefined ? `?$alt=${encodeURIComponent(input.alt)}` : input.stream ? "?alt=sse" : ""

/** `session_id` (a Gemini CLI field) is refused by the public API. */
const withoutSession = (body: JsonObject): JsonObject | undefined => {
  if (!("session_id" in body)) return undefined
  const { session_id: _drop, ...rest } = body
  return rest
}

/**
 * AI Studio Build tabs connected on `GET /v1/ws`: Gemini requests sent over the relay
 * (src/relay/), answered by the browser. The URL is always Google's, whatever
 * `upstream-endpoints` says: the tab, not the proxy, fetches it.
 * @category providers
 */
export const aistudioProvider: Provider = {
  kind: "aistudio",
  dialect: "gemini",
  defaultBaseUrl: AISTUDIO_BASE_URL,
  alwaysStreams: false,
  generate: (input) => target(input, input.stream ? "streamGenerateContent" : "generateContent", altQuery(input)),
  countTokens: (input) => target(input, "countTokens", ""),
  // the Go version counts the bare request, without generationConfig and tools
  countBody: (body) => {
    const inner = obj(body.generateContentRequest) ?? body
    const { generationConfig: _g, tools: _t, model: _m, session_id: _s, ...rest } = inner
    return rest
  },
  prepareBody: (body) => withoutSession(body),
  catalogue: aistudioCatalogue
}
