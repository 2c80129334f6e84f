/**
 * Anthropic Messages wire facts: modeled request keys, finish reasons and usage
 * semantics (input excludes cache reads and writes, spec/04 4.2).
 */
import type * as IR from "../ir.js"
import { compact, defined, type JsonObject, num } from "../json.js"

/** Top-level request keys the codec maps; the rest are kept as Claude extensions. @category schema */
export const MODELED_KEYS: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "system",
  "max_tokens",
  "stream",
  "tools",
  "tool_choice",
  "thinking",
  "temperature",
  "top_p",
  "top_k",
  "stop_sequences",
  "metadata"
])

/** Claude stop_reason -> canonical. @category finish */
export const finishFromWire = (r: string): IR.FinishReason => {
  switch (r) {
    case "tool_use":
      return "tool_calls"
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length"
    case "stop_sequence":
      return "stop_sequence"
    case "refusal":
    case "sensitive":
      return "content_filter"
    case "pause_turn":
      return "pause"
    default:
      return "stop"
  }
}

/** Canonical -> Claude stop_reason. @category finish */
export const finishToWire = (r: IR.FinishReason): string => {
  switch (r) {
    case "tool_calls":
      return "tool_use"
    case "length":
      return "max_tokens"
    case "stop_sequence":
      return "stop_sequence"
    case "content_filter":
      return "refusal"
    case "pause":
      return "pause_turn"
    default:
      return "end_turn"
  }
}

/** Claude usage -> IR usage: input becomes input + cache writes + cache reads (rule 79). @category usage */
export const decodeUsage = (u: JsonObject): IR.Usage => {
  const input = num(u.input_tokens)
  const read = num(u.cache_read_input_tokens)
  const creation = num(u.cache_creation_input_tokens)
  return defined({
    input: input === undefined && read === undefined && creation === undefined
      ? undefined
      : (input ?? 0) + (read ?? 0) + (creation ?? 0),
    cachedRead: read,
    cacheCreation: creation,
    output: num(u.output_tokens)
  })
}

/** IR usage -> Claude usage: cache tokens subtracted from input (floor 0). @category usage */
export const encodeUsage = (u: IR.Usage | undefined): JsonObject => {
  const read = u?.cachedRead ?? 0
  const creation = u?.cacheCreation ?? 0
  return compact({
    input_tokens: Math.max(0, (u?.input ?? 0) - read - creation),
    output_tokens: u?.output ?? 0,
    cache_read_input_tokens: read > 0 ? read : undefined,
    cache_creation_input_tokens: creation > 0 ? creation : undefined
  })
}
