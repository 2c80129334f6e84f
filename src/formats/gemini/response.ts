/**
 * Gemini `GenerateContentResponse` bodies <-> IR responses (spec/04 4.1-4.4, rules 3,
 * 48, 80), with the Code Assist `{response}` envelope.
 */
import { Either } from "effect"
import { type DecodeError, invalidField } from "../errors.js"
import { emptyNameMap, fromWireName, mintId, type NameMap } from "../ids.js"
import type * as IR from "../ir.js"
import { arr, compact, defined, isObject, type Json, type JsonObject, obj, parseArguments, str } from "../json.js"
import { decodeMedia } from "./request.js"
import { decodeUsage, encodeUsage, field, finishFromWire, finishToWire, parseTime, unwrapResponse } from "./schema.js"

/** Options shared by Gemini response and stream decoders. @category decoding */
export interface DecodeOptions {
  /** Restores original tool names from sanitized ones (built with `geminiNameMap`). */
  readonly names?: NameMap
}

/** The id of a call Gemini left unnamed: `<name>-<hash>`, one scheme for stream and non-stream (rule 21). @category ids */
export const callId = (name: string, responseId: string, n: number): string => mintId(`${name}-`, responseId, n)

/** Decodes the parts of one candidate, merging consecutive thoughts and texts. @category decoding */
export const decodeParts = (parts: ReadonlyArray<Json>, responseId: string, names: NameMap, start = 0): Array<IR.Part> => {
  const out: Array<IR.Part> = []
  let calls = start
  for (const raw of parts) {
    const p = obj(raw)
    if (p === undefined) continue
    const signature = str(field(p, "thoughtSignature"))
    const sig = signature !== undefined && signature !== "" ? { signature, signatureProvider: "google" as const } : {}
    const prev = out[out.length - 1]
    const call = obj(field(p, "functionCall"))
    const text = str(p.text)
    if (call !== undefined) {
      const name = fromWireName(names, str(call.name) ?? "")
      out.push({
        type: "tool_call",
        id: str(call.id) ?? callId(name, responseId, calls++),
        name,
        kind: "function",
        arguments: JSON.stringify(call.args ?? {}),
        ...sig
      })
    } else if (text !== undefined && text !== "") {
      const kind = p.thought === true ? "thinking" : "text"
      if (prev !== undefined && prev.type === kind && prev.signature === undefined) {
        out[out.length - 1] = { ...prev, text: prev.text + text, ...sig }
      } else out.push(kind === "thinking" ? { type: "thinking", text, ...sig } : { type: "text", text, ...sig })
    } else if (signature !== undefined && signature !== "") {
      // Rule 48: a signature-only part signs the reasoning before it.
      if (prev !== undefined && (prev.type === "thinking" || prev.type === "text") && prev.signature === undefined) {
        out[out.length - 1] = { ...prev, ...sig }
      }
    } else {
      const media = decodeMedia(p)
      if (media !== undefined) out.push(media)
      else if (text === undefined && Object.keys(p).length > 0) out.push({ type: "opaque", dialect: "gemini", value: p })
    }
  }
  return out
}

/** Decodes a Gemini response (or `{response}` envelope) into an IR response. @category decoding */
export const decodeResponse = (body: unknown, options: DecodeOptions = {}): Either.Either<IR.Response, DecodeError> => {
  const b = unwrapResponse(body)
  if (b === undefined) return Either.left(invalidField("gemini", "body", "a JSON object"))
  const id = str(b.responseId) ?? ""
  const cand = obj(arr(b.candidates)?.[0]) ?? {}
  const parts = decodeParts(arr(obj(cand.content)?.parts) ?? [], id, options.names ?? emptyNameMap)
  const native = str(cand.finishReason)
  const usage = obj(b.usageMetadata) ?? obj(b.cpaUsageMetadata)
  const reason: IR.FinishReason = parts.some((p) => p.type === "tool_call") ? "tool_calls" : finishFromWire(native ?? "STOP")
  return Either.right({
    id,
    model: str(b.modelVersion) ?? "",
    parts,
    finish: { reason, ...defined({ native }) },
    ...defined({ created: parseTime(str(b.createTime)), usage: usage === undefined ? undefined : decodeUsage(usage) })
  })
}

/** One IR output part as Gemini response parts (signatures only when Google minted them). @category encoding */
export const encodeOutputPart = (p: IR.Part): Array<JsonObject> => {
  const sig = (s: { signature?: string; signatureProvider?: IR.SignatureProvider }) =>
    s.signatureProvider === "google" ? s.signature : undefined
  switch (p.type) {
    case "text":
      return p.text === "" ? [] : [compact({ text: p.text, thoughtSignature: sig(p) })]
    case "thinking":
      return p.text === "" && sig(p) === undefined ? [] : [compact({ text: p.text, thought: true, thoughtSignature: sig(p) })]
    case "tool_call":
      return [compact({
        functionCall: { name: p.name, args: p.kind === "custom" ? { input: p.arguments } : parseArguments(p.arguments) },
        thoughtSignature: sig(p)
      })]
    case "image":
      return p.source.kind === "base64" ? [{ inlineData: { mimeType: p.source.mime, data: p.source.data } }] : []
    case "opaque":
      return p.dialect === "gemini" && isObject(p.value) ? [p.value] : []
    default:
      return []
  }
}

/** Options for encoding Gemini responses. @category encoding */
export interface EncodeResponseOptions {
  /** Model name to report as modelVersion; default the upstream's. */
  readonly model?: string
  /** Wrap as `{response: ...}` for Gemini CLI clients. */
  readonly envelope?: boolean
}

/** Encodes an IR response as a Gemini response body. @category encoding */
export const encodeResponse = (res: IR.Response, options: EncodeResponseOptions = {}): JsonObject => {
  const body = compact({
    candidates: [{
      content: { role: "model", parts: res.parts.flatMap(encodeOutputPart) },
      finishReason: finishToWire(res.finish.reason),
      index: 0
    }],
    usageMetadata: res.usage === undefined ? undefined : encodeUsage(res.usage),
    modelVersion: options.model ?? res.model,
    responseId: res.id,
    createTime: res.created === undefined ? undefined : new Date(res.created * 1000).toISOString()
  })
  return options.envelope === true ? { response: body } : body
}
