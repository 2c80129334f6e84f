import * as Either from "effect/Either"
import * as Completions from "../formats/openai-chat/completions.js"
import { codecs, type CodecContext, contextFor } from "../formats/codecs.js"
import type * as IR from "../formats/ir.js"
import type { JsonObject } from "../formats/json.js"
import { parseModelSuffix } from "../formats/thinking.js"
import { ApiError } from "../http/errors.js"
import type { CallFormat } from "../http/routes.js"
import type { ModelCall } from "./model-call.js"

/** The IR dialect each client route speaks. @category dialects */
export const clientDialectOf = (format: CallFormat): IR.Dialect =>
  format === "openai-responses" ? "openai-responses"
  : format === "claude" || format === "claude-count-tokens" ? "claude"
  : format === "gemini" || format === "gemini-cli" ? "gemini"
  : "openai-chat"

/** The client's request as the IR, decoded once and only when a translation needs it. @category models */
export interface ClientSide {
  readonly dialect: IR.Dialect
  /** Legacy /v1/completions: chat codec plus the text_completion adapter. */
  readonly completions: boolean
  /** Gemini CLI's Code Assist calls: requests and answers in the `{request}` / `{response}` envelope. */
  readonly envelope: boolean
  /** The decoded request (model and stream taken from the call); a 400 in the client's dialect if it does not decode. */
  readonly ir: () => Either.Either<IR.Request, ApiError>
  /** The codec context for answers to this client. */
  readonly context: (created: number) => CodecContext
}

/** Builds the client side of a call. @category constructors */
export const clientSide = (call: ModelCall): ClientSide => {
  const dialect = clientDialectOf(call.format)
  const completions = call.format === "openai-completions"
  const envelope = call.format === "gemini-cli"
  const extra = envelope ? { geminiEnvelope: {} } : {}
  let decoded: Either.Either<IR.Request, ApiError> | undefined
  const ir = () =>
    (decoded ??= (completions ? Completions.decodeRequest(call.json) : codecs[dialect].decodeRequest(call.json)).pipe(
      Either.map((r): IR.Request => ({ ...r, model: call.model, stream: call.stream })),
      Either.mapLeft((e) => new ApiError({ status: 400, kind: "invalid_request", message: e.message }))
    ))
  return {
    dialect,
    completions,
    envelope,
    ir,
    context: (created) => {
      const r = ir()
      return Either.isRight(r) ? contextFor(r.right, { model: call.model, created, ...extra }) : { model: call.model, created, ...extra }
    }
  }
}

/** The request re-encoded for an upstream dialect, with the upstream's model, stream mode and any name suffix applied. @category encoding */
export const encodeFor = (
  ir: IR.Request,
  upstream: IR.Dialect,
  model: string,
  stream: boolean,
  reasoning: IR.Request["reasoning"],
  ctx: CodecContext
): JsonObject =>
  codecs[upstream].encodeRequest({ ...ir, model, stream, ...(reasoning ? { reasoning } : {}) }, ctx)

/** The reasoning a model-name suffix asks for (`gemini-2.5-pro-thinking-128`, `model(high)`), if any. @category models */
export const suffixReasoning = (requested: string, routed: string): IR.Request["reasoning"] =>
  requested === routed ? undefined : parseModelSuffix(requested).reasoning
