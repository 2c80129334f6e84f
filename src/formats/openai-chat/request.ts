/**
 * OpenAI Chat Completions requests <-> IR (spec/04 section 3, openai column).
 */
import { Either } from "effect"
import { customToolSchema, emptyObjectSchema, isBillingHeader, sourceFromUrl, sourceToUrl, toolResultHasMedia, toolResultText } from "../content.js"
import { type DecodeError, invalidField } from "../errors.js"
import type * as IR from "../ir.js"
import { arr, bool, compact, defined, isObject, type Json, type JsonObject, num, obj, str } from "../json.js"
import { fromEffort, toEffort } from "../thinking.js"
import { MODELED_KEYS } from "./schema.js"

type MutableMessage = { role: IR.Role; parts: Array<IR.Part> }

const decodeParts = (content: unknown): Array<IR.Part> => {
  if (typeof content === "string") return [{ type: "text", text: content }]
  const out: Array<IR.Part> = []
  for (const raw of arr(content) ?? []) {
    const p = obj(raw)
    if (p === undefined) continue
    const cacheControl = obj(p.cache_control)
    switch (p.type) {
      case "text":
      case "input_text":
      case "output_text":
        out.push({ type: "text", text: str(p.text) ?? "", ...defined({ cacheControl }) })
        break
      case "image_url": {
        const url = str(obj(p.image_url)?.url) ?? str(p.image_url)
        if (url !== undefined) {
          out.push({ type: "image", source: sourceFromUrl(url), ...defined({ detail: str(obj(p.image_url)?.detail), cacheControl }) })
        }
        break
      }
      case "file": {
        const f = obj(p.file)
        const data = str(f?.file_data)
        if (data !== undefined) {
          const source = data.startsWith("data:") ? sourceFromUrl(data) : { kind: "base64" as const, mime: "application/octet-stream", data }
          out.push({ type: "file", source, ...defined({ filename: str(f?.filename) }) })
        }
        break
      }
      case "input_audio": {
        const a = obj(p.input_audio)
        const data = str(a?.data)
        if (data !== undefined) out.push({ type: "audio", data, format: str(a?.format) ?? "wav" })
        break
      }
    }
  }
  return out
}

const decodeTool = (t: JsonObject): IR.Tool | undefined => {
  if (t.type === "function" || (t.type === undefined && isObject(t.function))) {
    const f = obj(t.function) ?? {}
    const name = str(f.name)
    if (name === undefined) return undefined
    return {
      type: "function",
      name,
      ...defined({
        description: str(f.description),
        parameters: f.parameters ?? f.parametersJsonSchema,
        strict: bool(f.strict),
        cacheControl: obj(t.cache_control)
      })
    }
  }
  if (t.type === "custom") {
    const c = obj(t.custom) ?? t
    const name = str(c.name)
    return name === undefined ? undefined : { type: "custom", name, ...defined({ description: str(c.description), format: c.format }) }
  }
  const type = str(t.type) ?? ""
  const kind: IR.BuiltinKind = type.startsWith("web_search")
    ? "web_search"
    : type === "google_search" || type === "code_execution" || type === "url_context"
    ? type
    : "other"
  return { type: "builtin", kind, dialect: "openai-chat", raw: t }
}

/** Parses an OpenAI tool_choice value (string or object). @category decoding */
export const decodeToolChoice = (tc: unknown): IR.ToolChoice | undefined => {
  if (tc === "auto" || tc === "none" || tc === "required") return { type: tc }
  const o = obj(tc)
  if (o === undefined) return undefined
  if (o.type === "function") {
    const name = str(obj(o.function)?.name) ?? str(o.name)
    return name === undefined ? { type: "required" } : { type: "tool", name }
  }
  return { type: "builtin", raw: o }
}

/** Decodes a Chat Completions request body into the IR. @category decoding */
export const decodeRequest = (body: unknown): Either.Either<IR.Request, DecodeError> => {
  const b = obj(body)
  if (b === undefined) return Either.left(invalidField("openai-chat", "body", "a JSON object"))
  const rawMessages = arr(b.messages)
  if (rawMessages === undefined) return Either.left(invalidField("openai-chat", "messages", "an array"))
  const system: Array<IR.SystemBlock> = []
  const messages: Array<MutableMessage> = []
  for (const [i, raw] of rawMessages.entries()) {
    const m = obj(raw)
    if (m === undefined) return Either.left(invalidField("openai-chat", `messages[${i}]`, "an object"))
    const role = str(m.role)
    if (role === "system" || role === "developer") {
      for (const p of decodeParts(m.content)) {
        if (p.type !== "text") continue
        system.push({
          source: role,
          text: p.text,
          ...defined({ position: messages.length > 0 ? messages.length : undefined, cacheControl: p.cacheControl })
        })
      }
    } else if (role === "user") {
      messages.push({ role: "user", parts: decodeParts(m.content) })
    } else if (role === "assistant") {
      const parts: Array<IR.Part> = []
      const reasoning = str(m.reasoning_content) ?? str(m.reasoning)
      if (reasoning !== undefined && reasoning !== "") parts.push({ type: "thinking", text: reasoning })
      parts.push(...decodeParts(m.content))
      for (const rawCall of arr(m.tool_calls) ?? []) {
        const c = obj(rawCall)
        if (c === undefined) continue
        const custom = obj(c.custom)
        const f = obj(c.function) ?? {}
        parts.push({
          type: "tool_call",
          id: str(c.id) ?? "",
          name: str(custom?.name) ?? str(f.name) ?? "",
          kind: custom !== undefined ? "custom" : "function",
          arguments: str(custom?.input) ?? str(f.arguments) ?? "{}"
        })
      }
      const legacy = obj(m.function_call)
      if (legacy !== undefined) {
        parts.push({ type: "tool_call", id: "", name: str(legacy.name) ?? "", kind: "function", arguments: str(legacy.arguments) ?? "{}" })
      }
      messages.push({ role: "assistant", parts })
    } else if (role === "tool" || role === "function") {
      const content = decodeParts(m.content).filter((p): p is IR.TextPart | IR.ImagePart | IR.FilePart =>
        p.type === "text" || p.type === "image" || p.type === "file"
      )
      const part: IR.ToolResultPart = {
        type: "tool_result",
        callId: str(m.tool_call_id) ?? "",
        content,
        ...defined({ name: str(m.name) })
      }
      const last = messages[messages.length - 1]
      // Consecutive tool messages answer one assistant turn: keep them in one user turn.
      if (last !== undefined && last.role === "user" && last.parts.length > 0 && last.parts.every((p) => p.type === "tool_result")) {
        last.parts.push(part)
      } else messages.push({ role: "user", parts: [part] })
    }
  }
  const tools: Array<IR.Tool> = []
  for (const t of arr(b.tools) ?? []) {
    const tool = isObject(t) ? decodeTool(t) : undefined
    if (tool !== undefined) tools.push(tool)
  }
  for (const f of arr(b.functions) ?? []) {
    const tool = isObject(f) ? decodeTool({ type: "function", function: f }) : undefined
    if (tool !== undefined) tools.push(tool)
  }
  const stop = typeof b.stop === "string" ? [b.stop] : arr(b.stop)?.filter((s): s is string => typeof s === "string")
  const rf = obj(b.response_format)
  const js = obj(rf?.json_schema)
  const output: IR.OutputFormat | undefined = rf?.type === "json_object"
    ? { type: "json_object" }
    : rf?.type === "json_schema"
    ? { type: "json_schema", schema: js?.schema ?? {}, ...defined({ name: str(js?.name), strict: bool(js?.strict) }) }
    : rf?.type === "text"
    ? { type: "text" }
    : undefined
  const imageConfig = obj(b.image_config)
  const extra: Record<string, Json> = {}
  for (const k of Object.keys(b)) if (!MODELED_KEYS.has(k)) extra[k] = b[k] as Json
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
      maxOutputTokens: num(b.max_tokens) ?? num(b.max_completion_tokens),
      stop,
      candidateCount: num(b.n),
      seed: num(b.seed),
      presencePenalty: num(b.presence_penalty),
      frequencyPenalty: num(b.frequency_penalty),
      logprobs: bool(b.logprobs),
      topLogprobs: num(b.top_logprobs)
    }),
    meta: defined({
      user: str(b.user),
      metadata: obj(b.metadata),
      serviceTier: str(b.service_tier),
      promptCacheKey: str(b.prompt_cache_key),
      store: bool(b.store),
      safetyIdentifier: str(b.safety_identifier)
    }),
    extensions: Object.keys(extra).length > 0 ? { "openai-chat": extra } : {},
    ...defined({
      includeUsage: bool(obj(b.stream_options)?.include_usage),
      toolChoice: decodeToolChoice(b.tool_choice ?? (b.function_call === "auto" || b.function_call === "none" ? b.function_call : undefined)),
      parallelToolCalls: bool(b.parallel_tool_calls),
      reasoning: fromEffort(str(b.reasoning_effort)),
      output,
      verbosity: str(b.verbosity),
      responseModalities: arr(b.modalities)?.filter((s): s is string => typeof s === "string").map((s) => s.toUpperCase()),
      imageConfig: imageConfig === undefined
        ? undefined
        : defined({ aspectRatio: str(imageConfig.aspect_ratio), imageSize: str(imageConfig.image_size) })
    })
  })
}

const encodePart = (p: IR.Part): Json | undefined => {
  switch (p.type) {
    case "text":
      // Rule 2: whitespace-only text is rejected by several OpenAI-compatible servers.
      return p.text.trim() === "" ? undefined : { type: "text", text: p.text }
    case "image":
      return { type: "image_url", image_url: compact({ url: sourceToUrl(p.source), detail: p.detail }) }
    case "file":
      return p.source.kind === "base64"
        ? { type: "file", file: compact({ filename: p.filename, file_data: sourceToUrl(p.source) }) }
        : undefined
    case "audio":
      return { type: "input_audio", input_audio: { data: p.data, format: p.format } }
    default:
      return undefined
  }
}

/** Content as a plain string when it is one text part, else an array of parts. @category encoding */
const contentOf = (parts: ReadonlyArray<Json>): Json | undefined => {
  if (parts.length === 0) return undefined
  const first = parts[0]
  if (parts.length === 1 && isObject(first) && first.type === "text") return first.text ?? ""
  return parts
}

const toolResultMessage = (r: IR.ToolResultPart): JsonObject => {
  const content: Json = toolResultHasMedia(r.content)
    ? r.content.flatMap((c) => {
      const e = c.type === "json" ? { type: "text", text: JSON.stringify(c.value) } : encodePart(c)
      return e === undefined ? [] : [e]
    })
    : toolResultText(r.content)
  return { role: "tool", tool_call_id: r.callId, content }
}

/** Options for encoding a Chat Completions request. @category encoding */
export interface EncodeRequestOptions {
  /** Ask the upstream for a usage chunk when streaming (spec/04 3.13 [rec]); default true. */
  readonly requestUsage?: boolean
}

/** Encodes the IR as a Chat Completions request body. @category encoding */
export const encodeRequest = (req: IR.Request, options: EncodeRequestOptions = {}): JsonObject => {
  const messages: Array<Json> = []
  const systemAt = (position: number | undefined) => {
    const blocks = req.system.filter((s) => (s.position ?? 0) === (position ?? 0) && !isBillingHeader(s.text))
    if (blocks.length === 0) return
    const parts = blocks.map((s) => ({ type: "text", text: s.text }))
    const content = contentOf(parts)
    if (content !== undefined) messages.push({ role: "system", content })
  }
  systemAt(0)
  for (const [i, m] of req.messages.entries()) {
    if (i > 0) systemAt(i)
    if (m.role === "user") {
      // Rule 15: tool messages must directly follow the assistant's tool_calls.
      for (const p of m.parts) if (p.type === "tool_result") messages.push(toolResultMessage(p))
      const content = contentOf(m.parts.flatMap((p) => {
        const e = encodePart(p)
        return e === undefined ? [] : [e]
      }))
      if (content !== undefined) messages.push({ role: "user", content })
      continue
    }
    const texts = m.parts.flatMap((p) => {
      const e = p.type === "text" ? encodePart(p) : undefined
      return e === undefined ? [] : [e]
    })
    const reasoning = m.parts.flatMap((p) => (p.type === "thinking" && p.text !== "" ? [p.text] : [])).join("")
    const calls = m.parts.flatMap((p): Array<Json> =>
      p.type === "tool_call"
        ? [{
          id: p.id,
          type: "function",
          function: {
            name: p.name,
            arguments: p.kind === "custom" ? JSON.stringify({ input: p.arguments }) : p.arguments
          }
        }]
        : []
    )
    if (texts.length === 0 && calls.length === 0 && reasoning === "") continue
    messages.push(compact({
      role: "assistant",
      content: contentOf(texts),
      reasoning_content: reasoning === "" ? undefined : reasoning,
      tool_calls: calls.length > 0 ? calls : undefined
    }))
  }
  const tools = req.tools.flatMap((t): Array<Json> => {
    if (t.type === "function") {
      return [{
        type: "function",
        function: compact({
          name: t.name,
          description: t.description ?? "",
          parameters: t.parameters ?? emptyObjectSchema,
          strict: t.strict
        })
      }]
    }
    if (t.type === "custom") {
      // Chat-compatible servers cannot run freeform tools: expose one string parameter.
      return [{ type: "function", function: { name: t.name, description: t.description ?? "", parameters: customToolSchema } }]
    }
    return t.dialect === "openai-chat" ? [t.raw] : []
  })
  const tc = req.toolChoice
  const toolChoice: Json | undefined = tc === undefined
    ? undefined
    : tc.type === "tool"
    ? { type: "function", function: { name: tc.name } }
    : tc.type === "builtin"
    ? undefined
    : tc.type
  const s = req.sampling
  const out = req.output
  return compact({
    ...req.extensions["openai-chat"],
    model: req.model,
    messages,
    stream: req.stream,
    stream_options: req.stream && (options.requestUsage ?? true) ? { include_usage: true } : undefined,
    tools: tools.length > 0 ? tools : undefined,
    tool_choice: tools.length > 0 ? toolChoice : undefined,
    parallel_tool_calls: tools.length > 0 ? req.parallelToolCalls : undefined,
    temperature: s.temperature,
    top_p: s.temperature === undefined ? s.topP : undefined,
    top_k: s.topK,
    max_tokens: s.maxOutputTokens,
    stop: s.stop !== undefined && s.stop.length > 0 ? [...s.stop] : undefined,
    n: s.candidateCount,
    seed: s.seed,
    presence_penalty: s.presencePenalty,
    frequency_penalty: s.frequencyPenalty,
    logprobs: s.logprobs,
    top_logprobs: s.topLogprobs,
    reasoning_effort: req.reasoning === undefined ? undefined : toEffort(req.reasoning),
    response_format: out === undefined
      ? undefined
      : out.type === "json_schema"
      ? { type: "json_schema", json_schema: compact({ name: out.name ?? "response", strict: out.strict, schema: out.schema }) }
      : { type: out.type },
    verbosity: req.verbosity,
    modalities: req.responseModalities?.map((m) => m.toLowerCase()),
    user: req.meta.user,
    metadata: req.meta.metadata,
    store: req.meta.store,
    service_tier: req.meta.serviceTier,
    prompt_cache_key: req.meta.promptCacheKey,
    safety_identifier: req.meta.safetyIdentifier
  })
}
