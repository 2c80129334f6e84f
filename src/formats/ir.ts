/**
 * The canonical intermediate representation (spec/04 section 8): every dialect decodes
 * into these types and encodes out of them, so N dialects need 2N codecs.
 *
 * Conventions: optional fields are absent (never `undefined`) when unknown; ids are kept
 * as received; usage counts follow OpenAI semantics (input includes cached tokens, output
 * includes reasoning tokens) and each codec converts at its edge.
 */
import type { Json, JsonObject } from "./json.js"

/** The wire dialects the hub speaks. @category models */
export type Dialect = "openai-chat" | "openai-responses" | "claude" | "gemini"

/** Who minted an opaque reasoning token; tokens never cross providers (spec/04 3.9). @category models */
export type SignatureProvider = "anthropic" | "google" | "openai"

/** Claude-style prompt-cache marker, carried only to Claude (spec/04 3.13). @category models */
export type CacheControl = JsonObject

/** Where media bytes live: inline base64 or a URL/URI. @category models */
export type MediaSource =
  | { readonly kind: "base64"; readonly mime: string; readonly data: string }
  | { readonly kind: "url"; readonly url: string; readonly mime?: string }

/** Visible text. @category parts */
export interface TextPart {
  readonly type: "text"
  readonly text: string
  readonly cacheControl?: CacheControl
  readonly citations?: Json
  /** An opaque reasoning token that arrived on this text (Gemini); same-provider only. */
  readonly signature?: string
  readonly signatureProvider?: SignatureProvider
}

/** An image, inline or by URL. @category parts */
export interface ImagePart {
  readonly type: "image"
  readonly source: MediaSource
  readonly detail?: string
  readonly cacheControl?: CacheControl
}

/** A document or file, inline or by URI. @category parts */
export interface FilePart {
  readonly type: "file"
  readonly source: MediaSource
  readonly filename?: string
  readonly cacheControl?: CacheControl
}

/** Input audio (OpenAI `input_audio`, Gemini audio inline data). @category parts */
export interface AudioPart {
  readonly type: "audio"
  readonly data: string
  readonly format: string
}

/**
 * Model reasoning. `signature` is the provider's opaque token (Claude signature, Gemini
 * thoughtSignature, Responses encrypted_content); `redacted` holds Claude
 * `redacted_thinking` data. Both are replayed only to the provider that minted them.
 */
export interface ThinkingPart {
  readonly type: "thinking"
  readonly text: string
  readonly signature?: string
  readonly signatureProvider?: SignatureProvider
  readonly redacted?: string
  /** The Responses reasoning item id, kept for a same-dialect replay. */
  readonly itemId?: string
}

/** A tool call made by the model. `arguments` is JSON text (custom tools: free text). @category parts */
export interface ToolCallPart {
  readonly type: "tool_call"
  readonly id: string
  readonly name: string
  readonly kind: "function" | "custom"
  readonly arguments: string
  readonly namespace?: string
  /** Gemini thoughtSignature riding on the functionCall part. */
  readonly signature?: string
  readonly signatureProvider?: SignatureProvider
  /** The Responses item id (`fc_...`), distinct from the call id. */
  readonly itemId?: string
}

/** Content of a tool result: text, images, or a JSON value. @category parts */
export type ToolResultContent = TextPart | ImagePart | FilePart | { readonly type: "json"; readonly value: Json }

/** The client's answer to a tool call. @category parts */
export interface ToolResultPart {
  readonly type: "tool_result"
  readonly callId: string
  readonly name?: string
  readonly kind?: "function" | "custom"
  readonly content: ReadonlyArray<ToolResultContent>
  readonly isError?: boolean
  readonly cacheControl?: CacheControl
  readonly itemId?: string
}

/**
 * Something only its own dialect understands (Claude server-tool blocks, Responses
 * web_search_call items, Gemini executableCode...): replayed verbatim to that dialect,
 * dropped by every other encoder.
 */
export interface OpaquePart {
  readonly type: "opaque"
  readonly dialect: Dialect
  readonly value: Json
}

/** Any content part. @category parts */
export type Part = TextPart | ImagePart | FilePart | AudioPart | ThinkingPart | ToolCallPart | ToolResultPart | OpaquePart

/** Conversation roles; tool results are parts of user turns. @category models */
export type Role = "user" | "assistant"

/** One conversation turn. @category models */
export interface Message {
  readonly role: Role
  readonly parts: ReadonlyArray<Part>
  /** A Responses message item id, kept for same-dialect replay. */
  readonly itemId?: string
}

/** Where a system instruction came from. @category models */
export type SystemSource = "instructions" | "system" | "developer"

/**
 * One system instruction block. `position` is set for instructions that appeared inside
 * the conversation: the index in `messages` before which it stood.
 */
export interface SystemBlock {
  readonly source: SystemSource
  readonly text: string
  readonly position?: number
  readonly cacheControl?: CacheControl
}

/** A function tool; `parameters` is raw JSON Schema as the client sent it. @category tools */
export interface FunctionTool {
  readonly type: "function"
  readonly name: string
  readonly description?: string
  readonly parameters?: Json
  readonly strict?: boolean
  readonly namespace?: string
  readonly cacheControl?: CacheControl
  readonly deferLoading?: boolean
}

/** A freeform tool (Responses `custom`, e.g. a lark grammar). @category tools */
export interface CustomTool {
  readonly type: "custom"
  readonly name: string
  readonly description?: string
  readonly format?: Json
  readonly namespace?: string
}

/** Well-known built-in tools; `other` covers the rest. @category tools */
export type BuiltinKind = "web_search" | "google_search" | "code_execution" | "url_context" | "other"

/** A provider-hosted tool, with the raw declaration of the dialect it came from. @category tools */
export interface BuiltinTool {
  readonly type: "builtin"
  readonly kind: BuiltinKind
  readonly dialect: Dialect
  readonly raw: Json
}

/** Any tool declaration. @category tools */
export type Tool = FunctionTool | CustomTool | BuiltinTool

/** Which tool the model may or must call. @category tools */
export type ToolChoice =
  | { readonly type: "auto" }
  | { readonly type: "none" }
  | { readonly type: "required" }
  | { readonly type: "tool"; readonly name: string }
  | { readonly type: "builtin"; readonly raw: Json }

/** Discrete reasoning levels of the unified table (spec/04 3.8.3). @category reasoning */
export type ReasoningLevel = "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | "max"

/** Thinking configuration. @category reasoning */
export interface Reasoning {
  readonly mode: "off" | "auto" | "budget" | "level" | "adaptive"
  readonly budget?: number
  readonly level?: ReasoningLevel
  readonly includeThoughts?: boolean
  readonly summary?: string
}

/** Structured-output request. @category models */
export type OutputFormat =
  | { readonly type: "text" }
  | { readonly type: "json_object" }
  | { readonly type: "json_schema"; readonly name?: string; readonly strict?: boolean; readonly schema: Json }

/** Sampling and limits (spec/04 3.10). @category models */
export interface Sampling {
  readonly temperature?: number
  readonly topP?: number
  readonly topK?: number
  readonly maxOutputTokens?: number
  readonly stop?: ReadonlyArray<string>
  readonly candidateCount?: number
  readonly seed?: number
  readonly presencePenalty?: number
  readonly frequencyPenalty?: number
  readonly logprobs?: boolean
  readonly topLogprobs?: number
}

/** Identity and bookkeeping fields echoed by Responses objects (spec/04 3.13). @category models */
export interface RequestMeta {
  readonly user?: string
  readonly metadata?: JsonObject
  readonly serviceTier?: string
  readonly promptCacheKey?: string
  readonly store?: boolean
  readonly previousResponseId?: string
  readonly truncation?: string
  readonly safetyIdentifier?: string
  readonly maxToolCalls?: number
  readonly include?: ReadonlyArray<string>
}

/** Dialect-scoped fields nobody else understands; re-emitted only by the same dialect's encoder. @category models */
export type Extensions = { readonly [D in Dialect]?: JsonObject }

/** A canonical request. @category models */
export interface Request {
  readonly model: string
  readonly stream: boolean
  readonly includeUsage?: boolean
  readonly system: ReadonlyArray<SystemBlock>
  readonly messages: ReadonlyArray<Message>
  readonly tools: ReadonlyArray<Tool>
  readonly toolChoice?: ToolChoice
  readonly parallelToolCalls?: boolean
  readonly sampling: Sampling
  readonly reasoning?: Reasoning
  readonly output?: OutputFormat
  readonly verbosity?: string
  readonly responseModalities?: ReadonlyArray<string>
  readonly imageConfig?: { readonly aspectRatio?: string; readonly imageSize?: string }
  /** Gemini safety settings, raw. */
  readonly safetySettings?: Json
  readonly meta: RequestMeta
  readonly extensions: Extensions
}

/** Canonical finish reasons (spec/04 4.1). @category models */
export type FinishReason =
  | "stop"
  | "stop_sequence"
  | "tool_calls"
  | "length"
  | "content_filter"
  | "malformed_call"
  | "pause"
  | "error"

/** How the output ended, with the upstream's own value. @category models */
export interface Finish {
  readonly reason: FinishReason
  readonly native?: string
  readonly stopSequence?: string
}

/**
 * Token usage, OpenAI semantics: `input` includes cache reads and writes, `output`
 * includes `reasoning`. Absent fields are unknown.
 */
export interface Usage {
  readonly input?: number
  readonly cachedRead?: number
  readonly cacheCreation?: number
  readonly output?: number
  readonly reasoning?: number
  readonly total?: number
  readonly toolUsePrompt?: number
}

/** A whole (non-stream) response: one candidate. @category models */
export interface Response {
  readonly id: string
  readonly model: string
  /** Unix seconds. */
  readonly created?: number
  readonly parts: ReadonlyArray<Part>
  readonly finish: Finish
  readonly usage?: Usage
}

/** What a stream block holds. @category stream */
export type BlockKind =
  | { readonly kind: "text" }
  | { readonly kind: "thinking"; readonly redacted?: string }
  | {
    readonly kind: "tool_call"
    readonly id: string
    readonly name: string
    readonly callKind?: "function" | "custom"
    readonly namespace?: string
    readonly signature?: string
    readonly signatureProvider?: SignatureProvider
  }
  | { readonly kind: "image"; readonly mime: string; readonly data: string }
  | { readonly kind: "opaque"; readonly dialect: Dialect; readonly value: Json }

/** An increment inside a block. @category stream */
export type Delta =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "thinking"; readonly text: string }
  | { readonly kind: "signature"; readonly signature: string; readonly provider: SignatureProvider }
  | { readonly kind: "arguments"; readonly json: string }

/**
 * Stream events. Blocks are keyed by `index`, unique within a stream (decoders allocate
 * them); several blocks may be open at once (parallel tool calls) and encoders serialise
 * as their dialect requires. Encoders own wire indexes, sequence numbers and id minting.
 */
export type StreamEvent =
  | { readonly type: "start"; readonly id: string; readonly model: string; readonly created?: number; readonly usage?: Usage }
  | { readonly type: "block_start"; readonly index: number; readonly block: BlockKind }
  | { readonly type: "delta"; readonly index: number; readonly delta: Delta }
  | { readonly type: "block_stop"; readonly index: number }
  | { readonly type: "usage"; readonly usage: Usage }
  | { readonly type: "finish"; readonly finish: Finish }
  | { readonly type: "error"; readonly message: string; readonly status?: number; readonly errorType?: string }
  | { readonly type: "end" }

/** An empty request for a model, for building requests in code and tests. @category constructors */
export const emptyRequest = (model: string): Request => ({
  model,
  stream: false,
  system: [],
  messages: [],
  tools: [],
  sampling: {},
  meta: {},
  extensions: {}
})

/** Merges usage reports; later defined values win (Claude message_start + message_delta). @category usage */
export const mergeUsage = (a: Usage | undefined, b: Usage | undefined): Usage | undefined => {
  if (a === undefined) return b
  if (b === undefined) return a
  const out: { -readonly [K in keyof Usage]: Usage[K] } = { ...a }
  for (const k of Object.keys(b) as Array<keyof Usage>) {
    const v = b[k]
    if (v !== undefined) out[k] = v
  }
  return out
}

/** The total, computed as input + output when the upstream gave none. @category usage */
export const usageTotal = (u: Usage): number => u.total ?? (u.input ?? 0) + (u.output ?? 0)

/** Finish-reason priority: tool call > length > filter > stop (spec/04 4.1). @category finish */
export const finishPriority = (r: FinishReason): number =>
  r === "tool_calls" ? 4 : r === "length" ? 3 : r === "content_filter" ? 2 : 1
