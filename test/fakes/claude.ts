/**
 * Fake Anthropic Messages upstream (spec/02 §6c and §14, spec/04 §5.1): `POST /v1/messages`
 * (the proxy adds `?beta=true`) answering a message JSON, or the full SSE sequence when the
 * body says `stream: true`; `POST /v1/messages/count_tokens`; `GET /v1/models`.
 */
import { Context, Layer } from "effect"
import * as FakeServer from "./fake-server.js"
import * as Script from "./script.js"
import { frame } from "./sse.js"

/** Options of the Claude fake. @category models */
export interface Options extends FakeServer.Options {
  /** When set, requests must carry it as `Authorization: Bearer` or `x-api-key`, or get a 401. */
  readonly apiKey?: string
  /** Model ids served by `GET /v1/models`. */
  readonly models?: ReadonlyArray<string>
}

/** The fake Claude Messages upstream. @category tags */
export class ClaudeFake extends Context.Tag("cli-proxy-api/test/ClaudeFake")<ClaudeFake, FakeServer.Service>() {}

const errorKinds: Record<number, readonly [type: string, message: string]> = {
  400: ["invalid_request_error", "Invalid request"],
  401: ["authentication_error", "invalid x-api-key"],
  402: ["billing_error", "Your credit balance is too low to access the Anthropic API."],
  403: ["permission_error", "Your API key does not have permission to use the specified resource."],
  404: ["not_found_error", "Not found"],
  413: ["request_too_large", "Request exceeds the maximum allowed number of bytes."],
  429: ["rate_limit_error", "This request would exceed the rate limit for your organization. Please try again later."],
  500: ["api_error", "Internal server error"],
  504: ["timeout_error", "Request timed out"],
  529: ["overloaded_error", "Overloaded"]
}

/** Anthropic's error JSON for a status. @category errors */
export const errorBody = (status: number, message?: string): string => {
  const [type, text] = errorKinds[status] ?? (status >= 500 ? ["api_error", "Internal server error"] : ["invalid_request_error", "Invalid request"])
  return JSON.stringify({ type: "error", error: { type, message: message ?? text }, request_id: "req_011CFakeFakeFakeFakeFake" })
}

/** A scripted Claude error answer; `retryAfter` adds the `retry-after` header. @category constructors */
export const errorReply = (status: number, options: { readonly message?: string; readonly retryAfter?: number } = {}): Script.Reply => ({
  status,
  body: errorBody(status, options.message),
  ...(options.retryAfter === undefined ? {} : { headers: { "retry-after": String(options.retryAfter) } })
})

const stopReasons: Record<Script.FinishReason, string> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  content_filter: "refusal"
}

// Claude's input_tokens excludes cache reads and writes (spec/04 §4.2).
const usageJson = (u: Script.Usage) => ({
  input_tokens: Math.max(0, u.inputTokens - u.cachedInputTokens - u.cacheCreationInputTokens),
  cache_creation_input_tokens: u.cacheCreationInputTokens,
  cache_read_input_tokens: u.cachedInputTokens,
  output_tokens: u.outputTokens
})

const toolId = (request: Script.RecordedRequest, i: number, part: Script.ToolCallPart) =>
  part.id ?? Script.fakeId("toolu_01", request.index * 100 + i)

const signatureOf = (part: Script.ReasoningPart, id: string, i: number) =>
  part.signature ?? Buffer.from(`fake-signature:${id}:${i}`).toString("base64")

const messages: FakeServer.Handler = (request, reply) => {
  const model = reply.model ?? Script.stringField(request.json, "model") ?? "claude-sonnet-4-5-20250929"
  const parts = Script.partsOf(reply, model)
  const stopReason = reply.rawFinishReason ?? stopReasons[Script.finishOf(reply, parts)]
  const usage = usageJson(Script.usageOf(reply, request.body, parts))
  const id = reply.id ?? Script.fakeId("msg_01", request.index)
  const headers = { "request-id": Script.fakeId("req_011C", request.index) }
  const stream = reply.stream ?? Script.field(request.json, "stream") === true

  if (!stream) {
    const content = parts.map((part, i) =>
      part.type === "reasoning"
        ? { type: "thinking", thinking: Script.fullText(part.text), signature: signatureOf(part, id, i) }
        : part.type === "text"
          ? { type: "text", text: Script.fullText(part.text) }
          : { type: "tool_use", id: toolId(request, i, part), name: part.name, input: part.input ?? {} }
    )
    const body = {
      id,
      type: "message",
      role: "assistant",
      model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { ...usage, service_tier: "standard" }
    }
    return FakeServer.json(200, body, headers)
  }

  const event = (type: string, data: Record<string, unknown>) => frame(type, { type, ...data })
  const frames: Array<string> = [
    event("message_start", {
      message: {
        id,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // The real API reports the input side here and a provisional output of 1.
        usage: { ...usage, output_tokens: 1, service_tier: "standard" }
      }
    })
  ]
  const ping = 'event: ping\ndata: {"type": "ping"}\n\n'
  parts.forEach((part, index) => {
    const delta = (d: Record<string, unknown>) => frames.push(event("content_block_delta", { index, delta: d }))
    // The real API sends its one ping right after the first block opens.
    const open = (block: Record<string, unknown>) =>
      frames.push(event("content_block_start", { index, content_block: block }), ...(index === 0 ? [ping] : []))
    if (part.type === "reasoning") {
      open({ type: "thinking", thinking: "", signature: "" })
      for (const d of Script.deltas(part.text)) delta({ type: "thinking_delta", thinking: d })
      delta({ type: "signature_delta", signature: signatureOf(part, id, index) })
    } else if (part.type === "text") {
      open({ type: "text", text: "" })
      for (const d of Script.deltas(part.text)) delta({ type: "text_delta", text: d })
    } else {
      open({ type: "tool_use", id: toolId(request, index, part), name: part.name, input: {} })
      // The API opens every tool input with an empty fragment.
      for (const d of ["", ...Script.argumentFragments(part)]) delta({ type: "input_json_delta", partial_json: d })
    }
    frames.push(event("content_block_stop", { index }))
  })
  if (parts.length === 0) frames.push(ping)
  frames.push(event("message_delta", { delta: { stop_reason: stopReason, stop_sequence: null }, usage }))
  frames.push(event("message_stop", {}))
  return FakeServer.sse(frames, { ...headers, "content-type": "text/event-stream; charset=utf-8" })
}

const countTokens: FakeServer.Handler = (request, reply) =>
  FakeServer.json(200, { input_tokens: reply.usage?.inputTokens ?? Script.estimateTokens(request.body) })

const spec = (options: Options): FakeServer.FakeSpec => ({
  name: "claude",
  errorBody,
  route: (request) => {
    if (options.apiKey !== undefined) {
      const ok = request.headers["authorization"] === `Bearer ${options.apiKey}` || request.headers["x-api-key"] === options.apiKey
      if (!ok) return FakeServer.json(401, errorBody(401))
    }
    if (request.method === "POST" && request.path === "/v1/messages") return messages
    if (request.method === "POST" && request.path === "/v1/messages/count_tokens") return countTokens
    if (request.method === "GET" && request.path === "/v1/models") {
      const ids = options.models ?? ["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805"]
      const data = ids.map((id) => ({ type: "model", id, display_name: id, created_at: "2025-09-29T00:00:00Z" }))
      return FakeServer.json(200, { data, has_more: false, first_id: ids[0] ?? null, last_id: ids[ids.length - 1] ?? null })
    }
    return FakeServer.json(404, errorBody(404))
  }
})

/** Starts the fake for the current scope. @category constructors */
export const make = (options: Options = {}) => FakeServer.make(spec(options), options)

/** The fake as a scoped Layer on 127.0.0.1:0. @category layers */
export const layer = (options: Options = {}) => Layer.scoped(ClaudeFake, make(options))

/** Starts the fake without Effect (bench scripts); call `close()` when done. @category constructors */
export const start = (options: Options = {}) => FakeServer.start(spec(options), options)
