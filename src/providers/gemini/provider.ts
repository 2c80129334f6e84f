import type { Provider, Target, CallInput } from "../provider.js"
import { joinUrl } from "../provider.js"
import { geminiCatalogue, parseGeminiModels } from "./models.js"

/** The Generative Language API. @category endpoints */
export const GEMINI_BASE_URL = "https://generativelanguage.googleapis.com"

const headers = (input: CallInput): Record<string, string> => ({
  "content-type": "application/json",
  "x-goog-api-key": input.credential.apiKey,
  // configured headers are Set last: they override everything (spec/02 §2b)
  ...input.credential.headers
})

const action = (input: CallInput, name: string): Target => {
  const query = input.stream
    ? input.alt ? `?$alt=${encodeURIComponent(input.alt)}` : "?alt=sse"
    : input.alt ? `?$alt=${encodeURIComponent(input.alt)}` : ""
  return { url: joinUrl(input.baseUrl, `/v1beta/models/${encodeURIComponent(input.model)}:${name}${query}`), headers: headers(input) }
}

/** Gemini API keys (`gemini-api-key`). @category providers */
export const geminiProvider: Provider = {
  kind: "gemini",
  dialect: "gemini",
  defaultBaseUrl: GEMINI_BASE_URL,
  alwaysStreams: false,
  generate: (input) => action(input, input.stream ? "streamGenerateContent" : "generateContent"),
  countTokens: (input) => ({
    url: joinUrl(input.baseUrl, `/v1beta/models/${encodeURIComponent(input.model)}:countTokens`),
    headers: headers(input)
  }),
  prepareBody: (body) => {
    // the Go version strips the Gemini CLI session id, which the public API rejects
    if (!("session_id" in body)) return undefined
    const { session_id: _drop, ...rest } = body
    return rest
  },
  catalogue: geminiCatalogue,
  listModels: (credential, baseUrl) => ({
    target: {
      url: joinUrl(baseUrl, "/v1beta/models?pageSize=1000"),
      headers: { "x-goog-api-key": credential.apiKey, ...credential.headers }
    },
    parse: parseGeminiModels
  })
}
