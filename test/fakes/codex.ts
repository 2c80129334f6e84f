/**
 * Fake Codex Responses upstream (spec/02 §5c and §14, spec/04 §5.3): `POST /responses` (also
 * `/v1/responses` and `/backend-api/codex/responses`) answering the Responses SSE event stream.
 * Like the ChatGPT backend, a body without `stream: true` gets 400 `Stream must be set to true`
 * unless `requireStream: false` (the plain Responses API, which also answers JSON).
 */
import { Context, Layer } from "effect"
import * as FakeServer from "./fake-server.js"
import * as Script from "./script.js"
import { frame } from "./sse.js"

/** Options of the Codex fake. @category models */
export interface Options extends FakeServer.Options {
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  readonly token?: string
  /** Reject non-stream requests with the backend's 400 (default true). */
  readonly requireStream?: boolean
}

/** The fake Codex Responses upstream. @category tags */
export class CodexFake extends Context.Tag("cli-proxy-api/test/CodexFake")<CodexFake, FakeServer.Service>() {}

/** The Codex backend's error JSON for a status (FastAPI `detail` for 4xx, an `error` object otherwise). @category errors */
export const errorBody = (status: number, message?: string): string => {
  if (status === 429) {
    return JSON.stringify({
      error: { type: "usage_limit_reached", message: message ?? "The usage limit has been reached", plan_type: "plus", resets_in_seconds: 3600 }
    })
  }
  if (status >= 500) {
    const text = message ?? "An error occurred while processing your request. Please include the request ID in your message."
    return JSON.stringify({ error: { message: text, type: "server_error", param: null, code: "server_error" } })
  }
  const details: Record<number, string> = {
    401: "Could not parse your authentication token. Please try signing in again.",
    403: "Forbidden",
    404: "Not Found"
  }
  return JSON.stringify({ detail: message ?? details[status] ?? "Bad Request" })
}

/** A scripted Codex error answer; `retryAfter` adds the `retry-after` header. @category constructors */
export const errorReply = (status: number, options: { readonly message?: string; readonly retryAfter?: number } = {}): Script.Reply => ({
  status,
  body: errorBody(status, options.message),
  ...(options.retryAfter === undefined ? {} : { headers: { "retry-after": String(options.retryAfter) } })
})

const usageJson = (u: Script.Usage) => ({
  input_tokens: u.inputTokens,
  input_tokens_details: { cached_tokens: u.cachedInputTokens },
  output_tokens: u.outputTokens,
  output_tokens_details: { reasoning_tokens: u.reasoningTokens },
  total_tokens: u.inputTokens + u.outputTokens
})

const terminal = (reply: Script.Reply, parts: ReadonlyArray<Script.Part>) => {
  if (reply.rawFinishReason !== undefined) return { status: reply.rawFinishReason, incomplete: null }
  const finish = Script.finishOf(reply, parts)
  if (finish === "length") return { status: "incomplete", incomplete: { reason: "max_output_tokens" } }
  if (finish === "content_filter") return { status: "incomplete", incomplete: { reason: "content_filter" } }
  return { status: "completed", incomplete: null }
}

/** The items and events of one output part, given its output index. */
interface Rendered {
  readonly item: Record<string, unknown>
  readonly events: ReadonlyArray<readonly [string, Record<string, unknown>]>
}

const renderPart = (request: Script.RecordedRequest, part: Script.Part, outputIndex: number): Rendered => {
  const n = request.index * 100 + outputIndex
  const at = { output_index: outputIndex }
  if (part.type === "reasoning") {
    const id = Script.fakeId("rs_", n, 48)
    const text = Script.fullText(part.text)
    const wantsEncrypted = JSON.stringify(Script.field(request.json, "include") ?? []).includes("reasoning.encrypted_content")
    const encrypted = part.signature ?? (wantsEncrypted ? Buffer.from(`fake-encrypted:${id}`).toString("base64") : undefined)
    const item = { id, type: "reasoning", ...(encrypted === undefined ? {} : { encrypted_content: encrypted }), summary: [{ type: "summary_text", text }] }
    const ref = { item_id: id, ...at, summary_index: 0 }
    return {
      item,
      events: [
        ["response.output_item.added", { ...at, item: { id, type: "reasoning", summary: [] } }],
        ["response.reasoning_summary_part.added", { ...ref, part: { type: "summary_text", text: "" } }],
        ...Script.deltas(part.text).map((delta) => ["response.reasoning_summary_text.delta", { ...ref, delta }] as const),
        ["response.reasoning_summary_text.done", { ...ref, text }],
        ["response.reasoning_summary_part.done", { ...ref, part: { type: "summary_text", text } }],
        ["response.output_item.done", { ...at, item }]
      ]
    }
  }
  if (part.type === "text") {
    const id = Script.fakeId("msg_", n, 48)
    const text = Script.fullText(part.text)
    const content = (t: string) => ({ type: "output_text", annotations: [], logprobs: [], text: t })
    const item = { id, type: "message", status: "completed", content: [content(text)], role: "assistant" }
    const ref = { item_id: id, ...at, content_index: 0 }
    return {
      item,
      events: [
        ["response.output_item.added", { ...at, item: { id, type: "message", status: "in_progress", content: [], role: "assistant" } }],
        ["response.content_part.added", { ...ref, part: content("") }],
        ...Script.deltas(part.text).map((delta) => ["response.output_text.delta", { ...ref, delta, logprobs: [] }] as const),
        ["response.output_text.done", { ...ref, text, logprobs: [] }],
        ["response.content_part.done", { ...ref, part: content(text) }],
        ["response.output_item.done", { ...at, item }]
      ]
    }
  }
  const id = Script.fakeId("fc_", n, 48)
  const callId = part.id ?? Script.fakeId("call_", n)
  const args = Script.argumentsText(part)
  const item = { id, type: "function_call", status: "completed", arguments: args, call_id: callId, name: part.name }
  return {
    item,
    events: [
      ["response.output_item.added", { ...at, item: { ...item, status: "in_progress", arguments: "" } }],
      ...Script.argumentFragments(part).map((delta) => ["response.function_call_arguments.delta", { item_id: id, ...at, delta }] as const),
      ["response.function_call_arguments.done", { item_id: id, ...at, arguments: args }],
      ["response.output_item.done", { ...at, item }]
    ]
  }
}

const responses: FakeServer.Handler = (request, reply) => {
  const body = request.json
  const model = reply.model ?? Script.stringField(body, "model") ?? "gpt-5"
  const parts = Script.partsOf(reply, model)
  const usage = usageJson(Script.usageOf(reply, request.body, parts))
  const end = terminal(reply, parts)
  const reasoning = Script.field(body, "reasoning")
  // The response object echoes the request's settings, as the real API does.
  const response = {
    id: reply.id ?? Script.fakeId("resp_", request.index, 48),
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status: "in_progress",
    background: false,
    error: null,
    incomplete_details: null,
    instructions: Script.field(body, "instructions") ?? null,
    max_output_tokens: null,
    max_tool_calls: null,
    model,
    output: [] as ReadonlyArray<unknown>,
    parallel_tool_calls: Script.field(body, "parallel_tool_calls") ?? true,
    previous_response_id: null,
    prompt_cache_key: Script.field(body, "prompt_cache_key") ?? null,
    reasoning: { effort: Script.field(reasoning, "effort") ?? "medium", summary: Script.field(reasoning, "summary") ?? null },
    safety_identifier: null,
    service_tier: "auto",
    store: Script.field(body, "store") ?? false,
    temperature: 1,
    text: { format: { type: "text" }, verbosity: "medium" },
    tool_choice: Script.field(body, "tool_choice") ?? "auto",
    tools: Script.field(body, "tools") ?? [],
    top_logprobs: 0,
    top_p: 1,
    truncation: "disabled",
    usage: null as unknown,
    user: null,
    metadata: {}
  }
  const rendered = parts.map((part, i) => renderPart(request, part, i))
  const final = { ...response, status: end.status, incomplete_details: end.incomplete, output: rendered.map((r) => r.item), usage }
  if (!(reply.stream ?? Script.field(body, "stream") === true)) return FakeServer.json(200, final, {}, 2)

  const events: Array<readonly [string, Record<string, unknown>]> = [
    ["response.created", { response }],
    ["response.in_progress", { response }],
    ...rendered.flatMap((r) => r.events),
    [`response.${end.status}`, { response: final }]
  ]
  const frames = events.map(([type, data], sequence) => frame(type, { type, sequence_number: sequence, ...data }))
  return FakeServer.sse(frames, { "content-type": "text/event-stream; charset=utf-8", "x-request-id": Script.fakeId("", request.index, 36) })
}

const spec = (options: Options): FakeServer.FakeSpec => ({
  name: "codex",
  errorBody,
  route: (request) => {
    if (options.token !== undefined && request.headers["authorization"] !== `Bearer ${options.token}`) {
      return FakeServer.json(401, errorBody(401))
    }
    if (request.method !== "POST" || !/^(?:\/v1|\/backend-api\/codex)?\/responses$/.test(request.path)) {
      return FakeServer.json(404, errorBody(404))
    }
    if ((options.requireStream ?? true) && Script.field(request.json, "stream") !== true) {
      return FakeServer.json(400, errorBody(400, "Stream must be set to true"))
    }
    return responses
  }
})

/** Starts the fake for the current scope. @category constructors */
export const make = (options: Options = {}) => FakeServer.make(spec(options), options)

/** The fake as a scoped Layer on 127.0.0.1:0. @category layers */
export const layer = (options: Options = {}) => Layer.scoped(CodexFake, make(options))

/** Starts the fake without Effect (bench scripts); call `close()` when done. @category constructors */
export const start = (options: Options = {}) => FakeServer.start(spec(options), options)
