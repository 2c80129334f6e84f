/**
 * Anthropic `message` bodies <-> IR responses (spec/04 4.1-4.4, rule 4: never
 * `content: null`).
 */
import { Either } from "effect"
import { sanitizeClaudeId } from "../ids.js"
import { type DecodeError, invalidField } from "../errors.js"
import type * as IR from "../ir.js"
import { arr, compact, defined, isObject, type Json, type JsonObject, obj, parseArguments, str } from "../json.js"
import { decodeBlock } from "./request.js"
import { decodeUsage, encodeUsage, finishFromWire, finishToWire } from "./schema.js"

/** Decodes a Claude `message` body into an IR response. @category decoding */
export const decodeResponse = (body: unknown): Either.Either<IR.Response, DecodeError> => {
  const b = obj(body)
  if (b === undefined) return Either.left(invalidField("claude", "body", "a JSON object"))
  const names = new Map<string, string>()
  const parts = (arr(b.content) ?? []).flatMap((raw) => {
    const blk = obj(raw)
    const p = blk === undefined ? undefined : decodeBlock(blk, names)
    return p === undefined ? [] : [p]
  })
  const native = str(b.stop_reason)
  const stopSequence = str(b.stop_sequence)
  const usage = obj(b.usage)
  return Either.right({
    id: str(b.id) ?? "",
    model: str(b.model) ?? "",
    parts,
    finish: { reason: finishFromWire(native ?? "end_turn"), ...defined({ native, stopSequence }) },
    ...defined({ usage: usage === undefined ? undefined : decodeUsage(usage) })
  })
}

/** One IR output part as a Claude response content block (undefined when inexpressible). @category encoding */
export const encodeOutputPart = (p: IR.Part): JsonObject | undefined => {
  switch (p.type) {
    case "text":
      return p.text === "" ? undefined : compact({ type: "text", text: p.text, citations: p.citations })
    case "thinking":
      if (p.redacted !== undefined) return p.signatureProvider === "anthropic" ? { type: "redacted_thinking", data: p.redacted } : undefined
      // Output to a client: the signature is handed over whoever minted it (G12).
      return compact({ type: "thinking", thinking: p.text, signature: p.signature === "" ? undefined : p.signature })
    case "tool_call":
      return {
        type: "tool_use",
        id: sanitizeClaudeId(p.id),
        name: p.name,
        input: p.kind === "custom" ? { input: p.arguments } : parseArguments(p.arguments)
      }
    case "opaque":
      return p.dialect === "claude" && isObject(p.value) ? p.value : undefined
    default:
      return undefined
  }
}

/** Options for encoding Claude responses. @category encoding */
export interface EncodeResponseOptions {
  /** The model name to report; default the upstream's. */
  readonly model?: string
}

/** Encodes an IR response as a Claude `message` body. @category encoding */
export const encodeResponse = (res: IR.Response, options: EncodeResponseOptions = {}): JsonObject => {
  const content: Array<Json> = res.parts.flatMap((p) => {
    const b = encodeOutputPart(p)
    return b === undefined ? [] : [b]
  })
  const hasCall = content.some((b) => isObject(b) && b.type === "tool_use")
  const reason = hasCall ? "tool_use" : finishToWire(res.finish.reason === "tool_calls" ? "stop" : res.finish.reason)
  return {
    id: res.id,
    type: "message",
    role: "assistant",
    model: options.model ?? res.model,
    content,
    stop_reason: reason,
    stop_sequence: res.finish.stopSequence ?? null,
    usage: encodeUsage(res.usage)
  }
}
