import type { JsonObject } from "../../formats/json.js"
import { obj } from "../../formats/json.js"
import { geminiCatalogue } from "../gemini/models.js"
import { type CallInput, ensure, joinUrl, type Provider, type Target } from "../provider.js"

/** Google Code Assist, the upstream of Gemini CLI sign-ins. @category endpoints */
export const CODE_ASSIST_BASE_URL = "https://cloudcode-pa.googleapis.com"

/** The Gemini CLI's own client headers (spec/02 §1c); a client's values win (ensure rule). @category headers */
export const codeAssistHeaders = (input: Pick<CallInput, "clientHeaders">): Record<string, string> => ({
  "user-agent": ensure(input.clientHeaders, "user-agent", "google-api-nodejs-client/9.15.1"),
  "x-goog-api-client": ensure(input.clientHeaders, "x-goog-api-client", "gl-node/22.17.0"),
  "client-metadata": ensure(input.clientHeaders, "client-metadata", "ideType=IDE_UNSPECIFIED,platform=PLATFORM_UNSPECIFIED,pluginType=GEMINI")
})

/** The preview models tried after a 429 on the model asked for (spec/02 §1c). @category models */
export const previewModels: Readonly<Record<string, ReadonlyArray<string>>> = {
  "gemini-2.5-pro": ["gemini-2.5-pro-preview-05-06", "gemini-2.5-pro-preview-06-05"],
  "gemini-2.5-flash": ["gemini-2.5-flash-preview-04-17", "gemini-2.5-flash-preview-05-20"],
  "gemini-2.5-flash-lite": ["gemini-2.5-flash-lite-preview-06-17"]
}

/** What the Gemini CLI sends when a request names no safety settings: nothing blocked. */
const defaultSafety = [
  { category: "HARM_CATEGORY_HARASSMENT", threshold: "OFF" },
  { category: "HARM_CATEGORY_HATE_SPEECH", threshold: "OFF" },
  { category: "HARM_CATEGORY_SEXUALLY_EXPLICIT", threshold: "OFF" },
  { category: "HARM_CATEGORY_DANGEROUS_CONTENT", threshold: "OFF" },
  { category: "HARM_CATEGORY_CIVIC_INTEGRITY", threshold: "BLOCK_NONE" }
]

const method = (input: CallInput, name: string, accept: string, query: string): Target => ({
  url: joinUrl(input.baseUrl, `/v1internal:${name}${query}`),
  headers: {
    "content-type": "application/json",
    authorization: `Bearer ${input.credential.oauth?.accessToken ?? ""}`,
    accept,
    ...codeAssistHeaders(input),
    ...input.credential.headers
  }
})

// a client's own `alt` other than sse goes on as the literal `$alt` (spec/02 §1c)
const altQuery = (input: CallInput, stream: boolean) =>
  input.alt !== undefined ? `?$alt=${encodeURIComponent(input.alt)}` : stream ? "?alt=sse" : ""

/** The plain Gemini request inside a `{model, project, request}` envelope. */
const unwrap = (body: JsonObject): JsonObject => obj(body.request) ?? body

/**
 * Gemini CLI sign-ins (`type: gemini` auth files) on Code Assist `v1internal`: requests and
 * answers travel in an envelope, the project comes from the file, and a 429 moves to the
 * file's next project and then to the preview models, as `quota-exceeded` allows.
 * @category providers
 */
export const geminiCliProvider: Provider = {
  kind: "gemini-cli",
  dialect: "gemini",
  defaultBaseUrl: CODE_ASSIST_BASE_URL,
  alwaysStreams: false,
  envelope: true,
  generate: (input) =>
    input.stream
      ? method(input, "streamGenerateContent", "text/event-stream", altQuery(input, true))
      : method(input, "generateContent", "application/json", altQuery(input, false)),
  countTokens: (input) => method(input, "countTokens", "application/json", altQuery(input, false)),
  countBody: (body, input) => {
    // what the Gemini CLI itself sends: the model and the contents
    const request = unwrap(body)
    return { request: { model: `models/${input.model}`, contents: request.contents ?? [] } }
  },
  prepareBody: (body, input) => {
    // a Gemini CLI client's own envelope keeps its other fields (user_prompt_id, ...)
    if (obj(body.request) !== undefined) return { ...body, model: input.model, project: input.project ?? "" }
    const { model: _m, session_id: _s, ...request } = body
    return {
      model: input.model,
      project: input.project ?? "",
      request: request.safetySettings === undefined ? { ...request, safetySettings: defaultSafety } : request
    }
  },
  variants: (input, config) => {
    const projects = input.credential.projects ?? []
    const tryProjects = projects.length === 0 ? [""] : config.quotaExceeded.switchProject ? projects : projects.slice(0, 1)
    const models = [input.model, ...(config.quotaExceeded.switchPreviewModel ? previewModels[input.model] ?? [] : [])]
    // the model asked for on every project first, then its previews
    return models.flatMap((model) => tryProjects.map((project) => ({ ...input, model, project })))
  },
  catalogue: geminiCatalogue
}
