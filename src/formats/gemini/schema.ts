/**
 * Gemini wire facts: both key spellings (camel and snake), finish reasons, usage
 * semantics (candidates exclude thoughts), default safety settings and the Code Assist
 * `{model, project, request}` / `{response}` envelopes.
 */
import type * as IR from "../ir.js"
import { compact, defined, type Json, type JsonObject, num, obj } from "../json.js"

/** Reads a field under its camelCase or snake_case name (spec/04 3.4). @category access */
export const field = (o: JsonObject | undefined, camel: string): Json | undefined => {
  if (o === undefined) return undefined
  const v = o[camel]
  if (v !== undefined) return v
  let snake = SNAKE.get(camel)
  if (snake === undefined) {
    snake = camel.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase())
    SNAKE.set(camel, snake)
  }
  return o[snake]
}

// A memo of a pure function (camel -> snake), not stream state: the hot path reads it per part.
const SNAKE = new Map<string, string>()

/** Default safety settings, sent only when the client gave none (spec/04 3.12, rule 78). @category safety */
export const DEFAULT_SAFETY: ReadonlyArray<Json> = [
  { category: "HARM_CATEGORY_HARASSMENT", threshold: "OFF" },
  { category: "HARM_CATEGORY_HATE_SPEECH", threshold: "OFF" },
  { category: "HARM_CATEGORY_SEXUALLY_EXPLICIT", threshold: "OFF" },
  { category: "HARM_CATEGORY_DANGEROUS_CONTENT", threshold: "OFF" },
  { category: "HARM_CATEGORY_CIVIC_INTEGRITY", threshold: "BLOCK_NONE" }
]

/** The signature Gemini accepts on replayed calls whose own signature is unknown (rule 49). @category signatures */
export const SKIP_SIGNATURE = "skip_thought_signature_validator"

/** Gemini finishReason -> canonical (spec/04 4.1). @category finish */
export const finishFromWire = (r: string): IR.FinishReason => {
  switch (r) {
    case "MAX_TOKENS":
      return "length"
    case "SAFETY":
    case "RECITATION":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
      return "content_filter"
    case "MALFORMED_FUNCTION_CALL":
    case "UNEXPECTED_TOOL_CALL":
      return "malformed_call"
    default:
      return "stop"
  }
}

/** Canonical -> Gemini finishReason (a tool call ends with STOP). @category finish */
export const finishToWire = (r: IR.FinishReason): string =>
  r === "length" ? "MAX_TOKENS" : r === "content_filter" ? "SAFETY" : "STOP"

/** Gemini usageMetadata -> IR usage: output = candidates + thoughts (rule 80). @category usage */
export const decodeUsage = (u: JsonObject): IR.Usage => {
  const candidates = num(u.candidatesTokenCount)
  const thoughts = num(u.thoughtsTokenCount)
  return defined({
    input: num(u.promptTokenCount),
    cachedRead: num(u.cachedContentTokenCount),
    output: candidates === undefined && thoughts === undefined ? undefined : (candidates ?? 0) + (thoughts ?? 0),
    reasoning: thoughts,
    total: num(u.totalTokenCount),
    toolUsePrompt: num(u.toolUsePromptTokenCount)
  })
}

/** IR usage -> Gemini usageMetadata. @category usage */
export const encodeUsage = (u: IR.Usage): JsonObject => {
  const reasoning = u.reasoning ?? 0
  return compact({
    promptTokenCount: u.input ?? 0,
    candidatesTokenCount: Math.max(0, (u.output ?? 0) - reasoning),
    thoughtsTokenCount: reasoning > 0 ? reasoning : undefined,
    cachedContentTokenCount: (u.cachedRead ?? 0) > 0 ? u.cachedRead : undefined,
    toolUsePromptTokenCount: u.toolUsePrompt,
    totalTokenCount: u.total ?? (u.input ?? 0) + (u.output ?? 0)
  })
}

/** The Gemini response inside a Code Assist `{response: ...}` envelope (or the body itself). @category envelope */
export const unwrapResponse = (body: unknown): JsonObject | undefined => {
  const b = obj(body)
  const inner = obj(b?.response)
  return inner !== undefined && b?.candidates === undefined ? inner : b
}

/** RFC 3339 time to unix seconds. @category time */
export const parseTime = (t: string | undefined): number | undefined => {
  if (t === undefined) return undefined
  const ms = Date.parse(t)
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000)
}
