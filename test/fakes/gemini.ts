/**
 * Fake Gemini API upstream (generativelanguage, spec/02 §2b and §14, spec/04 §5.4):
 * `POST /v1beta/models/{model}:generateContent | :streamGenerateContent | :countTokens` (also
 * under `/v1/`), GenerateContentResponse JSON, SSE with `?alt=sse` and a JSON array without it.
 * The response renderers are shared with the Code Assist fake.
 */
import { Context, Layer } from "effect"
import * as FakeServer from "./fake-server.js"
import * as Script from "./script.js"

/** Options of the Gemini fake. @category models */
export interface Options extends FakeServer.Options {
  /** When set, requests must carry it as `x-goog-api-key`, `?key=` or a Bearer token. */
  readonly apiKey?: string
  /** Model ids served by `GET /v1beta/models`. */
  readonly models?: ReadonlyArray<string>
}

/** The fake Gemini API upstream. @category tags */
export class GeminiFake extends Context.Tag("cli-proxy-api/test/GeminiFake")<GeminiFake, FakeServer.Service>() {}

const statuses: Record<number, readonly [status: string, message: string]> = {
  400: ["INVALID_ARGUMENT", "Request contains an invalid argument."],
  401: ["UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."],
  403: ["PERMISSION_DENIED", "The caller does not have permission"],
  404: ["NOT_FOUND", "Requested entity was not found."],
  409: ["ABORTED", "The operation was aborted."],
  429: ["RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."],
  499: ["CANCELLED", "The operation was cancelled."],
  500: ["INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"],
  501: ["NOT_IMPLEMENTED", "Method not implemented."],
  503: ["UNAVAILABLE", "The model is overloaded. Please try again later."],
  504: ["DEADLINE_EXCEEDED", "Deadline expired before operation could complete."]
}

/** Google's error JSON for a status (pretty-printed, as Google sends it). @category errors */
export const errorBody = (status: number, message?: string, details?: ReadonlyArray<unknown>): string => {
  const [name, text] = statuses[status] ?? (status >= 500 ? ["INTERNAL", "Internal error encountered."] : ["FAILED_PRECONDITION", "Precondition check failed."])
  return JSON.stringify({ error: { code: status, message: message ?? text, status: name, ...(details === undefined ? {} : { details }) } }, null, 2) + "\n"
}

/** A scripted Google error answer; `retryAfter` adds the `retry-after` header. @category constructors */
export const errorReply = (status: number, options: { readonly message?: string; readonly retryAfter?: number } = {}): Script.Reply => ({
  status,
  body: errorBody(status, options.message),
  headers: {
    "content-type": "application/json; charset=UTF-8",
    ...(options.retryAfter === undefined ? {} : { "retry-after": String(options.retryAfter) })
  }
})

const finishReasons: Record<Script.FinishReason, string> = {
  stop: "STOP",
  tool_calls: "STOP",
  length: "MAX_TOKENS",
  content_filter: "SAFETY"
}

/** Google SSE frames end in CRLF pairs, not bare newlines. @internal */
export const sseFrame = (data: unknown): string => `data: ${JSON.stringify(data)}\r\n\r\n`

/** What a generate call renders: the whole response and its stream chunks. @internal */
export interface Generated {
  readonly whole: Record<string, unknown>
  readonly chunks: ReadonlyArray<Record<string, unknown>>
}

/** Renders a GenerateContentResponse and its stream chunks from a scripted reply. @internal */
export const generate = (
  request: Script.RecordedRequest,
  reply: Script.Reply,
  requestedModel: string,
  extra: Readonly<Record<string, unknown>> = {}
): Generated => {
  const model = reply.model ?? requestedModel
  const parts = Script.partsOf(reply, model)
  const finishReason = reply.rawFinishReason ?? finishReasons[Script.finishOf(reply, parts)]
  const usage = Script.usageOf(reply, request.body, parts)
  const responseId = reply.id ?? Script.fakeId("", request.index, 22)
  const prompt = { promptTokenCount: usage.inputTokens, promptTokensDetails: [{ modality: "TEXT", tokenCount: usage.inputTokens }] }
  // Gemini's candidates count excludes thoughts; the total includes them (spec/04 §4.2).
  const usageMetadata = {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: usage.outputTokens - usage.reasoningTokens,
    totalTokenCount: usage.inputTokens + usage.outputTokens,
    ...(usage.cachedInputTokens > 0 ? { cachedContentTokenCount: usage.cachedInputTokens } : {}),
    promptTokensDetails: prompt.promptTokensDetails,
    ...(usage.reasoningTokens > 0 ? { thoughtsTokenCount: usage.reasoningTokens } : {})
  }
  const tail = { modelVersion: model, responseId, ...extra }

  // Gemini attaches a thought signature to the part after the thinking (or the thought itself when last).
  const signatures = new Map<number, string>()
  parts.forEach((part, i) => {
    if (part.type === "reasoning" && part.signature !== undefined) {
      const next = parts.findIndex((p, j) => j > i && p.type !== "reasoning")
      signatures.set(next === -1 ? i : next, part.signature)
    }
  })
  const pieces = (part: Script.Part): Array<Record<string, unknown>> =>
    part.type === "reasoning"
      ? Script.deltas(part.text).map((text) => ({ text, thought: true }))
      : part.type === "text"
        ? Script.deltas(part.text).map((text) => ({ text }))
        : [{ functionCall: { ...(part.id === undefined ? {} : { id: part.id }), name: part.name, args: part.input ?? {} } }]
  const signed = (i: number, piece: Record<string, unknown>) => {
    const signature = signatures.get(i)
    return signature === undefined ? piece : { ...piece, thoughtSignature: signature }
  }

  const wholeParts = parts.map((part, i) =>
    signed(i, part.type === "tool_call" ? (pieces(part)[0] ?? {}) : { text: Script.fullText(part.text), ...(part.type === "reasoning" ? { thought: true } : {}) })
  )
  const whole = {
    candidates: [{ content: { parts: wholeParts, role: "model" }, finishReason, index: 0 }],
    usageMetadata,
    ...tail
  }

  const streamed = parts.flatMap((part, i) => pieces(part).map((piece, k) => ({ piece: k === 0 ? signed(i, piece) : piece, call: part.type === "tool_call" })))
  const chunk = (piece: Record<string, unknown>, last: boolean) => ({
    candidates: [{ content: { parts: [piece], role: "model" }, ...(last ? { finishReason } : {}) }],
    usageMetadata: last ? usageMetadata : { promptTokenCount: usage.inputTokens, totalTokenCount: usage.inputTokens, promptTokensDetails: prompt.promptTokensDetails },
    ...tail
  })
  const lastPiece = streamed[streamed.length - 1]
  // A function call arrives alone; the finish reason follows in a chunk of its own (spec/04 §4.1).
  const separateFinish = lastPiece === undefined || lastPiece.call
  const chunks = streamed.map((s, i) => chunk(s.piece, !separateFinish && i === streamed.length - 1))
  if (separateFinish) chunks.push(chunk({ text: "" }, true))
  return { whole, chunks }
}

/** The answer of a generate call: JSON, SSE (`alt=sse`) or a JSON array (streaming without alt). @internal */
export const renderGenerate = (
  generated: Generated,
  streaming: boolean,
  alt: string | undefined,
  wrap: (response: Record<string, unknown>) => Record<string, unknown> = (r) => r
): FakeServer.Rendered => {
  const jsonHeaders = { "content-type": "application/json; charset=UTF-8" }
  if (alt === "sse") {
    const items = streaming ? generated.chunks : [generated.whole]
    return FakeServer.sse(items.map((c) => sseFrame(wrap(c))), { "content-type": "text/event-stream" })
  }
  if (!streaming) return FakeServer.json(200, wrap(generated.whole), jsonHeaders, 2)
  const frames = generated.chunks.map((c, i) => (i === 0 ? "[" : ",\r\n") + JSON.stringify(wrap(c), null, 2))
  return { status: 200, headers: jsonHeaders, frames: [...(frames.length === 0 ? ["["] : frames), "]"], stream: true }
}

/** The countTokens answer. @internal */
export const countTokens = (request: Script.RecordedRequest, reply: Script.Reply) => {
  const n = reply.usage?.inputTokens ?? Script.estimateTokens(request.body)
  return { totalTokens: n, promptTokensDetails: [{ modality: "TEXT", tokenCount: n }] }
}

const action = /^\/(?:v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/

const spec = (options: Options): FakeServer.FakeSpec => ({
  name: "gemini",
  errorBody,
  route: (request) => {
    if (options.apiKey !== undefined) {
      const key = request.headers["x-goog-api-key"] ?? request.query["key"] ?? request.headers["authorization"]?.replace(/^Bearer /, "")
      if (key === undefined) {
        return FakeServer.json(403, errorBody(403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."))
      }
      if (key !== options.apiKey) {
        const info = { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com", metadata: { service: "generativelanguage.googleapis.com" } }
        return FakeServer.json(400, errorBody(400, "API key not valid. Please pass a valid API key.", [info]))
      }
    }
    const match = action.exec(request.path)
    if (request.method === "POST" && match !== null) {
      const model = decodeURIComponent(match[1] ?? "")
      const alt = request.query["alt"] ?? request.query["$alt"]
      if (match[2] === "countTokens") return (req, reply) => FakeServer.json(200, countTokens(req, reply), {}, 2)
      const streaming = match[2] === "streamGenerateContent"
      return (req, reply) => renderGenerate(generate(req, reply, model), reply.stream ?? streaming, alt)
    }
    if (request.method === "GET" && /^\/(?:v1beta|v1)\/models$/.test(request.path)) {
      const models = (options.models ?? ["gemini-2.5-pro", "gemini-2.5-flash"]).map((id) => ({
        name: `models/${id}`,
        version: "001",
        displayName: id,
        inputTokenLimit: 1048576,
        outputTokenLimit: 65536,
        supportedGenerationMethods: ["generateContent", "countTokens"]
      }))
      return FakeServer.json(200, { models }, {}, 2)
    }
    return FakeServer.json(404, errorBody(404))
  }
})

/** Starts the fake for the current scope. @category constructors */
export const make = (options: Options = {}) => FakeServer.make(spec(options), options)

/** The fake as a scoped Layer on 127.0.0.1:0. @category layers */
export const layer = (options: Options = {}) => Layer.scoped(GeminiFake, make(options))

/** Starts the fake without Effect (bench scripts); call `close()` when done. @category constructors */
export const start = (options: Options = {}) => FakeServer.start(spec(options), options)
