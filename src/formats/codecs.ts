/**
 * One uniform face over the four dialect codecs, so the pipeline can translate any pair
 * by dialect name: request, response and stream, each decode and encode. Per-request
 * facts (tool-name maps, custom tools, the client's original request) travel in
 * `CodecContext`, built once per request with `contextFor`.
 */
import type { Either } from "effect"
import * as ClaudeReq from "./claude/request.js"
import * as ClaudeEnc from "./claude/request-encode.js"
import * as ClaudeRes from "./claude/response.js"
import * as ClaudeStream from "./claude/stream.js"
import type { DecodeError } from "./errors.js"
import * as GeminiReq from "./gemini/request.js"
import * as GeminiEnc from "./gemini/request-encode.js"
import * as GeminiRes from "./gemini/response.js"
import * as GeminiStream from "./gemini/stream.js"
import { emptyNameMap, type NameMap } from "./ids.js"
import type * as IR from "./ir.js"
import type { JsonObject } from "./json.js"
import * as ChatReq from "./openai-chat/request.js"
import * as ChatRes from "./openai-chat/response.js"
import * as ChatStream from "./openai-chat/stream.js"
import * as RespReq from "./openai-responses/request.js"
import * as RespEnc from "./openai-responses/request-encode.js"
import * as RespRes from "./openai-responses/response.js"
import { type ToolFacts, toolFacts } from "./openai-responses/schema.js"
import * as RespStream from "./openai-responses/stream.js"
import * as RespStreamEnc from "./openai-responses/stream-encode.js"
import type { SseEvent } from "./sse.js"
import type { Transducer } from "./transducer.js"

/** Per-request facts shared by a request's encoders and decoders. @category models */
export interface CodecContext {
  /** The client's decoded request (echo fields, custom tools). */
  readonly request?: IR.Request
  /** The model name to report to the client. */
  readonly model?: string
  /** Unix seconds, read once from the Clock by the caller. */
  readonly created?: number
  /** Codex short names and custom tools (Responses upstreams and clients). */
  readonly responsesTools?: ToolFacts
  /** Gemini sanitized names (Gemini upstreams). */
  readonly geminiNames?: NameMap
  /** The upstream is the Codex backend (Responses with its requirements). */
  readonly codex?: boolean
  /** Gemini CLI (Code Assist) envelope: project for requests, wrapping for responses. */
  readonly geminiEnvelope?: { readonly project?: string }
  /** The client asked for usage in the stream (OpenAI chat). */
  readonly includeUsage?: boolean
}

/** The context for a request: tool-name maps built from the client's request. @category constructors */
export const contextFor = (request: IR.Request, extra: Omit<CodecContext, "request"> = {}): CodecContext => ({
  request,
  model: request.model,
  responsesTools: toolFacts(request),
  geminiNames: GeminiEnc.geminiNameMap(request),
  ...(request.includeUsage === undefined ? {} : { includeUsage: request.includeUsage }),
  ...extra
})

/** A dialect's codecs. @category models */
export interface Codec {
  readonly decodeRequest: (body: unknown) => Either.Either<IR.Request, DecodeError>
  readonly encodeRequest: (req: IR.Request, ctx?: CodecContext) => JsonObject
  readonly decodeResponse: (body: unknown, ctx?: CodecContext) => Either.Either<IR.Response, DecodeError>
  readonly encodeResponse: (res: IR.Response, ctx?: CodecContext) => JsonObject
  readonly streamDecoder: (ctx?: CodecContext) => Transducer<SseEvent, IR.StreamEvent>
  readonly streamEncoder: (ctx?: CodecContext) => Transducer<IR.StreamEvent, SseEvent>
}

const opt = <K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } =>
  (v === undefined ? {} : { [key]: v }) as { [P in K]?: V }

/** OpenAI Chat Completions. @category codecs */
export const openaiChat: Codec = {
  decodeRequest: ChatReq.decodeRequest,
  encodeRequest: (req) => ChatReq.encodeRequest(req),
  decodeResponse: (body) => ChatRes.decodeResponse(body),
  encodeResponse: (res, ctx = {}) => ChatRes.encodeResponse(res, { ...opt("model", ctx.model), ...opt("created", ctx.created) }),
  streamDecoder: () => ChatStream.makeDecoder(),
  streamEncoder: (ctx = {}) =>
    ChatStream.makeEncoder({ ...opt("model", ctx.model), ...opt("created", ctx.created), ...opt("includeUsage", ctx.includeUsage) })
}

/** OpenAI Responses (and Codex when `ctx.codex`). @category codecs */
export const openaiResponses: Codec = {
  decodeRequest: RespReq.decodeRequest,
  encodeRequest: (req, ctx = {}) => RespEnc.encodeRequest(req, { ...opt("codex", ctx.codex), ...opt("tools", ctx.responsesTools) }),
  decodeResponse: (body, ctx = {}) => RespRes.decodeResponse(body, opt("names", ctx.responsesTools?.names)),
  encodeResponse: (res, ctx = {}) =>
    RespRes.encodeResponse(res, {
      ...opt("model", ctx.model),
      ...opt("created", ctx.created),
      ...opt("request", ctx.request),
      ...opt("tools", ctx.responsesTools)
    }),
  streamDecoder: (ctx = {}) => RespStream.makeDecoder(opt("names", ctx.responsesTools?.names)),
  streamEncoder: (ctx = {}) =>
    RespStreamEnc.makeEncoder({
      ...opt("model", ctx.model),
      ...opt("created", ctx.created),
      ...opt("request", ctx.request),
      ...opt("tools", ctx.responsesTools)
    })
}

/** Anthropic Messages. @category codecs */
export const claude: Codec = {
  decodeRequest: ClaudeReq.decodeRequest,
  encodeRequest: (req) => ClaudeEnc.encodeRequest(req),
  decodeResponse: (body) => ClaudeRes.decodeResponse(body),
  encodeResponse: (res, ctx = {}) => ClaudeRes.encodeResponse(res, opt("model", ctx.model)),
  streamDecoder: () => ClaudeStream.makeDecoder(),
  streamEncoder: (ctx = {}) => ClaudeStream.makeEncoder(opt("model", ctx.model))
}

/** Gemini (and the Gemini CLI envelope when `ctx.geminiEnvelope`). @category codecs */
export const gemini: Codec = {
  decodeRequest: (body) => GeminiReq.decodeRequest(body),
  encodeRequest: (req, ctx = {}) => GeminiEnc.encodeRequest(req, opt("envelope", ctx.geminiEnvelope)),
  decodeResponse: (body, ctx = {}) => GeminiRes.decodeResponse(body, { names: ctx.geminiNames ?? emptyNameMap }),
  encodeResponse: (res, ctx = {}) => GeminiRes.encodeResponse(res, { ...opt("model", ctx.model), envelope: ctx.geminiEnvelope !== undefined }),
  streamDecoder: (ctx = {}) => GeminiStream.makeDecoder({ names: ctx.geminiNames ?? emptyNameMap }),
  streamEncoder: (ctx = {}) => GeminiStream.makeEncoder({ ...opt("model", ctx.model), envelope: ctx.geminiEnvelope !== undefined })
}

/** The codec of each dialect. @category codecs */
export const codecs: { readonly [D in IR.Dialect]: Codec } = {
  "openai-chat": openaiChat,
  "openai-responses": openaiResponses,
  claude,
  gemini
}
