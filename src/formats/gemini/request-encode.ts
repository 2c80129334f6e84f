/**
 * IR -> Gemini `generateContent` request (spec/04 section 3 "-> gemini"; rules 1, 12,
 * 18, 19, 23, 24, 28, 31-33, 40, 45, 49-51, 77, 78), optionally wrapped in the Gemini CLI
 * `{model, project, request}` envelope.
 */
import { callNames, customToolSchema, emptyObjectSchema, isBillingHeader, toolResultMedia, toolResultValue } from "../content.js"
import { buildGeminiNameMap, type NameMap, sanitizeGeminiName, toWireName } from "../ids.js"
import type * as IR from "../ir.js"
import { compact, isObject, type Json, type JsonObject, obj, parseArguments } from "../json.js"
import { levelToBudget, toBudget, toEffort } from "../thinking.js"
import { DEFAULT_SAFETY, SKIP_SIGNATURE } from "./schema.js"
import { cleanSchema } from "./schema-clean.js"

/** The sanitized-name map for a request's tools and history (rule 28). @category names */
export const geminiNameMap = (req: IR.Request): NameMap => {
  const names = req.tools.flatMap((t) => (t.type === "builtin" ? [] : [t.name]))
  for (const m of req.messages) for (const p of m.parts) if (p.type === "tool_call") names.push(p.name)
  return buildGeminiNameMap(names)
}

/** Options for encoding Gemini requests. @category encoding */
export interface EncodeRequestOptions {
  /** `level` sends thinkingLevel (Gemini 3), `budget` thinkingBudget; default by model name. */
  readonly thinkingStyle?: "budget" | "level"
  /** Wrap as a Gemini CLI (Code Assist) request for this project. */
  readonly envelope?: { readonly project?: string }
}

const media = (source: IR.MediaSource): JsonObject =>
  source.kind === "base64"
    ? { inlineData: { mimeType: source.mime, data: source.data } }
    : { fileData: compact({ mimeType: source.mime, fileUri: source.url }) }

const encodePart = (p: IR.Part, names: NameMap): Array<JsonObject> => {
  switch (p.type) {
    case "text":
      // Rule 1: Gemini rejects parts without data.
      if (p.text === "") return []
      return [compact({ text: p.text, thoughtSignature: p.signatureProvider === "google" ? p.signature : undefined })]
    case "image":
    case "file":
      return [media(p.source)]
    case "audio":
      return [{ inlineData: { mimeType: `audio/${p.format}`, data: p.data } }]
    case "thinking":
      // Rule 51: hidden thoughts are never replayed as content.
      return []
    case "tool_call":
      return [compact({
        functionCall: {
          name: toWireName(names, p.name, sanitizeGeminiName),
          args: p.kind === "custom" ? { input: p.arguments } : parseArguments(p.arguments)
        },
        thoughtSignature: p.signatureProvider === "google" ? p.signature : undefined
      })]
    case "tool_result":
      return []
    case "opaque":
      return p.dialect === "gemini" && isObject(p.value) ? [p.value] : []
  }
}

const encodeResult = (r: IR.ToolResultPart, name: string, names: NameMap): Array<JsonObject> => {
  const only = r.content.length === 1 ? r.content[0] : undefined
  // Rule 12: the response must be an object; a Gemini-shaped object is kept as is.
  const response: Json = only?.type === "json" && isObject(only.value) ? only.value : { result: toolResultValue(r.content) }
  return [
    { functionResponse: { name: toWireName(names, name, sanitizeGeminiName), response } },
    ...toolResultMedia(r.content).map((m) => media(m.source))
  ]
}

const encodeContents = (req: IR.Request, names: NameMap): Array<JsonObject> => {
  const known = callNames(req)
  const results = new Map<string, IR.ToolResultPart>()
  for (const m of req.messages) for (const p of m.parts) if (p.type === "tool_result" && known.has(p.callId)) results.set(p.callId, p)
  const placed = new Set<string>()
  const out: Array<{ role: string; parts: Array<JsonObject> }> = []
  const reminders = (position: number) => {
    const text = req.system.filter((s) => s.position === position && !isBillingHeader(s.text)).map((s) => s.text)
    if (text.length > 0) out.push({ role: "user", parts: [{ text: `<system-reminder>\n${text.join("\n")}\n</system-reminder>` }] })
  }
  req.messages.forEach((m, i) => {
    reminders(i)
    if (m.role === "assistant") {
      const parts = m.parts.flatMap((p) => encodePart(p, names))
      // Rule 49: replayed calls need a signature; the first call of a step carries the skip value.
      const first = parts.find((p) => p.functionCall !== undefined)
      if (first !== undefined && first.thoughtSignature === undefined) {
        parts[parts.indexOf(first)] = { ...first, thoughtSignature: SKIP_SIGNATURE }
      }
      if (parts.length > 0) out.push({ role: "model", parts })
      // Rules 18 and 24: the results follow their calls, in call order, in one user turn.
      const answers = m.parts.flatMap((p) => {
        const r = p.type === "tool_call" ? results.get(p.id) : undefined
        if (r === undefined || placed.has(r.callId)) return []
        placed.add(r.callId)
        return encodeResult(r, p.type === "tool_call" ? p.name : "", names)
      })
      if (answers.length > 0) out.push({ role: "user", parts: answers })
      return
    }
    const parts = m.parts.flatMap((p) => {
      if (p.type !== "tool_result") return encodePart(p, names)
      if (placed.has(p.callId)) return []
      // Rule 19: a result needs a name: from its call, else its own, else its id.
      const name = known.get(p.callId) ?? (p.name !== undefined && p.name !== "" ? p.name : p.callId)
      return encodeResult(p, name, names)
    })
    if (parts.length > 0) out.push({ role: "user", parts })
  })
  reminders(req.messages.length)
  // Rule 23: a trailing model turn whose calls have no results (a prefill) is dropped.
  const last = out[out.length - 1]
  if (last?.role === "model" && last.parts.some((p) => p.functionCall !== undefined)) out.pop()
  return out
}

const encodeTools = (req: IR.Request, names: NameMap): Array<Json> => {
  const decls: Array<Json> = []
  const builtins: Array<Json> = []
  for (const t of req.tools) {
    if (t.type === "function" || t.type === "custom") {
      decls.push(compact({
        name: toWireName(names, t.name, sanitizeGeminiName),
        description: t.description,
        parametersJsonSchema: cleanSchema(t.type === "custom" ? customToolSchema : t.parameters ?? emptyObjectSchema)
      }))
    } else if (t.dialect === "gemini") builtins.push(t.raw)
    else if (t.kind === "google_search" || t.kind === "web_search") builtins.push({ googleSearch: {} })
    else if (t.kind === "code_execution") builtins.push({ codeExecution: {} })
    else if (t.kind === "url_context") builtins.push({ urlContext: {} })
  }
  return decls.length > 0 ? [{ functionDeclarations: decls }, ...builtins] : builtins
}

const encodeThinking = (req: IR.Request, style: "budget" | "level"): JsonObject | undefined => {
  const r = req.reasoning
  if (r === undefined) return undefined
  if (r.mode === "off") return { thinkingBudget: 0 }
  const include = r.includeThoughts ?? true
  if (style === "level") {
    const effort = toEffort(r)
    const level = effort === "auto" || effort === "xhigh" || effort === "max" ? "high" : effort === "none" ? "minimal" : effort
    return { thinkingLevel: level.toUpperCase(), includeThoughts: include }
  }
  const budget = r.mode === "adaptive" && r.level === undefined ? levelToBudget("xhigh") : toBudget(r)
  return budget === 0 ? { thinkingBudget: 0 } : { thinkingBudget: budget, includeThoughts: include }
}

/** Encodes the IR as a Gemini request body (or a Gemini CLI envelope). @category encoding */
export const encodeRequest = (req: IR.Request, options: EncodeRequestOptions = {}): JsonObject => {
  const names = geminiNameMap(req)
  const ext = req.extensions.gemini ?? {}
  const { envelope: savedEnvelope, generationConfig: extGen, session_id: sessionId, ...rest } = ext
  const system = req.system.filter((s) => s.position === undefined && !isBillingHeader(s.text))
  const tools = encodeTools(req, names)
  const tc = req.toolChoice
  const fcc: JsonObject | undefined = tc === undefined || tc.type === "builtin"
    ? undefined
    : tc.type === "tool"
    ? { mode: "ANY", allowedFunctionNames: [toWireName(names, tc.name, sanitizeGeminiName)] }
    : { mode: tc.type === "required" ? "ANY" : tc.type === "none" ? "NONE" : "AUTO" }
  const s = req.sampling
  const out = req.output
  const style = options.thinkingStyle ?? (/gemini-3/.test(req.model) ? "level" : "budget")
  const generationConfig = compact({
    ...obj(extGen),
    temperature: s.temperature,
    topP: s.topP,
    topK: s.topK,
    maxOutputTokens: s.maxOutputTokens,
    stopSequences: s.stop !== undefined && s.stop.length > 0 ? [...s.stop] : undefined,
    candidateCount: s.candidateCount,
    seed: s.seed,
    presencePenalty: s.presencePenalty,
    frequencyPenalty: s.frequencyPenalty,
    responseLogprobs: s.logprobs,
    logprobs: s.topLogprobs,
    thinkingConfig: encodeThinking(req, style),
    responseMimeType: out === undefined || out.type === "text" ? undefined : "application/json",
    // Rule 77: raw JSON Schema goes in responseJsonSchema.
    responseJsonSchema: out?.type === "json_schema" ? out.schema : undefined,
    responseModalities: req.responseModalities === undefined ? undefined : [...req.responseModalities],
    imageConfig: req.imageConfig === undefined ? undefined : compact({ ...req.imageConfig })
  })
  const body = compact({
    ...rest,
    // Only the Code Assist endpoint knows the Gemini CLI session id (spec/04 2.6).
    session_id: options.envelope === undefined ? undefined : sessionId,
    contents: encodeContents(req, names),
    systemInstruction: system.length > 0 ? { role: "user", parts: system.map((b) => ({ text: b.text })) } : undefined,
    tools: tools.length > 0 ? tools : undefined,
    toolConfig: fcc === undefined || tools.length === 0 ? undefined : { functionCallingConfig: fcc },
    generationConfig: Object.keys(generationConfig).length > 0 ? generationConfig : undefined,
    safetySettings: req.safetySettings ?? [...DEFAULT_SAFETY]
  })
  if (options.envelope === undefined) return body
  const { model: _m, project: _p, ...envelopeRest } = obj(savedEnvelope) ?? {}
  return compact({ ...envelopeRest, model: req.model, project: options.envelope.project, request: body })
}
