/**
 * Anthropic Messages requests -> IR (spec/04 section 3, claude column; spec/05 Claude
 * Code: `role: "system"` turns, adaptive thinking, output_config, defer_loading tools).
 * The encoder lives in `request-encode.ts`.
 */
import { Either } from "effect"
import { type DecodeError, invalidField } from "../errors.js"
import type * as IR from "../ir.js"
import { arr, bool, defined, isObject, type Json, type JsonObject, num, obj, str } from "../json.js"
import { parseLevel } from "../thinking.js"
import { MODELED_KEYS } from "./schema.js"

const mediaSource = (s: JsonObject | undefined): IR.MediaSource | undefined => {
  if (s === undefined) return undefined
  if (s.type === "url") {
    const url = str(s.url)
    return url === undefined ? undefined : { kind: "url", url }
  }
  const data = str(s.data) ?? str(s.base64)
  if (data === undefined) return undefined
  if (s.type === "text") return { kind: "base64", mime: str(s.media_type) ?? "text/plain", data: Buffer.from(data).toString("base64") }
  return { kind: "base64", mime: str(s.media_type) ?? str(s.mime_type) ?? "application/octet-stream", data }
}

const resultContent = (content: unknown): Array<IR.ToolResultContent> => {
  if (content === undefined || content === null) return []
  if (typeof content === "string") return [{ type: "text", text: content }]
  return (arr(content) ?? []).flatMap((raw): Array<IR.ToolResultContent> => {
    const b = obj(raw)
    if (b?.type === "text") return [{ type: "text", text: str(b.text) ?? "" }]
    if (b?.type === "image") {
      const source = mediaSource(obj(b.source))
      return source === undefined ? [] : [{ type: "image", source }]
    }
    if (b?.type === "document") {
      const source = mediaSource(obj(b.source))
      return source === undefined ? [] : [{ type: "file", source }]
    }
    return b === undefined ? [] : [{ type: "json", value: b }]
  })
}

/** Decodes one Claude content block (exported for response decoding). @category decoding */
export const decodeBlock = (b: JsonObject, names: Map<string, string>): IR.Part | undefined => {
  const cacheControl = obj(b.cache_control)
  switch (b.type) {
    case "text":
      return { type: "text", text: str(b.text) ?? "", ...defined({ cacheControl, citations: b.citations ?? undefined }) }
    case "image":
    case "document": {
      const source = mediaSource(obj(b.source))
      if (source === undefined) return undefined
      return b.type === "image"
        ? { type: "image", source, ...defined({ cacheControl }) }
        : { type: "file", source, ...defined({ cacheControl, filename: str(b.title) }) }
    }
    case "thinking": {
      const signature = str(b.signature)
      return {
        type: "thinking",
        text: str(b.thinking) ?? "",
        ...(signature !== undefined && signature !== "" ? { signature, signatureProvider: "anthropic" as const } : {})
      }
    }
    case "redacted_thinking":
      return { type: "thinking", text: "", redacted: str(b.data) ?? "", signatureProvider: "anthropic" }
    case "tool_use": {
      const id = str(b.id) ?? ""
      const name = str(b.name) ?? ""
      names.set(id, name)
      // Rule 10: any JSON input is kept; null becomes {}.
      const input = b.input === undefined || b.input === null ? {} : b.input
      return { type: "tool_call", id, name, kind: "function", arguments: JSON.stringify(input) }
    }
    case "tool_result": {
      const callId = str(b.tool_use_id) ?? ""
      return {
        type: "tool_result",
        callId,
        content: resultContent(b.content),
        ...defined({ name: names.get(callId), isError: bool(b.is_error), cacheControl })
      }
    }
    default:
      return { type: "opaque", dialect: "claude", value: b }
  }
}

const decodeContent = (content: unknown, names: Map<string, string>): Array<IR.Part> => {
  if (typeof content === "string") return [{ type: "text", text: content }]
  return (arr(content) ?? []).flatMap((raw) => {
    const b = obj(raw)
    const p = b === undefined ? undefined : decodeBlock(b, names)
    return p === undefined ? [] : [p]
  })
}

const decodeTool = (t: JsonObject): IR.Tool | undefined => {
  const type = str(t.type)
  const name = str(t.name)
  if (type !== undefined && type !== "custom") {
    return { type: "builtin", kind: type.startsWith("web_search") ? "web_search" : "other", dialect: "claude", raw: t }
  }
  if (name === undefined) return undefined
  return {
    type: "function",
    name,
    ...defined({
      description: str(t.description),
      parameters: t.input_schema,
      strict: bool(t.strict),
      cacheControl: obj(t.cache_control),
      deferLoading: bool(t.defer_loading)
    })
  }
}

const decodeThinking = (t: JsonObject | undefined, effort: string | undefined): IR.Reasoning | undefined => {
  if (t === undefined) return effort === undefined ? undefined : { mode: "adaptive", ...defined({ level: parseLevel(effort) }) }
  switch (t.type) {
    case "enabled": {
      const budget = num(t.budget_tokens)
      return budget === undefined ? { mode: "auto" } : { mode: "budget", budget }
    }
    case "disabled":
      return { mode: "off" }
    default:
      return { mode: "adaptive", ...defined({ level: parseLevel(effort) }) }
  }
}

/** Decodes a Messages request body into the IR. @category decoding */
export const decodeRequest = (body: unknown): Either.Either<IR.Request, DecodeError> => {
  const b = obj(body)
  if (b === undefined) return Either.left(invalidField("claude", "body", "a JSON object"))
  const rawMessages = arr(b.messages)
  if (rawMessages === undefined) return Either.left(invalidField("claude", "messages", "an array"))
  const system: Array<IR.SystemBlock> = []
  const pushSystem = (content: unknown, position: number | undefined) => {
    if (typeof content === "string") {
      if (content !== "") system.push({ source: "system", text: content, ...defined({ position }) })
      return
    }
    for (const raw of arr(content) ?? []) {
      const blk = obj(raw)
      if (blk?.type !== "text") continue
      system.push({ source: "system", text: str(blk.text) ?? "", ...defined({ position, cacheControl: obj(blk.cache_control) }) })
    }
  }
  pushSystem(b.system, undefined)
  const names = new Map<string, string>()
  const messages: Array<IR.Message> = []
  for (const [i, raw] of rawMessages.entries()) {
    const m = obj(raw)
    if (m === undefined) return Either.left(invalidField("claude", `messages[${i}]`, "an object"))
    if (m.role === "system") {
      // Claude Code sends mid-conversation system turns (spec/05 finding 5).
      pushSystem(m.content, messages.length)
      continue
    }
    if (m.role !== "user" && m.role !== "assistant") {
      return Either.left(invalidField("claude", `messages[${i}].role`, "\"user\", \"assistant\" or \"system\""))
    }
    messages.push({ role: m.role, parts: decodeContent(m.content, names) })
  }
  const tools = (arr(b.tools) ?? []).flatMap((t) => {
    const tool = isObject(t) ? decodeTool(t) : undefined
    return tool === undefined ? [] : [tool]
  })
  const tc = obj(b.tool_choice)
  const toolChoice: IR.ToolChoice | undefined = tc === undefined
    ? undefined
    : tc.type === "any"
    ? { type: "required" }
    : tc.type === "tool"
    ? { type: "tool", name: str(tc.name) ?? "" }
    : tc.type === "none"
    ? { type: "none" }
    : { type: "auto" }
  const outputConfig = obj(b.output_config)
  const format = obj(outputConfig?.format)
  const thinking = obj(b.thinking)
  const extra: Record<string, Json> = {}
  for (const k of Object.keys(b)) if (!MODELED_KEYS.has(k)) extra[k] = b[k] as Json
  // Same-dialect replay keeps the thinking `display` choice.
  if (thinking?.display !== undefined) extra.thinking_display = thinking.display as Json
  const stop = arr(b.stop_sequences)?.filter((s): s is string => typeof s === "string")
  return Either.right({
    model: str(b.model) ?? "",
    stream: b.stream === true,
    system,
    messages,
    tools,
    sampling: defined({
      temperature: num(b.temperature),
      topP: num(b.top_p),
      topK: num(b.top_k),
      maxOutputTokens: num(b.max_tokens),
      stop
    }),
    meta: defined({ metadata: obj(b.metadata) }),
    extensions: Object.keys(extra).length > 0 ? { claude: extra } : {},
    ...defined({
      toolChoice,
      parallelToolCalls: tc?.disable_parallel_tool_use === true ? false : undefined,
      reasoning: decodeThinking(thinking, str(outputConfig?.effort)),
      output: format?.type === "json_schema" ? { type: "json_schema" as const, schema: format.schema ?? {} } : undefined
    })
  })
}
