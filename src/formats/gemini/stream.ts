/**
 * Gemini `streamGenerateContent?alt=sse` fragments <-> IR stream events (spec/04 5.4,
 * G13/G14/G34; rules 3, 48, 62). Gemini sends function calls whole, so the encoder
 * buffers argument fragments until the call's block closes. Each fragment may be wrapped
 * as `{response: ...}` (Gemini CLI).
 */
import type { Stream } from "effect"
import { emptyNameMap, fromWireName } from "../ids.js"
import type * as IR from "../ir.js"
import { finishPriority, mergeUsage } from "../ir.js"
import { arr, compact, type JsonObject, obj, parseArguments, str, tryParse } from "../json.js"
import type { SseEvent } from "../sse.js"
import { toStream, type Transducer } from "../transducer.js"
import { callId, type DecodeOptions } from "./response.js"
import { decodeUsage, encodeUsage, field, finishFromWire, finishToWire, parseTime, unwrapResponse } from "./schema.js"
import { decodeMedia } from "./request.js"

/** A decoder from Gemini stream fragments to IR events. @category decoding */
export const makeDecoder = (options: DecodeOptions = {}): Transducer<SseEvent, IR.StreamEvent> => {
  const names = options.names ?? emptyNameMap
  let started = false
  let ended = false
  let id = ""
  let next = 0
  let calls = 0
  let sawTool = false
  let finish: IR.Finish | undefined
  let open: { index: number; kind: "text" | "thinking" } | undefined
  const close = (out: Array<IR.StreamEvent>) => {
    if (open !== undefined) out.push({ type: "block_stop", index: open.index })
    open = undefined
  }
  const end = (out: Array<IR.StreamEvent>) => {
    if (ended || !started) return
    ended = true
    const f = finish ?? { reason: "stop" as const }
    // The finish goes before the last block closes, so encoders can mark a cut-off item.
    out.push({ type: "finish", finish: sawTool ? { ...f, reason: "tool_calls" } : f })
    close(out)
    out.push({ type: "end" })
  }
  return {
    step: (ev) => {
      const out: Array<IR.StreamEvent> = []
      if (ended) return out
      if (ev.data.trim() === "[DONE]") {
        end(out)
        return out
      }
      const raw = obj(tryParse(ev.data))
      const err = obj(raw?.error)
      if (err !== undefined) {
        const status = typeof err.code === "number" ? { status: err.code } : {}
        out.push({ type: "error", message: str(err.message) ?? "upstream error", ...status, ...(str(err.status) ? { errorType: str(err.status) as string } : {}) })
        ended = true
        return out
      }
      const chunk = unwrapResponse(raw)
      if (chunk === undefined) return out
      if (!started) {
        started = true
        id = str(chunk.responseId) ?? ""
        const created = parseTime(str(chunk.createTime))
        out.push({ type: "start", id, model: str(chunk.modelVersion) ?? "", ...(created === undefined ? {} : { created }) })
      }
      const cand = obj(arr(chunk.candidates)?.[0])
      for (const rawPart of arr(obj(cand?.content)?.parts) ?? []) {
        const p = obj(rawPart)
        if (p === undefined) continue
        const signature = str(field(p, "thoughtSignature"))
        const call = obj(field(p, "functionCall"))
        const text = str(p.text)
        if (call !== undefined) {
          close(out)
          sawTool = true
          const name = fromWireName(names, str(call.name) ?? "")
          const index = next++
          const sig = signature !== undefined && signature !== "" ? { signature, signatureProvider: "google" as const } : {}
          out.push(
            { type: "block_start", index, block: { kind: "tool_call", id: str(call.id) ?? callId(name, id, calls++), name, ...sig } },
            { type: "delta", index, delta: { kind: "arguments", json: JSON.stringify(call.args ?? {}) } },
            { type: "block_stop", index }
          )
        } else if (text !== undefined && text !== "") {
          const kind = p.thought === true ? "thinking" : "text"
          if (open?.kind !== kind) {
            close(out)
            open = { index: next++, kind }
            out.push({ type: "block_start", index: open.index, block: { kind } })
          }
          out.push({ type: "delta", index: open.index, delta: { kind, text } })
        } else {
          const media = decodeMedia(p)
          if (media?.type === "image" && media.source.kind === "base64") {
            close(out)
            const index = next++
            out.push(
              { type: "block_start", index, block: { kind: "image", mime: media.source.mime, data: media.source.data } },
              { type: "block_stop", index }
            )
          }
        }
        // Rule 48: a signature belongs to the open reasoning; signature-only parts open nothing.
        if (signature !== undefined && signature !== "" && call === undefined && open !== undefined) {
          out.push({ type: "delta", index: open.index, delta: { kind: "signature", signature, provider: "google" } })
        }
      }
      const usage = obj(chunk.usageMetadata) ?? obj(chunk.cpaUsageMetadata)
      if (usage !== undefined) out.push({ type: "usage", usage: decodeUsage(usage) })
      const native = str(cand?.finishReason)
      if (native !== undefined && native !== "") {
        const f: IR.Finish = { reason: finishFromWire(native), native }
        if (finish === undefined || finishPriority(f.reason) > finishPriority(finish.reason)) finish = f
        // The finishing chunk with usage is the last one: end now rather than wait for [DONE].
        if (usage !== undefined) end(out)
      }
      return out
    },
    flush: () => {
      const out: Array<IR.StreamEvent> = []
      end(out)
      return out
    }
  }
}

/** Options for the Gemini stream encoder. @category encoding */
export interface EncoderOptions {
  /** Model name to report as modelVersion; default the upstream's. */
  readonly model?: string
  /** Wrap each fragment as `{response: ...}` (Gemini CLI clients). */
  readonly envelope?: boolean
}

interface ToolBuf {
  readonly name: string
  readonly signature?: string
  args: string
}

/** An encoder from IR events to Gemini fragments; the last one carries finishReason and usage. @category encoding */
export const makeEncoder = (options: EncoderOptions = {}): Transducer<IR.StreamEvent, SseEvent> => {
  let id = ""
  let model = options.model ?? ""
  let done = false
  let sawTool = false
  let usage: IR.Usage | undefined
  let finish: IR.Finish | undefined
  const kinds = new Map<number, "text" | "thinking" | "other">()
  const tools = new Map<number, ToolBuf>()
  const emit = (parts: ReadonlyArray<JsonObject>, extra: JsonObject = {}): SseEvent => {
    const body = compact({
      candidates: [{ content: { role: "model", parts: [...parts] }, index: 0, ...extra }],
      modelVersion: model,
      responseId: id
    })
    const withUsage = extra.finishReason !== undefined && usage !== undefined ? { ...body, usageMetadata: encodeUsage(usage) } : body
    return { data: JSON.stringify(options.envelope === true ? { response: withUsage } : withUsage) }
  }
  const terminate = (out: Array<SseEvent>) => {
    if (done) return
    for (const [index] of tools) stopTool(index, out)
    done = true
    // A tool call ends with STOP: Gemini has no tool-use reason.
    out.push(emit([], { finishReason: finishToWire(sawTool ? "tool_calls" : finish?.reason ?? "stop") }))
  }
  const stopTool = (index: number, out: Array<SseEvent>) => {
    const t = tools.get(index)
    if (t === undefined) return
    tools.delete(index)
    out.push(emit([compact({ functionCall: { name: t.name, args: parseArguments(t.args) }, thoughtSignature: t.signature })]))
  }
  return {
    step: (ev) => {
      const out: Array<SseEvent> = []
      if (done) return out
      switch (ev.type) {
        case "start":
          id = ev.id
          if (options.model === undefined) model = ev.model
          usage = mergeUsage(usage, ev.usage)
          break
        case "block_start": {
          const b = ev.block
          if (b.kind === "tool_call") {
            sawTool = true
            tools.set(ev.index, { name: b.name, args: "", ...(b.signatureProvider === "google" && b.signature ? { signature: b.signature } : {}) })
          } else if (b.kind === "image") out.push(emit([{ inlineData: { mimeType: b.mime, data: b.data } }]))
          else if (b.kind === "opaque" && b.dialect === "gemini" && obj(b.value) !== undefined) out.push(emit([b.value as JsonObject]))
          kinds.set(ev.index, b.kind === "text" || b.kind === "thinking" ? b.kind : "other")
          break
        }
        case "delta": {
          const d = ev.delta
          const t = tools.get(ev.index)
          if (d.kind === "arguments" && t !== undefined) t.args += d.json
          else if ((d.kind === "text" || d.kind === "thinking") && d.text !== "") {
            out.push(emit([d.kind === "thinking" ? { text: d.text, thought: true } : { text: d.text }]))
          } else if (d.kind === "signature" && d.provider === "google" && d.signature !== "") {
            const thought = kinds.get(ev.index) === "thinking"
            out.push(emit([thought ? { text: "", thought: true, thoughtSignature: d.signature } : { text: "", thoughtSignature: d.signature }]))
          }
          break
        }
        case "block_stop":
          stopTool(ev.index, out)
          break
        case "usage":
          usage = mergeUsage(usage, ev.usage)
          break
        case "finish":
          if (finish === undefined || finishPriority(ev.finish.reason) > finishPriority(finish.reason)) finish = ev.finish
          break
        case "error":
          done = true
          out.push({ data: JSON.stringify({ error: { code: ev.status ?? 500, message: ev.message, status: ev.errorType ?? "INTERNAL" } }) })
          break
        case "end":
          terminate(out)
          break
      }
      return out
    },
    flush: () => {
      const out: Array<SseEvent> = []
      terminate(out)
      return out
    }
  }
}

/** Stream transform: Gemini fragments to IR events. @category streams */
export const decodeStream = (options: DecodeOptions = {}) =>
<E, R>(self: Stream.Stream<SseEvent, E, R>): Stream.Stream<IR.StreamEvent, E, R> =>
  toStream(() => makeDecoder(options))(self)

/** Stream transform: IR events to Gemini fragments. @category streams */
export const encodeStream = (options: EncoderOptions = {}) =>
<E, R>(self: Stream.Stream<IR.StreamEvent, E, R>): Stream.Stream<SseEvent, E, R> =>
  toStream(() => makeEncoder(options))(self)
