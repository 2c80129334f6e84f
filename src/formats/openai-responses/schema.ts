/**
 * OpenAI Responses (and Codex) wire facts: modeled request keys, usage, status and
 * finish mapping, and the per-request tool facts that responses need (custom tools and
 * namespaces, Codex short names).
 */
import { buildShortNameMap, type NameMap } from "../ids.js"
import type * as IR from "../ir.js"
import { compact, defined, type JsonObject, num, obj } from "../json.js"

/** Top-level request keys the codec maps; others are kept as Responses extensions. @category schema */
export const MODELED_KEYS: ReadonlySet<string> = new Set([
  "model",
  "instructions",
  "input",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "reasoning",
  "max_output_tokens",
  "temperature",
  "top_p",
  "top_logprobs",
  "text",
  "stream",
  "store",
  "previous_response_id",
  "prompt_cache_key",
  "service_tier",
  "metadata",
  "truncation",
  "safety_identifier",
  "max_tool_calls",
  "user",
  "include"
])

/** Responses usage -> IR usage. @category usage */
export const decodeUsage = (u: JsonObject): IR.Usage =>
  defined({
    input: num(u.input_tokens),
    cachedRead: num(obj(u.input_tokens_details)?.cached_tokens),
    output: num(u.output_tokens),
    reasoning: num(obj(u.output_tokens_details)?.reasoning_tokens),
    total: num(u.total_tokens)
  })

/** IR usage -> Responses usage; reasoning_tokens always present (rule 82). @category usage */
export const encodeUsage = (u: IR.Usage | undefined): JsonObject =>
  compact({
    input_tokens: u?.input ?? 0,
    input_tokens_details: { cached_tokens: u?.cachedRead ?? 0 },
    output_tokens: u?.output ?? 0,
    output_tokens_details: { reasoning_tokens: u?.reasoning ?? 0 },
    total_tokens: u === undefined ? 0 : u.total ?? (u.input ?? 0) + (u.output ?? 0)
  })

/** The terminal status of a finish: length and filter finishes are incomplete (rule 70). @category finish */
export const statusOf = (f: IR.Finish): { status: string; incomplete?: string } =>
  f.reason === "length"
    ? { status: "incomplete", incomplete: "max_output_tokens" }
    : f.reason === "content_filter"
    ? { status: "incomplete", incomplete: "content_filter" }
    : f.reason === "error"
    ? { status: "failed" }
    : { status: "completed" }

/** A Responses status (+ incomplete reason) -> canonical finish. @category finish */
export const finishFromStatus = (status: string | undefined, reason: string | undefined, hasCalls: boolean): IR.Finish => {
  const native = status ?? "completed"
  if (status === "incomplete") {
    return { reason: reason === "content_filter" ? "content_filter" : "length", native: reason ?? native }
  }
  if (status === "failed") return { reason: "error", native }
  return { reason: hasCalls ? "tool_calls" : "stop", native }
}

/** What responses need to know about the request's tools. @category tools */
export interface ToolFacts {
  /** Original <-> wire (≤ 64 chars) names. */
  readonly names: NameMap
  /** Freeform tools (answered with custom_tool_call items), with their namespace. */
  readonly custom: ReadonlyMap<string, string | undefined>
  /** Namespace of each namespaced function tool. */
  readonly namespaces: ReadonlyMap<string, string>
}

/** Tool facts of a request (rule 29 short names, custom tools, namespaces). @category tools */
export const toolFacts = (req: IR.Request): ToolFacts => {
  const names: Array<string> = []
  const custom = new Map<string, string | undefined>()
  const namespaces = new Map<string, string>()
  for (const t of req.tools) {
    if (t.type === "builtin") continue
    names.push(t.name)
    if (t.type === "custom") custom.set(t.name, t.namespace)
    else if (t.namespace !== undefined) namespaces.set(t.name, t.namespace)
  }
  return { names: buildShortNameMap(names), custom, namespaces }
}
