/**
 * Gemini `generateContent` requests (and the Gemini CLI `{model, project, request}`
 * envelope) -> IR. Both key spellings are read; calls get deterministic ids and results
 * are paired to them FIFO per function name, honouring explicit ids (rule 22). The
 * encoder lives in `request-encode.ts`.
 */
import { Either } from "effect"
import { type DecodeError, invalidField } from "../errors.js"
import { mintId } from "../ids.js"
import type * as IR from "../ir.js"
import { arr, bool, defined, type Json, type JsonObject, num, obj, str } from "../json.js"
import { fromBudget, parseLevel } from "../thinking.js"
import { field } from "./schema.js"
import { lowercaseTypes } from "./schema-clean.js"

const MODELED_KEYS: ReadonlySet<string> = new Set([
  "contents",
  "systemInstruction",
  "system_instruction",
  "tools",
  "toolConfig",
  "tool_config",
  "generationConfig",
  "generation_config",
  "safetySettings",
  "safety_settings",
  "model"
])

const GENERATION_KEYS: ReadonlySet<string> = new Set([
  "temperature",
  "topP",
  "topK",
  "maxOutputTokens",
  "stopSequences",
  "candidateCount",
  "seed",
  "presencePenalty",
  "frequencyPenalty",
  "responseLogprobs",
  "logprobs",
  "thinkingConfig",
  "responseMimeType",
  "responseJsonSchema",
  "responseSchema",
  "responseModalities",
  "imageConfig"
])

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

/** Decodes one Gemini media part (inline or file data). @category decoding */
export const decodeMedia = (p: JsonObject): IR.Part | undefined => {
  const inline = obj(field(p, "inlineData"))
  if (inline !== undefined) {
    const mime = str(field(inline, "mimeType")) ?? "application/octet-stream"
    const data = str(inline.data) ?? ""
    if (mime.startsWith("audio/")) return { type: "audio", data, format: mime.slice(6) }
    const source: IR.MediaSource = { kind: "base64", mime, data }
    return mime.startsWith("image/") ? { type: "image", source } : { type: "file", source }
  }
  const file = obj(field(p, "fileData"))
  if (file !== undefined) {
    const mime = str(field(file, "mimeType"))
    const source: IR.MediaSource = { kind: "url", url: str(field(file, "fileUri")) ?? "", ...defined({ mime }) }
    return mime?.startsWith("image/") === true ? { type: "image", source } : { type: "file", source }
  }
  return undefined
}

/** A functionResponse payload as tool-result content: `{result: "text"}` as text, else JSON. @category decoding */
export const resultContent = (response: Json | undefined): Array<IR.ToolResultContent> => {
  const r = obj(response)
  if (r !== undefined && Object.keys(r).length === 1 && typeof r.result === "string") return [{ type: "text", text: r.result }]
  return response === undefined ? [] : [{ type: "json", value: response }]
}

interface Pending {
  readonly id: string
  readonly name: string
}

const decodeContents = (contents: ReadonlyArray<Json>): Array<IR.Message> => {
  const messages: Array<IR.Message> = []
  const pending: Array<Pending> = []
  let prevRole: IR.Role | undefined
  contents.forEach((raw, ci) => {
    const c = obj(raw)
    if (c === undefined) return
    // Rule 43: a missing or foreign role alternates from the previous content.
    const role: IR.Role = c.role === "model"
      ? "assistant"
      : c.role === "user" || c.role === "function" || c.role === "tool"
      ? "user"
      : prevRole === "user"
      ? "assistant"
      : "user"
    prevRole = role
    const parts: Array<IR.Part> = []
    ;(arr(c.parts) ?? []).forEach((rawPart, pi) => {
      const p = obj(rawPart)
      if (p === undefined) return
      const signature = str(field(p, "thoughtSignature"))
      const sig = signature !== undefined && signature !== "" ? { signature, signatureProvider: "google" as const } : {}
      const call = obj(field(p, "functionCall"))
      const response = obj(field(p, "functionResponse"))
      const text = str(p.text)
      if (call !== undefined) {
        const name = str(call.name) ?? ""
        const args = call.args ?? {}
        const id = str(call.id) ?? mintId("call_", ci, pi, name, JSON.stringify(args))
        pending.push({ id, name })
        parts.push({ type: "tool_call", id, name, kind: "function", arguments: JSON.stringify(args), ...sig })
      } else if (response !== undefined) {
        const name = str(response.name) ?? ""
        const explicit = str(response.id)
        let at = explicit === undefined ? -1 : pending.findIndex((q) => q.id === explicit)
        if (at === -1) at = pending.findIndex((q) => q.name === name)
        if (at === -1 && explicit === undefined && pending.length > 0) at = 0
        const match = at === -1 ? undefined : pending.splice(at, 1)[0]
        parts.push({
          type: "tool_result",
          callId: match?.id ?? explicit ?? mintId("call_", ci, pi, name),
          name: name !== "" ? name : match?.name ?? "",
          content: resultContent(field(response, "response") as Json | undefined)
        })
      } else if (text !== undefined) {
        parts.push(p.thought === true ? { type: "thinking", text, ...sig } : { type: "text", text, ...sig })
      } else {
        const media = decodeMedia(p)
        if (media !== undefined) parts.push(media)
        else if (signature !== undefined) {
          // Rule 48: a signature-only part belongs to the reasoning before it.
          const prev = parts[parts.length - 1]
          if (prev !== undefined && (prev.type === "thinking" || prev.type === "tool_call") && prev.signature === undefined) {
            parts[parts.length - 1] = { ...prev, ...sig }
          }
        } else if (Object.keys(p).length > 0) parts.push({ type: "opaque", dialect: "gemini", value: p })
      }
    })
    messages.push({ role, parts })
  })
  return messages
}

const decodeTools = (tools: ReadonlyArray<Json>): Array<IR.Tool> =>
  tools.flatMap((raw): Array<IR.Tool> => {
    const t = obj(raw)
    if (t === undefined) return []
    const decls = arr(field(t, "functionDeclarations"))
    if (decls !== undefined) {
      return decls.flatMap((d): Array<IR.Tool> => {
        const o = obj(d)
        const name = str(o?.name)
        if (o === undefined || name === undefined) return []
        const json = field(o, "parametersJsonSchema")
        const legacy = o.parameters
        const parameters = json ?? (legacy === undefined ? undefined : lowercaseTypes(legacy))
        return [{ type: "function", name, ...defined({ description: str(o.description), parameters }) }]
      })
    }
    const key = Object.keys(t)[0] ?? ""
    const k = camel(key)
    const kind: IR.BuiltinKind = k === "googleSearch" || k === "googleSearchRetrieval"
      ? "google_search"
      : k === "codeExecution"
      ? "code_execution"
      : k === "urlContext"
      ? "url_context"
      : "other"
    return [{ type: "builtin", kind, dialect: "gemini", raw: t }]
  })

const decodeToolChoice = (config: JsonObject | undefined): IR.ToolChoice | undefined => {
  const fc = obj(field(config, "functionCallingConfig"))
  const mode = str(fc?.mode)?.toUpperCase()
  const allowed = arr(field(fc, "allowedFunctionNames"))?.filter((n): n is string => typeof n === "string") ?? []
  if (mode === "NONE") return { type: "none" }
  if (mode === "ANY") return allowed.length === 1 ? { type: "tool", name: allowed[0] as string } : { type: "required" }
  return mode === undefined ? undefined : { type: "auto" }
}

const decodeThinking = (tc: JsonObject | undefined): IR.Reasoning | undefined => {
  if (tc === undefined) return undefined
  const budget = num(field(tc, "thinkingBudget"))
  const level = parseLevel(str(field(tc, "thinkingLevel")))
  const include = bool(field(tc, "includeThoughts"))
  const base: IR.Reasoning = level !== undefined
    ? { mode: "level", level }
    : budget !== undefined
    ? fromBudget(budget)
    : { mode: "auto" }
  return { ...base, ...defined({ includeThoughts: include }) }
}

/** A Gemini request body, unwrapped from the Code Assist envelope when present. @category envelope */
export const unwrapRequest = (body: JsonObject): { readonly request: JsonObject; readonly envelope?: JsonObject } => {
  const inner = obj(body.request)
  if (inner !== undefined && body.contents === undefined) {
    const { request: _, ...envelope } = body
    return { request: inner, envelope }
  }
  return { request: body }
}

/** Decodes a Gemini (or Gemini CLI envelope) request body into the IR. @category decoding */
export const decodeRequest = (body: unknown, options: { readonly model?: string } = {}): Either.Either<IR.Request, DecodeError> => {
  const outer = obj(body)
  if (outer === undefined) return Either.left(invalidField("gemini", "body", "a JSON object"))
  const { envelope, request: b } = unwrapRequest(outer)
  const contents = arr(b.contents)
  if (contents === undefined) return Either.left(invalidField("gemini", "contents", "an array"))
  const system: Array<IR.SystemBlock> = []
  for (const p of arr(field(obj(field(b, "systemInstruction")), "parts")) ?? []) {
    const text = str(obj(p)?.text)
    if (text !== undefined && text !== "") system.push({ source: "system", text })
  }
  const gc = obj(field(b, "generationConfig")) ?? {}
  const stop = arr(field(gc, "stopSequences"))?.filter((s): s is string => typeof s === "string")
  const mime = str(field(gc, "responseMimeType"))
  const schema = field(gc, "responseJsonSchema") ?? field(gc, "responseSchema")
  const output: IR.OutputFormat | undefined = schema !== undefined
    ? { type: "json_schema", schema: lowercaseTypes(schema) }
    : mime === "application/json"
    ? { type: "json_object" }
    : undefined
  const image = obj(field(gc, "imageConfig"))
  const extra: Record<string, Json> = {}
  for (const k of Object.keys(b)) if (!MODELED_KEYS.has(k)) extra[k] = b[k] as Json
  const genExtra: Record<string, Json> = {}
  for (const k of Object.keys(gc)) if (!GENERATION_KEYS.has(camel(k))) genExtra[k] = gc[k] as Json
  if (Object.keys(genExtra).length > 0) extra.generationConfig = genExtra
  if (envelope !== undefined) extra.envelope = envelope
  const safety = field(b, "safetySettings")
  return Either.right({
    model: options.model ?? str(envelope?.model) ?? str(b.model) ?? "",
    stream: false,
    system,
    messages: decodeContents(contents),
    tools: decodeTools(arr(b.tools) ?? []),
    sampling: defined({
      temperature: num(gc.temperature),
      topP: num(field(gc, "topP")),
      topK: num(field(gc, "topK")),
      maxOutputTokens: num(field(gc, "maxOutputTokens")),
      stop,
      candidateCount: num(field(gc, "candidateCount")),
      seed: num(gc.seed),
      presencePenalty: num(field(gc, "presencePenalty")),
      frequencyPenalty: num(field(gc, "frequencyPenalty")),
      logprobs: bool(field(gc, "responseLogprobs")),
      topLogprobs: num(gc.logprobs)
    }),
    meta: {},
    extensions: Object.keys(extra).length > 0 ? { gemini: extra } : {},
    ...defined({
      toolChoice: decodeToolChoice(obj(field(b, "toolConfig"))),
      reasoning: decodeThinking(obj(field(gc, "thinkingConfig"))),
      output,
      responseModalities: arr(field(gc, "responseModalities"))?.filter((m): m is string => typeof m === "string"),
      imageConfig: image === undefined
        ? undefined
        : defined({ aspectRatio: str(field(image, "aspectRatio")), imageSize: str(field(image, "imageSize")) }),
      safetySettings: safety
    })
  })
}
