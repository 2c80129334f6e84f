/**
 * OpenAI Chat Completions wire facts the codec relies on: the request keys it models
 * (everything else is kept as a dialect extension) and the finish-reason vocabulary.
 */
import type { FinishReason } from "../ir.js"

/** Top-level request keys the codec maps into the IR; other keys become extensions. @category schema */
export const MODELED_KEYS: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "stream",
  "stream_options",
  "tools",
  "functions",
  "tool_choice",
  "function_call",
  "parallel_tool_calls",
  "temperature",
  "top_p",
  "top_k",
  "max_tokens",
  "max_completion_tokens",
  "stop",
  "n",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "logprobs",
  "top_logprobs",
  "reasoning_effort",
  "response_format",
  "verbosity",
  "modalities",
  "image_config",
  "user",
  "metadata",
  "store",
  "service_tier",
  "prompt_cache_key",
  "safety_identifier"
])

/** OpenAI finish_reason -> canonical (spec/04 4.1). @category finish */
export const finishFromWire = (r: string): FinishReason => {
  switch (r) {
    case "length":
      return "length"
    case "tool_calls":
    case "function_call":
      return "tool_calls"
    case "content_filter":
      return "content_filter"
    default:
      return "stop"
  }
}

/** Canonical -> OpenAI finish_reason. @category finish */
export const finishToWire = (r: FinishReason): string => {
  switch (r) {
    case "length":
      return "length"
    case "tool_calls":
      return "tool_calls"
    case "content_filter":
      return "content_filter"
    default:
      return "stop"
  }
}
