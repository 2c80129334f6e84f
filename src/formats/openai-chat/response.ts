/**
 * OpenAI `chat.completion` bodies <-> IR responses (spec/04 4.1-4.4).
 */
import { Either } from "effect"
import { sourceFromUrl, sourceToUrl } from "../content.js"
import { type DecodeError, invalidField } from "../errors.js"
import type * as IR from "../ir.js"
import { usageTotal } from "../ir.js"
import { arr, compact, defined, type Json, type JsonObject, num, obj, str } from "../json.js"
import { finishFromWire, finishToWire } from "./schema.js"

/** OpenAI usage -> IR usage (prompt includes cached, completion includes reasoning). @category usage */
export const decodeUsage = (u: JsonObject): IR.Usage =>
  defined({
    input: num(u.prompt_tokens) ?? num(u.input_tokens),
    cachedRead: num(obj(u.prompt_tokens_details)?.cached_tokens) ?? num(obj(u.input_tokens_details)?.cached_tokens),
    output: num(u.completion_tokens) ?? num(u.output_tokens),
    reasoning: num(obj(u.completion_tokens_details)?.reasoning_tokens) ??
      num(obj(u.output_tokens_details)?.reasoning_tokens),
    total: num(u.total_tokens)
  })

/** IR usage -> OpenAI usage. @category usage */
export const encodeUsage = (u: IR.Usage): JsonObject =>
  compact({
    prompt_tokens: u.input ?? 0,
    completion_tokens: u.output ?? 0,
    total_tokens: usageTotal(u),
    prompt_tokens_details: (u.cachedRead ?? 0) > 0 ? { cached_tokens: u.cachedRead ?? 0 } : undefined,
    completion_tokens_details: (u.reasoning ?? 0) > 0 ? { reasoning_tokens: u.reasoning ?? 0 } : undefined
  })

/** Decodes a `chat.completion` body (first choice) into an IR response. @category decoding */
export const decodeResponse = (body: unknown): Either.Either<IR.Response, DecodeError> => {
  const b = obj(body)
  if (b === undefined) return Either.left(invalidField("openai-chat", "body", "a JSON object"))
  const choice = obj(arr(b.choices)?.[0]) ?? {}
  const m = obj(choice.message) ?? {}
  const parts: Array<IR.Part> = []
  const reasoning = str(m.reasoning_content) ?? str(m.reasoning)
  if (reasoning !== undefined && reasoning !== "") parts.push({ type: "thinking", text: reasoning })
  if (typeof m.content === "string") {
    if (m.content !== "") parts.push({ type: "text", text: m.content })
  } else {
    for (const raw of arr(m.content) ?? []) {
      const p = obj(raw)
      if (p?.type === "text" && str(p.text)) parts.push({ type: "text", text: str(p.text) ?? "" })
      if (p?.type === "reasoning" && str(p.text)) parts.push({ type: "thinking", text: str(p.text) ?? "" })
    }
  }
  for (const raw of arr(m.images) ?? []) {
    const url = str(obj(obj(raw)?.image_url)?.url)
    if (url !== undefined) {
      const source = sourceFromUrl(url, "image/png")
      parts.push({ type: "image", source })
    }
  }
  for (const raw of arr(m.tool_calls) ?? []) {
    const c = obj(raw)
    const f = obj(c?.function) ?? {}
    if (c === undefined) continue
    parts.push({ type: "tool_call", id: str(c.id) ?? "", name: str(f.name) ?? "", kind: "function", arguments: str(f.arguments) ?? "{}" })
  }
  const native = str(choice.finish_reason)
  const usage = obj(b.usage)
  const hasCalls = parts.some((p) => p.type === "tool_call")
  return Either.right({
    id: str(b.id) ?? "",
    model: str(b.model) ?? "",
    parts,
    finish: { reason: hasCalls ? "tool_calls" : finishFromWire(native ?? "stop"), ...defined({ native }) },
    ...defined({ created: num(b.created), usage: usage === undefined ? undefined : decodeUsage(usage) })
  })
}

/** Options for encoding chat responses. @category encoding */
export interface EncodeResponseOptions {
  /** Fallback creation time (unix seconds) when the response has none. */
  readonly created?: number
  /** The model name to report (the client's requested model). */
  readonly model?: string
}

/** Encodes an IR response as a `chat.completion` body. @category encoding */
export const encodeResponse = (res: IR.Response, options: EncodeResponseOptions = {}): JsonObject => {
  const text = res.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("")
  const reasoning = res.parts.flatMap((p) => (p.type === "thinking" ? [p.text] : [])).join("")
  const calls = res.parts.flatMap((p): Array<Json> =>
    p.type === "tool_call"
      ? [{
        id: p.id,
        type: "function",
        function: { name: p.name, arguments: p.kind === "custom" ? JSON.stringify({ input: p.arguments }) : p.arguments }
      }]
      : []
  )
  const images = res.parts.flatMap((p) => (p.type === "image" ? [p] : [])).map((p, index): Json => ({
    index,
    type: "image_url",
    image_url: { url: sourceToUrl(p.source) }
  }))
  const reason = calls.length > 0 ? "tool_calls" : finishToWire(res.finish.reason)
  return compact({
    id: res.id,
    object: "chat.completion",
    created: res.created ?? options.created ?? 0,
    model: options.model ?? res.model,
    choices: [{
      index: 0,
      message: compact({
        role: "assistant",
        content: text === "" ? null : text,
        reasoning_content: reasoning === "" ? undefined : reasoning,
        tool_calls: calls.length > 0 ? calls : undefined,
        images: images.length > 0 ? images : undefined
      }),
      finish_reason: reason
    }],
    usage: res.usage === undefined ? undefined : encodeUsage(res.usage)
  })
}
