/**
 * OpenAI Responses / Codex requests -> IR (spec/04 section 3, openai-response column;
 * rules 6, 7, 17; spec/05 Codex: `additional_tools` items with namespaces and custom
 * grammar tools, developer messages, reasoning items with encrypted_content,
 * custom_tool_call(_output) with array output). The encoder is `request-encode.ts`.
 */
import { Either } from "effect"
import { sourceFromUrl } from "../content.js"
import { type DecodeError, invalidField } from "../errors.js"
import type * as IR from "../ir.js"
import { arr, bool, defined, type Json, type JsonObject, num, obj, str } from "../json.js"
import { fromEffort } from "../thinking.js"
import { MODELED_KEYS } from "./schema.js"

type Msg = { role: IR.Role; parts: Array<IR.Part>; itemId?: string }

const decodeContent = (content: unknown): Array<IR.Part> => {
  if (typeof content === "string") return [{ type: "text", text: content }]
  return (arr(content) ?? []).flatMap((raw): Array<IR.Part> => {
    const c = obj(raw)
    if (c === undefined) return []
    const type = str(c.type) ?? "input_text"
    if (type === "input_text" || type === "output_text" || type === "text" || type === "summary_text") {
      return [{ type: "text", text: str(c.text) ?? "" }]
    }
    if (type === "refusal") return [{ type: "text", text: str(c.refusal) ?? "" }]
    if (type === "input_image") {
      const url = str(c.image_url) ?? str(obj(c.image_url)?.url)
      return url === undefined ? [] : [{ type: "image", source: sourceFromUrl(url), ...defined({ detail: str(c.detail) }) }]
    }
    if (type === "input_file") {
      const data = str(c.file_data)
      const url = str(c.file_url)
      const source: IR.MediaSource | undefined = data !== undefined
        ? data.startsWith("data:") ? sourceFromUrl(data) : { kind: "base64", mime: "application/pdf", data }
        : url !== undefined
        ? { kind: "url", url }
        : undefined
      return source === undefined ? [] : [{ type: "file", source, ...defined({ filename: str(c.filename) }) }]
    }
    return []
  })
}

const outputContent = (output: unknown): Array<IR.ToolResultContent> => {
  if (typeof output === "string") return [{ type: "text", text: output }]
  return decodeContent(output).filter((p): p is IR.TextPart | IR.ImagePart | IR.FilePart =>
    p.type === "text" || p.type === "image" || p.type === "file"
  )
}

/** Decodes one tool declaration (namespaces flatten into namespaced tools). @category decoding */
export const decodeTool = (t: JsonObject, namespace?: string): Array<IR.Tool> => {
  const type = str(t.type) ?? "function"
  const name = str(t.name)
  const ns = namespace === undefined ? {} : { namespace }
  if (type === "function" && name !== undefined) {
    return [{
      type: "function",
      name,
      ...ns,
      ...defined({ description: str(t.description), parameters: t.parameters ?? undefined, strict: bool(t.strict) })
    }]
  }
  if (type === "custom" && name !== undefined) {
    return [{ type: "custom", name, ...ns, ...defined({ description: str(t.description), format: t.format }) }]
  }
  if (type === "namespace") {
    return (arr(t.tools) ?? []).flatMap((x) => (obj(x) === undefined ? [] : decodeTool(obj(x) as JsonObject, name)))
  }
  return [{ type: "builtin", kind: type.startsWith("web_search") ? "web_search" : "other", dialect: "openai-responses", raw: t }]
}

const decodeInput = (input: ReadonlyArray<Json>, system: Array<IR.SystemBlock>, tools: Array<IR.Tool>, extra: Record<string, Json>) => {
  const messages: Array<Msg> = []
  const last = () => messages[messages.length - 1]
  const assistant = (): Msg => {
    const m = last()
    if (m !== undefined && m.role === "assistant") return m
    const fresh: Msg = { role: "assistant", parts: [] }
    messages.push(fresh)
    return fresh
  }
  const results = (): Msg => {
    const m = last()
    if (m !== undefined && m.role === "user" && m.parts.length > 0 && m.parts.every((p) => p.type === "tool_result")) return m
    const fresh: Msg = { role: "user", parts: [] }
    messages.push(fresh)
    return fresh
  }
  for (const raw of input) {
    const item = obj(raw)
    if (item === undefined) continue
    // Rule 7: an item without type but with a role is a message.
    const type = str(item.type) ?? (item.role !== undefined ? "message" : "")
    const itemId = str(item.id)
    switch (type) {
      case "message": {
        const role = str(item.role) ?? "user"
        const parts = decodeContent(item.content)
        if (role === "system" || role === "developer") {
          const position = messages.length > 0 ? messages.length : undefined
          for (const p of parts) if (p.type === "text") system.push({ source: role, text: p.text, ...defined({ position }) })
          break
        }
        const isModel = role === "assistant" ||
          (arr(item.content)?.every((c) => obj(c)?.type === "output_text") === true && arr(item.content)?.length !== 0)
        // Assistant text directly before calls joins their turn (rule 17); ids are kept for replay.
        messages.push({ role: isModel ? "assistant" : "user", parts, ...defined({ itemId }) })
        break
      }
      case "function_call":
      case "custom_tool_call": {
        const m = assistant()
        m.parts.push({
          type: "tool_call",
          id: str(item.call_id) ?? str(item.id) ?? "",
          name: str(item.name) ?? "",
          kind: type === "custom_tool_call" ? "custom" : "function",
          arguments: type === "custom_tool_call" ? str(item.input) ?? "" : str(item.arguments) ?? "{}",
          ...defined({ namespace: str(item.namespace), itemId })
        })
        break
      }
      case "function_call_output":
      case "custom_tool_call_output":
        results().parts.push({
          type: "tool_result",
          callId: str(item.call_id) ?? "",
          kind: type === "custom_tool_call_output" ? "custom" : "function",
          content: outputContent(item.output),
          ...defined({ itemId })
        })
        break
      case "reasoning": {
        const summary = (arr(item.summary) ?? []).flatMap((s) => (str(obj(s)?.text) !== undefined ? [str(obj(s)?.text) as string] : []))
        const content = (arr(item.content) ?? []).flatMap((s) => (str(obj(s)?.text) !== undefined ? [str(obj(s)?.text) as string] : []))
        const enc = str(item.encrypted_content)
        assistant().parts.push({
          type: "thinking",
          text: (summary.length > 0 ? summary : content).join("\n\n"),
          ...(enc !== undefined && enc !== "" ? { signature: enc, signatureProvider: "openai" as const } : {}),
          ...defined({ itemId })
        })
        break
      }
      case "additional_tools":
        // Codex code mode declares its tools as an input item (spec/05 finding 6).
        for (const t of arr(item.tools) ?? []) if (obj(t) !== undefined) tools.push(...decodeTool(obj(t) as JsonObject))
        extra.additional_tools = item
        break
      default:
        assistant().parts.push({ type: "opaque", dialect: "openai-responses", value: item })
    }
  }
  return messages
}

/** Decodes a Responses request body into the IR. @category decoding */
export const decodeRequest = (body: unknown): Either.Either<IR.Request, DecodeError> => {
  const b = obj(body)
  if (b === undefined) return Either.left(invalidField("openai-responses", "body", "a JSON object"))
  if (b.input !== undefined && typeof b.input !== "string" && !Array.isArray(b.input)) {
    return Either.left(invalidField("openai-responses", "input", "a string or an array"))
  }
  const system: Array<IR.SystemBlock> = []
  const instructions = str(b.instructions)
  if (instructions !== undefined && instructions !== "") system.push({ source: "instructions", text: instructions })
  const extra: Record<string, Json> = {}
  for (const k of Object.keys(b)) if (!MODELED_KEYS.has(k)) extra[k] = b[k] as Json
  const tools: Array<IR.Tool> = []
  for (const t of arr(b.tools) ?? []) if (obj(t) !== undefined) tools.push(...decodeTool(obj(t) as JsonObject))
  // Rule 6: a plain string input is one user message.
  const messages: Array<IR.Message> = typeof b.input === "string"
    ? [{ role: "user", parts: [{ type: "text", text: b.input }] }]
    : decodeInput(arr(b.input) ?? [], system, tools, extra)
  const tc = b.tool_choice
  const tco = obj(tc)
  const toolChoice: IR.ToolChoice | undefined = tc === "auto" || tc === "none" || tc === "required"
    ? { type: tc }
    : tco?.type === "function" && str(tco.name) !== undefined
    ? { type: "tool", name: str(tco.name) as string }
    : tco !== undefined
    ? { type: "builtin", raw: tco }
    : undefined
  const reasoning = obj(b.reasoning)
  const { effort: _e, summary: _s, ...reasoningExtra } = reasoning ?? {}
  if (Object.keys(reasoningExtra).length > 0) extra.reasoning_extra = reasoningExtra
  const r = fromEffort(str(reasoning?.effort))
  const summary = str(reasoning?.summary)
  const text = obj(b.text)
  const format = obj(text?.format)
  const output: IR.OutputFormat | undefined = format?.type === "json_schema"
    ? { type: "json_schema", schema: format.schema ?? {}, ...defined({ name: str(format.name), strict: bool(format.strict) }) }
    : format?.type === "json_object"
    ? { type: "json_object" }
    : format?.type === "text"
    ? { type: "text" }
    : undefined
  return Either.right({
    model: str(b.model) ?? "",
    stream: b.stream === true,
    system,
    messages,
    tools,
    sampling: defined({ temperature: num(b.temperature), topP: num(b.top_p), maxOutputTokens: num(b.max_output_tokens), topLogprobs: num(b.top_logprobs) }),
    meta: defined({
      user: str(b.user),
      metadata: obj(b.metadata),
      serviceTier: str(b.service_tier),
      promptCacheKey: str(b.prompt_cache_key),
      store: bool(b.store),
      previousResponseId: str(b.previous_response_id),
      truncation: str(b.truncation),
      safetyIdentifier: str(b.safety_identifier),
      maxToolCalls: num(b.max_tool_calls),
      include: arr(b.include)?.filter((s): s is string => typeof s === "string")
    }),
    extensions: Object.keys(extra).length > 0 ? { "openai-responses": extra } : {},
    ...defined({
      toolChoice,
      parallelToolCalls: bool(b.parallel_tool_calls),
      reasoning: r === undefined ? (summary === undefined ? undefined : { mode: "auto" as const, summary }) : { ...r, ...defined({ summary }) },
      output,
      verbosity: str(text?.verbosity)
    })
  })
}
