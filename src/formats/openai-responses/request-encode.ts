/**
 * IR -> OpenAI Responses request, and the Codex variant (spec/04 3.1 "-> codex" [fix],
 * 3.5.2, rules 26, 29, 31, 35, 36, 38, 76; G9, G32, G33).
 */
import { emptyObjectSchema, isBillingHeader, sourceToUrl, toolResultHasMedia, toolResultText } from "../content.js"
import { shortenName, toWireName } from "../ids.js"
import type * as IR from "../ir.js"
import { compact, isObject, type Json, type JsonObject, obj } from "../json.js"
import { toEffort } from "../thinking.js"
import { type ToolFacts, toolFacts } from "./schema.js"

/** Options for encoding Responses requests. @category encoding */
export interface EncodeRequestOptions {
  /** Apply the Codex backend's requirements (stream, store:false, no sampling knobs...). */
  readonly codex?: boolean
  /** Tool facts of the request (built from it when absent). */
  readonly tools?: ToolFacts
}

const inputPart = (p: IR.Part): Json | undefined => {
  switch (p.type) {
    case "text":
      return { type: "input_text", text: p.text }
    case "image":
      return compact({ type: "input_image", image_url: sourceToUrl(p.source), detail: p.detail })
    case "file":
      return p.source.kind === "base64"
        ? compact({ type: "input_file", file_data: sourceToUrl(p.source), filename: p.filename })
        : compact({ type: "input_file", file_url: p.source.url, filename: p.filename })
    default:
      return undefined
  }
}

/** Normalises a function schema: an object with properties (rule 31). @category encoding */
export const normalizeParameters = (schema: Json | undefined): Json => {
  if (!isObject(schema)) return emptyObjectSchema
  const { $schema: _, ...rest } = schema
  const typed = rest.type === undefined ? { ...rest, type: "object" } : rest
  return typed.type === "object" && !isObject(typed.properties) ? { ...typed, properties: {} } : typed
}

const encodeResult = (r: IR.ToolResultPart, custom: boolean): JsonObject => {
  // Codex sends (and expects) custom tool output as an array of input_text parts.
  const output: Json = custom || toolResultHasMedia(r.content)
    ? r.content.flatMap((c) => {
      const e = c.type === "json" ? { type: "input_text", text: JSON.stringify(c.value) } : inputPart(c)
      return e === undefined ? [] : [e]
    })
    : toolResultText(r.content)
  return compact({ type: custom ? "custom_tool_call_output" : "function_call_output", id: r.itemId, call_id: r.callId, output })
}

const encodeInput = (req: IR.Request, facts: ToolFacts, codex: boolean): Array<Json> => {
  const items: Array<Json> = []
  const ext = req.extensions["openai-responses"]
  if (isObject(ext?.additional_tools)) items.push(ext.additional_tools)
  const systemAt = (position: number | undefined) => {
    let current: { role: string; content: Array<Json> } | undefined
    for (const s of req.system) {
      if (s.position !== position || isBillingHeader(s.text)) continue
      if (s.source === "instructions" && position === undefined) continue
      // Rule 38: Codex rejects `system` in input; developer carries it everywhere.
      const role = codex || s.source !== "system" ? "developer" : "system"
      if (current?.role === role) current.content.push({ type: "input_text", text: s.text })
      else {
        current = { role, content: [{ type: "input_text", text: s.text }] }
        items.push({ type: "message", role, content: current.content })
      }
    }
  }
  systemAt(undefined)
  req.messages.forEach((m, i) => {
    systemAt(i)
    if (m.role === "user") {
      for (const p of m.parts) if (p.type === "tool_result") items.push(encodeResult(p, p.kind === "custom" || facts.custom.has(p.name ?? "")))
      const content = m.parts.flatMap((p) => {
        const e = inputPart(p)
        return e === undefined ? [] : [e]
      })
      if (content.length > 0) items.push(compact({ type: "message", id: m.itemId, role: "user", content }))
      return
    }
    let text: Array<Json> = []
    const flush = () => {
      // Rule 26: no empty assistant message before function calls.
      if (text.length > 0) items.push(compact({ type: "message", id: m.itemId, role: "assistant", content: text }))
      text = []
    }
    for (const p of m.parts) {
      if (p.type === "text") {
        if (p.text !== "") text.push({ type: "output_text", text: p.text })
        continue
      }
      flush()
      if (p.type === "thinking") {
        // Rule 50: encrypted reasoning goes back only to the provider that minted it.
        if (p.signatureProvider === "openai" && p.signature !== undefined) {
          items.push(compact({
            type: "reasoning",
            id: p.itemId,
            summary: p.text === "" ? [] : [{ type: "summary_text", text: p.text }],
            encrypted_content: p.signature
          }))
        }
      } else if (p.type === "tool_call") {
        const name = toWireName(facts.names, p.name, shortenName)
        items.push(
          p.kind === "custom"
            ? compact({ type: "custom_tool_call", id: p.itemId, call_id: p.id, name, input: p.arguments, namespace: p.namespace })
            : compact({ type: "function_call", id: p.itemId, call_id: p.id, name, arguments: p.arguments, namespace: p.namespace })
        )
      } else if (p.type === "opaque" && p.dialect === "openai-responses") items.push(p.value)
    }
    flush()
  })
  systemAt(req.messages.length)
  return items
}

const encodeTools = (req: IR.Request, facts: ToolFacts, codex: boolean): Array<Json> => {
  const inInput = isObject(req.extensions["openai-responses"]?.additional_tools)
  return req.tools.flatMap((t): Array<Json> => {
    if (t.type !== "builtin" && t.namespace !== undefined && inInput) return []
    if (t.type === "function") {
      return [compact({
        type: "function",
        name: toWireName(facts.names, t.name, shortenName),
        description: t.description,
        parameters: normalizeParameters(t.parameters),
        strict: t.strict ?? (codex ? false : undefined)
      })]
    }
    if (t.type === "custom") {
      return [compact({ type: "custom", name: toWireName(facts.names, t.name, shortenName), description: t.description, format: t.format })]
    }
    if (t.dialect === "openai-responses" || t.dialect === "openai-chat") {
      const raw = obj(t.raw) ?? {}
      // Rule 35: web_search_preview aliases are web_search for Codex.
      return [codex && t.kind === "web_search" ? { ...raw, type: "web_search" } : raw]
    }
    return t.kind === "web_search" ? [{ type: "web_search" }] : []
  })
}

const CODEX_TIERS: Readonly<Record<string, string>> = { fast: "priority", priority: "priority" }

/** Encodes the IR as a Responses (or Codex) request body. @category encoding */
export const encodeRequest = (req: IR.Request, options: EncodeRequestOptions = {}): JsonObject => {
  const codex = options.codex === true
  const facts = options.tools ?? toolFacts(req)
  const ext = req.extensions["openai-responses"] ?? {}
  const { additional_tools: _a, reasoning_extra: reasoningExtra, ...rest } = ext
  const tools = encodeTools(req, facts, codex)
  const hasTools = tools.length > 0 || isObject(ext.additional_tools)
  const tc = req.toolChoice
  const toolChoice: Json | undefined = tc === undefined
    ? codex && hasTools ? "auto" : undefined
    : tc.type === "tool"
    ? { type: "function", name: toWireName(facts.names, tc.name, shortenName) }
    : tc.type === "builtin"
    ? tc.raw
    : tc.type
  const r = req.reasoning
  const effort = r === undefined ? (codex ? "medium" : undefined) : toEffort(r)
  const reasoning = effort === undefined
    ? undefined
    : compact({
      ...obj(reasoningExtra),
      effort: effort === "auto" ? "medium" : effort === "max" ? "xhigh" : effort,
      summary: r?.summary ?? (codex ? "auto" : undefined)
    })
  const instructions = req.system.filter((s) => s.source === "instructions" && s.position === undefined).map((s) => s.text).join("\n\n")
  const out = req.output
  const format: Json | undefined = out === undefined
    ? undefined
    : out.type === "json_schema"
    ? compact({ type: "json_schema", name: out.name ?? "response", strict: out.strict, schema: out.schema })
    : { type: out.type }
  const text = format === undefined && req.verbosity === undefined ? undefined : compact({ format, verbosity: req.verbosity })
  const include = [...(req.meta.include ?? [])]
  if (codex && !include.includes("reasoning.encrypted_content")) include.push("reasoning.encrypted_content")
  const m = req.meta
  const s = req.sampling
  const common = {
    model: req.model,
    instructions: instructions === "" ? undefined : instructions,
    input: encodeInput(req, facts, codex),
    tools: tools.length > 0 ? tools : undefined,
    tool_choice: hasTools ? toolChoice : undefined,
    parallel_tool_calls: req.parallelToolCalls ?? (codex ? true : undefined),
    reasoning,
    text,
    include: include.length > 0 ? include : undefined,
    prompt_cache_key: m.promptCacheKey
  }
  if (codex) {
    // Rule 76: the Codex backend rejects sampling knobs and stateful fields.
    const { context_management: _c, prompt_cache_retention: _p, prompt_cache_options: _o, ...codexRest } = rest
    return compact({
      ...codexRest,
      ...common,
      stream: true,
      store: false,
      service_tier: m.serviceTier === undefined ? undefined : CODEX_TIERS[m.serviceTier]
    })
  }
  return compact({
    ...rest,
    ...common,
    stream: req.stream,
    store: m.store,
    metadata: m.metadata,
    max_output_tokens: s.maxOutputTokens,
    temperature: s.temperature,
    top_p: s.topP,
    top_logprobs: s.topLogprobs,
    user: m.user,
    service_tier: m.serviceTier,
    previous_response_id: m.previousResponseId,
    truncation: m.truncation,
    safety_identifier: m.safetyIdentifier,
    max_tool_calls: m.maxToolCalls
  })
}
