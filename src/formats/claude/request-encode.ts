/**
 * IR -> Anthropic Messages request (spec/04 section 3 "-> claude", rules 4, 14, 16, 27,
 * 39, 47, 50, 73, 74).
 */
import { customToolSchema, emptyObjectSchema, toolResultHasMedia, toolResultText } from "../content.js"
import { sanitizeClaudeId } from "../ids.js"
import type * as IR from "../ir.js"
import { compact, isObject, type Json, type JsonObject, obj, parseArguments, str } from "../json.js"
import { levelToBudget, toBudget } from "../thinking.js"

/** Claude's default max_tokens when the client gave none (spec/04 rule 74). @category encoding */
export const DEFAULT_MAX_TOKENS = 32000

const media = (s: IR.MediaSource): Json =>
  s.kind === "base64" ? { type: "base64", media_type: s.mime, data: s.data } : { type: "url", url: s.url }

const encodeResult = (r: IR.ToolResultPart): JsonObject => {
  const content: Json = toolResultHasMedia(r.content)
    ? r.content.flatMap((c): Array<Json> =>
      c.type === "text"
        ? [{ type: "text", text: c.text }]
        : c.type === "json"
        ? [{ type: "text", text: JSON.stringify(c.value) }]
        : c.type === "image"
        ? [{ type: "image", source: media(c.source) }]
        : [{ type: "document", source: media(c.source) }]
    )
    : toolResultText(r.content)
  return compact({
    type: "tool_result",
    tool_use_id: sanitizeClaudeId(r.callId),
    content,
    is_error: r.isError === true ? true : undefined,
    cache_control: r.cacheControl
  })
}

const encodePart = (p: IR.Part): JsonObject | undefined => {
  switch (p.type) {
    case "text":
      return p.text.trim() === "" ? undefined : compact({ type: "text", text: p.text, cache_control: p.cacheControl })
    case "image":
      return compact({ type: "image", source: media(p.source), cache_control: p.cacheControl })
    case "file":
      return compact({ type: "document", source: media(p.source), cache_control: p.cacheControl })
    case "thinking":
      // Rule 50: only Anthropic-minted, non-empty signatures are replayed to Claude.
      if (p.signatureProvider !== "anthropic") return undefined
      if (p.redacted !== undefined) return { type: "redacted_thinking", data: p.redacted }
      return p.signature === undefined ? undefined : { type: "thinking", thinking: p.text, signature: p.signature }
    case "tool_call":
      return {
        type: "tool_use",
        id: sanitizeClaudeId(p.id),
        name: p.name,
        input: p.kind === "custom" ? { input: p.arguments } : parseArguments(p.arguments)
      }
    case "tool_result":
      return encodeResult(p)
    case "opaque":
      return p.dialect === "claude" && isObject(p.value) ? p.value : undefined
    case "audio":
      return undefined
  }
}

/** Rule 14: one result per call id (the last payload, at the first position). */
const dedupeResults = (blocks: Array<JsonObject>): Array<JsonObject> => {
  const last = new Map<string, JsonObject>()
  for (const b of blocks) if (b.type === "tool_result") last.set(str(b.tool_use_id) ?? "", b)
  const seen = new Set<string>()
  return blocks.flatMap((b) => {
    if (b.type !== "tool_result") return [b]
    const id = str(b.tool_use_id) ?? ""
    if (seen.has(id)) return []
    seen.add(id)
    return [last.get(id) ?? b]
  })
}

const encodeMessages = (messages: ReadonlyArray<IR.Message>): Array<JsonObject> => {
  const turns: Array<{ role: IR.Role; blocks: Array<JsonObject> }> = []
  for (const m of messages) {
    const blocks = m.parts.flatMap((p) => {
      const b = encodePart(p)
      return b === undefined ? [] : [b]
    })
    if (blocks.length === 0) continue
    const prev = turns[turns.length - 1]
    // Claude wants alternating turns: merge consecutive same-role ones (spec/05 finding 7).
    if (prev !== undefined && prev.role === m.role) prev.blocks.push(...blocks)
    else turns.push({ role: m.role, blocks })
  }
  const out = turns.map((t) => {
    // Rule 16: results lead their user turn; tool_use blocks close their assistant turn.
    const lead = t.role === "user" ? "tool_result" : undefined
    const tail = t.role === "assistant" ? "tool_use" : undefined
    const blocks = dedupeResults([
      ...t.blocks.filter((b) => b.type === lead),
      ...t.blocks.filter((b) => b.type !== lead && b.type !== tail),
      ...t.blocks.filter((b) => b.type === tail)
    ])
    return { role: t.role, content: blocks }
  })
  // Claude rejects an empty conversation (G27) and a first assistant turn.
  if (out.length === 0 || out[0]?.role !== "user") out.unshift({ role: "user", content: [{ type: "text", text: "" }] })
  return out
}

const encodeTools = (tools: ReadonlyArray<IR.Tool>): Array<Json> =>
  tools.flatMap((t): Array<Json> => {
    if (t.type === "function") {
      return [compact({
        name: t.name,
        description: t.description,
        input_schema: isObject(t.parameters) ? t.parameters : emptyObjectSchema,
        cache_control: t.cacheControl,
        defer_loading: t.deferLoading
      })]
    }
    if (t.type === "custom") return [compact({ name: t.name, description: t.description, input_schema: customToolSchema })]
    // Built-ins of other dialects are not runnable by Claude: dropped on purpose.
    return t.dialect === "claude" ? [t.raw] : []
  })

const claudeEffort = (level: IR.ReasoningLevel | undefined): string | undefined =>
  level === undefined
    ? undefined
    : level === "minimal" || level === "none"
    ? "low"
    : level === "xhigh"
    ? "high"
    : level

/** Encodes the IR as a Messages request body. @category encoding */
export const encodeRequest = (req: IR.Request): JsonObject => {
  const ext = req.extensions.claude ?? {}
  const { thinking_display: display, output_config: extOutput, ...rest } = ext
  const tools = encodeTools(req.tools)
  const tc = req.toolChoice
  const forced = tc?.type === "required" || tc?.type === "tool"
  let toolChoice: JsonObject | undefined = tc === undefined || tc.type === "builtin"
    ? undefined
    : tc.type === "required"
    ? { type: "any" }
    : tc.type === "tool"
    ? { type: "tool", name: tc.name }
    : { type: tc.type }
  if (req.parallelToolCalls === false && tools.length > 0) {
    toolChoice = { ...(toolChoice ?? { type: "auto" }), disable_parallel_tool_use: true }
  }
  let maxTokens = req.sampling.maxOutputTokens ?? DEFAULT_MAX_TOKENS
  let thinking: JsonObject | undefined
  let effort: string | undefined
  const r = req.reasoning
  // Rule 47: thinking is not allowed together with a forced tool choice.
  if (r !== undefined && !(forced && tools.length > 0)) {
    if (r.mode === "off") thinking = { type: "disabled" }
    else if (r.mode === "adaptive" || r.mode === "auto") {
      thinking = { type: "adaptive" }
      effort = claudeEffort(r.level)
    } else {
      const budget = r.mode === "level" ? levelToBudget(r.level ?? "medium") : toBudget(r)
      if (budget === 0) thinking = { type: "disabled" }
      else {
        const b = budget < 0 ? levelToBudget("medium") : Math.max(1024, budget)
        thinking = { type: "enabled", budget_tokens: b }
        // Rule 47: max_tokens must exceed the budget.
        if (maxTokens <= b) maxTokens = b + 1024
      }
    }
    if (thinking !== undefined && display !== undefined && thinking.type !== "disabled") thinking = { ...thinking, display }
  }
  const out = req.output
  const outputConfig = compact({
    ...obj(extOutput),
    effort: effort ?? (thinking?.type === "adaptive" ? str(obj(extOutput)?.effort) : undefined),
    format: out?.type === "json_schema" ? { type: "json_schema", schema: out.schema } : undefined
  })
  const system = req.system.map((s) => compact({ type: "text", text: s.text, cache_control: s.cacheControl }))
  const s = req.sampling
  const userId = str(req.meta.metadata?.user_id)
  return compact({
    ...rest,
    model: req.model,
    max_tokens: maxTokens,
    stream: req.stream,
    system: system.length > 0 ? system : undefined,
    messages: encodeMessages(req.messages),
    tools: tools.length > 0 ? tools : undefined,
    tool_choice: tools.length > 0 ? toolChoice : undefined,
    thinking,
    output_config: Object.keys(outputConfig).length > 0 ? outputConfig : undefined,
    // Rule 73: newer Claude models reject temperature together with top_p.
    temperature: s.temperature,
    top_p: s.temperature === undefined ? s.topP : undefined,
    top_k: s.topK,
    stop_sequences: s.stop !== undefined && s.stop.length > 0 ? [...s.stop] : undefined,
    metadata: userId === undefined ? undefined : { user_id: userId }
  })
}
