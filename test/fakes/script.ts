/**
 * The scripted reply shared by every fake upstream: what to answer (content or a raw body),
 * and how to deliver it (status, headers, delay, chunking, reset, stall). Each fake renders
 * the content in its own dialect; the delivery options are applied by `fake-server.ts`.
 */

/** A byte or event position in a response body; negative counts from the end (`-1`: all but the last). @category models */
export type Cut = { readonly afterEvents: number } | { readonly afterBytes: number }

/**
 * How the serialized body is split into socket writes: `"events"` one write per event (the
 * default), `"whole"` everything in one write, a number a fixed write size (`1` is
 * byte-at-a-time), an array the sizes in order with the last one repeated.
 * @category models
 */
export type Chunking = "events" | "whole" | number | ReadonlyArray<number>

/** Canonical finish reason, mapped to each dialect's own vocabulary. @category models */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter"

/** Token usage with OpenAI semantics: input includes cached, output includes reasoning. @category models */
export interface Usage {
  readonly inputTokens: number
  readonly outputTokens: number
  readonly cachedInputTokens: number
  readonly cacheCreationInputTokens: number
  readonly reasoningTokens: number
}

/** Visible text; an array gives the exact stream deltas. @category models */
export interface TextPart {
  readonly type: "text"
  readonly text: string | ReadonlyArray<string>
}

/** Reasoning / thinking text with an optional opaque signature. @category models */
export interface ReasoningPart {
  readonly type: "reasoning"
  readonly text: string | ReadonlyArray<string>
  readonly signature?: string
}

/** A tool call; `rawArguments` overrides the JSON of `input` (e.g. to send malformed JSON). @category models */
export interface ToolCallPart {
  readonly type: "tool_call"
  readonly name: string
  readonly input: unknown
  readonly id?: string
  readonly rawArguments?: string
  /** Exact argument fragments for dialects that stream arguments. */
  readonly argumentChunks?: ReadonlyArray<string>
}

/** One piece of the scripted model output. @category models */
export type Part = TextPart | ReasoningPart | ToolCallPart

/** A recorded inbound request, as the fake saw it. @category models */
export interface RecordedRequest {
  /** 0-based arrival order. */
  readonly index: number
  readonly method: string
  readonly path: string
  /** The raw request target (path plus query string). */
  readonly url: string
  readonly query: Readonly<Record<string, string>>
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** The parsed body, `undefined` when it is not JSON. */
  readonly json: unknown
  /** Wall-clock arrival time (when the request line came in), epoch milliseconds. */
  readonly receivedAt: number
}

/** One scripted answer. Every field is optional; an empty reply is the fake's default success. @category models */
export interface Reply {
  /** HTTP status; >= 400 without `body` renders the dialect's error body for that status. */
  readonly status?: number
  /** Extra or overriding response headers (e.g. `retry-after`). */
  readonly headers?: Readonly<Record<string, string>>
  /** Raw body sent as is (JSON content type unless `headers` say otherwise). */
  readonly body?: string
  /** Raw SSE frames sent as is, one event each (content type `text/event-stream`). */
  readonly events?: ReadonlyArray<string>
  /** Message used by the rendered error body when `status` >= 400. */
  readonly errorMessage?: string
  /** Force a stream (or non-stream) answer regardless of the request. */
  readonly stream?: boolean
  readonly parts?: ReadonlyArray<Part>
  readonly finishReason?: FinishReason
  /** Dialect-native finish value written verbatim (e.g. `"pause_turn"`, `"RECITATION"`). */
  readonly rawFinishReason?: string
  readonly usage?: Partial<Usage>
  /** Model name in the answer; defaults to the requested model. */
  readonly model?: string
  /** Response / message id; defaults to a counter-based id. */
  readonly id?: string
  /** Milliseconds to wait before sending the status line and headers. */
  readonly delayMs?: number
  readonly chunking?: Chunking
  /** Milliseconds to wait between writes. */
  readonly chunkDelayMs?: number
  /** Destroy the connection at this point ("before-headers": no response at all). */
  readonly reset?: Cut | "before-headers"
  /** Stop sending at this point and keep the connection open until the client or the scope closes it. */
  readonly stall?: Cut | "before-headers"
  /** End the response cleanly at this point, leaving the rest unsent (e.g. no terminal event). */
  readonly end?: Cut
  /** Compress the body (gzip per event, so a stream still arrives event by event; br and deflate whole). */
  readonly encoding?: "gzip" | "br" | "deflate"
}

/** A reply, or a function computing one from the request it answers. @category models */
export type ScriptEntry = Reply | ((request: RecordedRequest) => Reply)

/** A text part. @category constructors */
export const text = (value: string | ReadonlyArray<string>): TextPart => ({ type: "text", text: value })

/** A reasoning / thinking part. @category constructors */
export const reasoning = (value: string | ReadonlyArray<string>, signature?: string): ReasoningPart =>
  signature === undefined ? { type: "reasoning", text: value } : { type: "reasoning", text: value, signature }

/** A tool call part with JSON `input`. @category constructors */
export const toolCall = (
  name: string,
  input: unknown,
  options: { readonly id?: string; readonly rawArguments?: string; readonly argumentChunks?: ReadonlyArray<string> } = {}
): ToolCallPart => ({ type: "tool_call", name, input, ...options })

/** The stream deltas of a text value: an array as given, a string split before each space. @category rendering */
export const deltas = (value: string | ReadonlyArray<string>): ReadonlyArray<string> => {
  if (typeof value !== "string") return value
  // Several word-sized deltas exercise the proxy's accumulation like a real model does.
  return value.split(/(?=\s)/)
}

/** The full text of a text or reasoning value. @category rendering */
export const fullText = (value: string | ReadonlyArray<string>): string =>
  typeof value === "string" ? value : value.join("")

/** The JSON arguments text of a tool call. @category rendering */
export const argumentsText = (part: ToolCallPart): string =>
  part.rawArguments ?? (part.argumentChunks !== undefined ? part.argumentChunks.join("") : JSON.stringify(part.input ?? {}))

/** The argument fragments of a tool call: as scripted, else about three slices. @category rendering */
export const argumentFragments = (part: ToolCallPart): ReadonlyArray<string> => {
  if (part.argumentChunks !== undefined) return part.argumentChunks
  const all = argumentsText(part)
  const size = Math.max(1, Math.ceil(all.length / 3))
  const out: Array<string> = []
  for (let i = 0; i < all.length; i += size) out.push(all.slice(i, i + size))
  return out.length === 0 ? [""] : out
}

/** The parts of a reply, or the default text mentioning the model. @category rendering */
export const partsOf = (reply: Reply, model: string): ReadonlyArray<Part> =>
  reply.parts ?? [text(`Hello from the fake upstream, model ${model}.`)]

/** The canonical finish reason of a reply: scripted, else tool_calls when a call exists, else stop. @category rendering */
export const finishOf = (reply: Reply, parts: ReadonlyArray<Part>): FinishReason =>
  reply.finishReason ?? (parts.some((p) => p.type === "tool_call") ? "tool_calls" : "stop")

/** A rough token estimate (4 characters per token, at least 1). @category rendering */
export const estimateTokens = (s: string): number => Math.max(1, Math.ceil(s.length / 4))

/** The usage of a reply: scripted numbers, the rest estimated from the request body and the parts. @category rendering */
export const usageOf = (reply: Reply, requestBody: string, parts: ReadonlyArray<Part>): Usage => {
  const reasoningText = parts.map((p) => (p.type === "reasoning" ? fullText(p.text) : "")).join("")
  const visible = parts
    .map((p) => (p.type === "text" ? fullText(p.text) : p.type === "tool_call" ? p.name + argumentsText(p) : ""))
    .join("")
  const reasoningTokens = reply.usage?.reasoningTokens ?? (reasoningText === "" ? 0 : estimateTokens(reasoningText))
  return {
    inputTokens: reply.usage?.inputTokens ?? estimateTokens(requestBody),
    outputTokens: reply.usage?.outputTokens ?? estimateTokens(visible) + reasoningTokens,
    cachedInputTokens: reply.usage?.cachedInputTokens ?? 0,
    cacheCreationInputTokens: reply.usage?.cacheCreationInputTokens ?? 0,
    reasoningTokens
  }
}

/** A string field of a JSON object body, or `undefined`. @category rendering */
export const stringField = (json: unknown, key: string): string | undefined => {
  if (typeof json !== "object" || json === null) return undefined
  const value: unknown = (json as Record<string, unknown>)[key]
  return typeof value === "string" ? value : undefined
}

/** A field of a JSON object body, or `undefined`. @category rendering */
export const field = (json: unknown, key: string): unknown =>
  typeof json === "object" && json !== null ? (json as Record<string, unknown>)[key] : undefined

/** A deterministic id of a realistic length, e.g. `fakeId("msg_", 3)` = `msg_fake00000000000000000003`. @category rendering */
export const fakeId = (prefix: string, n: number, length = 24): string =>
  prefix + "fake" + n.toString(36).padStart(Math.max(1, length - 4), "0")
