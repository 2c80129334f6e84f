/**
 * Fake OpenAI-compatible chat upstream (spec/02 §9, spec/04 §5.2): `POST /chat/completions`
 * (and `/v1/...`) answering `chat.completion` JSON or `chat.completion.chunk` SSE ending with
 * `data: [DONE]`, plus `GET /models`.
 */
import { Context, Layer } from "effect"
import * as FakeServer from "./fake-server.js"
import * as Script from "./script.js"
import { frame } from "./sse.js"

/** Options of the OpenAI-compatible fake. @category models */
export interface Options extends FakeServer.Options {
  /** When set, requests must carry `Authorization: Bearer <apiKey>` or get OpenAI's 401. */
  readonly apiKey?: string
  /** Model ids served by `GET /models`. */
  readonly models?: ReadonlyArray<string>
}

/** The fake OpenAI-compatible chat upstream. @category tags */
export class OpenAiChatFake extends Context.Tag("cli-proxy-api/test/OpenAiChatFake")<
  OpenAiChatFake,
  FakeServer.Service
>() {}

const errorKinds: Record<number, readonly [type: string, code: string | null, message: string]> = {
  400: ["invalid_request_error", null, "Invalid request."],
  401: ["invalid_request_error", "invalid_api_key", "Incorrect API key provided: sk-fake***. You can find your API key at https://platform.openai.com/account/api-keys."],
  403: ["invalid_request_error", "unsupported_country_region_territory", "Country, region, or territory not supported"],
  404: ["invalid_request_error", "model_not_found", "The model does not exist or you do not have access to it."],
  429: ["requests", "rate_limit_exceeded", "Rate limit reached for requests. Please try again in 1s."],
  500: ["server_error", null, "The server had an error while processing your request. Sorry about that!"],
  503: ["server_error", null, "The engine is currently overloaded, please try again later"]
}

/** OpenAI's error JSON for a status (pretty-printed with 4 spaces, as the API sends it). @category errors */
export const errorBody = (status: number, message?: string): string => {
  const [type, code, text] = errorKinds[status] ??
    (status >= 500 ? ["server_error", null, "Internal server error"] : ["invalid_request_error", null, "Bad request"])
  return JSON.stringify({ error: { message: message ?? text, type, param: null, code } }, null, 4) + "\n"
}

/** A scripted OpenAI error answer; `retryAfter` adds the `retry-after` header. @category constructors */
export const errorReply = (status: number, options: { readonly message?: string; readonly retryAfter?: number } = {}): Script.Reply => ({
  status,
  body: errorBody(status, options.message),
  ...(options.retryAfter === undefined ? {} : { headers: { "retry-after": String(options.retryAfter) } })
})

const usageJson = (u: Script.Usage) => ({
  prompt_tokens: u.inputTokens,
  completion_tokens: u.outputTokens,
  total_tokens: u.inputTokens + u.outputTokens,
  prompt_tokens_details: { cached_tokens: u.cachedInputTokens, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: u.reasoningTokens,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0
  }
})

const callId = (request: Script.RecordedRequest, k: number, part: Script.ToolCallPart) =>
  part.id ?? Script.fakeId("call_", request.index * 100 + k)

const chat: FakeServer.Handler = (request, reply) => {
  const model = reply.model ?? Script.stringField(request.json, "model") ?? "gpt-4o-mini"
  const parts = Script.partsOf(reply, model)
  const finish = reply.rawFinishReason ?? Script.finishOf(reply, parts)
  const usage = Script.usageOf(reply, request.body, parts)
  const id = reply.id ?? Script.fakeId("chatcmpl-", request.index, 29)
  const created = Math.floor(Date.now() / 1000)
  const headers = { "x-request-id": Script.fakeId("req_", request.index, 32) }
  const calls = parts.flatMap((p) => (p.type === "tool_call" ? [p] : []))
  const stream = reply.stream ?? Script.field(request.json, "stream") === true

  if (!stream) {
    const text = parts.map((p) => (p.type === "text" ? Script.fullText(p.text) : "")).join("")
    const thinking = parts.map((p) => (p.type === "reasoning" ? Script.fullText(p.text) : "")).join("")
    const message = {
      role: "assistant",
      content: text === "" && calls.length > 0 ? null : text,
      ...(thinking === "" ? {} : { reasoning_content: thinking }),
      ...(calls.length === 0
        ? {}
        : {
            tool_calls: calls.map((c, k) => ({
              id: callId(request, k, c),
              type: "function",
              function: { name: c.name, arguments: Script.argumentsText(c) }
            }))
          }),
      refusal: null,
      annotations: []
    }
    const body = {
      id,
      object: "chat.completion",
      created,
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
      usage: usageJson(usage),
      service_tier: "default",
      system_fingerprint: "fp_fake"
    }
    return FakeServer.json(200, body, headers, 2)
  }

  const includeUsage = Script.field(Script.field(request.json, "stream_options"), "include_usage") === true
  const deltas: Array<Record<string, unknown>> = []
  let k = 0
  for (const part of parts) {
    if (part.type === "reasoning") for (const d of Script.deltas(part.text)) deltas.push({ reasoning_content: d })
    else if (part.type === "text") for (const d of Script.deltas(part.text)) deltas.push({ content: d })
    else {
      const index = k++
      deltas.push({
        tool_calls: [{ index, id: callId(request, index, part), type: "function", function: { name: part.name, arguments: "" } }]
      })
      for (const fragment of Script.argumentFragments(part)) {
        deltas.push({ tool_calls: [{ index, function: { arguments: fragment } }] })
      }
    }
  }
  // The role arrives on the first chunk: its own empty-content chunk before text, merged into a first tool call.
  const first = deltas[0]
  if (first !== undefined && "tool_calls" in first) deltas[0] = { role: "assistant", content: null, ...first, refusal: null }
  else deltas.unshift({ role: "assistant", content: "", refusal: null })

  const chunk = (delta: Record<string, unknown>, finishReason: string | null) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    service_tier: "default",
    system_fingerprint: "fp_fake",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {})
  })
  const frames = deltas.map((d) => frame(undefined, chunk(d, null)))
  frames.push(frame(undefined, chunk({}, finish)))
  if (includeUsage) {
    frames.push(
      frame(undefined, {
        id,
        object: "chat.completion.chunk",
        created,
        model,
        service_tier: "default",
        system_fingerprint: "fp_fake",
        choices: [],
        usage: usageJson(usage)
      })
    )
  }
  frames.push(frame(undefined, "[DONE]"))
  return FakeServer.sse(frames, { ...headers, "content-type": "text/event-stream; charset=utf-8" })
}

const spec = (options: Options): FakeServer.FakeSpec => ({
  name: "openai-chat",
  errorBody,
  route: (request) => {
    if (options.apiKey !== undefined && request.headers["authorization"] !== `Bearer ${options.apiKey}`) {
      return FakeServer.json(401, errorBody(401))
    }
    const path = request.path.replace(/^\/v1(?=\/)/, "")
    if (request.method === "POST" && path === "/chat/completions") return chat
    if (request.method === "GET" && path === "/models") {
      const data = (options.models ?? ["gpt-4o-mini", "gpt-4o"]).map((id) => ({
        id,
        object: "model",
        created: 1715367049,
        owned_by: "system"
      }))
      return FakeServer.json(200, { object: "list", data }, {}, 2)
    }
    const message = `Invalid URL (${request.method} ${request.path})`
    return FakeServer.json(404, { error: { message, type: "invalid_request_error", param: null, code: null } }, {}, 4)
  }
})

/** Starts the fake for the current scope. @category constructors */
export const make = (options: Options = {}) => FakeServer.make(spec(options), options)

/** The fake as a scoped Layer on 127.0.0.1:0. @category layers */
export const layer = (options: Options = {}) => Layer.scoped(OpenAiChatFake, make(options))

/** Starts the fake without Effect (bench scripts); call `close()` when done. @category constructors */
export const start = (options: Options = {}) => FakeServer.start(spec(options), options)
