/**
 * IR stream events -> OpenAI Responses SSE (spec/04 5.3, rules 64, 65, 68-70, 82):
 * response.created and in_progress first; every output item added then done with one
 * shared output_index sequence; full texts in the done events; response.completed (or
 * incomplete / failed) last; sequence_number increasing by one from 1.
 */
import type { Stream } from "effect"
import type * as IR from "../ir.js"
import { finishPriority, mergeUsage } from "../ir.js"
import type { Json, JsonObject } from "../json.js"
import type { SseEvent } from "../sse.js"
import { toStream, type Transducer } from "../transducer.js"
import { echoFields, encodeItem, type EncodeOptions } from "./response.js"
import { encodeUsage, statusOf } from "./schema.js"

interface OpenItem {
  readonly outputIndex: number
  readonly id: string
  readonly part: { readonly type: "text" } | { readonly type: "thinking" } | IR.ToolCallPart
  text: string
  signature?: string
  provider?: IR.SignatureProvider
}

/** An encoder from IR events to a valid Responses event stream. @category encoding */
export const makeEncoder = (options: EncodeOptions = {}): Transducer<IR.StreamEvent, SseEvent> => {
  let seq = 0
  let started = false
  let done = false
  let id = "resp_proxy"
  let model = options.model ?? ""
  let created = options.created ?? 0
  let usage: IR.Usage | undefined
  let finish: IR.Finish | undefined
  const open = new Map<number, OpenItem>()
  const finished: Array<{ outputIndex: number; item: Json }> = []
  let nextOutput = 0

  // Hot path: object spreads here cost 5x the whole translation, so the two leading keys
  // are written as text in front of the payload's own JSON.
  const emit = (out: Array<SseEvent>, type: string, payload: JsonObject) => {
    seq++
    const body = JSON.stringify(payload)
    const head = `{"type":${JSON.stringify(type)},"sequence_number":${seq}`
    out.push({ event: type, data: body === "{}" ? head + "}" : head + "," + body.slice(1) })
  }
  const shell = (status: string): JsonObject => ({
    id,
    object: "response",
    created_at: created,
    status,
    background: false,
    error: null,
    ...echoFields(options.request),
    model,
    output: []
  })
  const ensureStart = (out: Array<SseEvent>) => {
    if (started) return
    started = true
    emit(out, "response.created", { response: shell("in_progress") })
    emit(out, "response.in_progress", { response: shell("in_progress") })
  }
  const itemOf = (o: OpenItem, status: string): JsonObject => {
    const p = o.part
    const base = p.type === "text"
      ? encodeItem({ type: "text", text: o.text }, id, o.outputIndex, options.tools)
      : p.type === "thinking"
      ? encodeItem({ type: "thinking", text: o.text, ...(o.signature ? { signature: o.signature } : {}), ...(o.provider ? { signatureProvider: o.provider } : {}) }, id, o.outputIndex, options.tools)
      : encodeItem({ ...p, arguments: o.text }, id, o.outputIndex, options.tools)
    return { ...base, id: o.id, status }
  }
  const begin = (index: number, b: IR.BlockKind, out: Array<SseEvent>) => {
    ensureStart(out)
    const outputIndex = nextOutput++
    if (b.kind === "opaque") {
      if (b.dialect !== "openai-responses") return
      emit(out, "response.output_item.added", { output_index: outputIndex, item: b.value })
      emit(out, "response.output_item.done", { output_index: outputIndex, item: b.value })
      finished.push({ outputIndex, item: b.value })
      return
    }
    if (b.kind === "image") return
    const part: OpenItem["part"] = b.kind === "tool_call"
      ? { type: "tool_call", id: b.id, name: b.name, kind: b.callKind ?? "function", arguments: "", ...(b.namespace ? { namespace: b.namespace } : {}) }
      : { type: b.kind === "text" ? "text" : "thinking" }
    const custom = part.type === "tool_call" && (part.kind === "custom" || options.tools?.custom.has(part.name) === true)
    const itemId = part.type === "text"
      ? `msg_${id}_${outputIndex}`
      : part.type === "thinking"
      ? `rs_${id}_${outputIndex}`
      : `${custom ? "ctc" : "fc"}_${part.id}`
    const o: OpenItem = { outputIndex, id: itemId, part, text: "" }
    const item = itemOf(o, "in_progress")
    open.set(index, o)
    if (b.kind === "text") {
      emit(out, "response.output_item.added", { output_index: outputIndex, item: { ...item, content: [] } })
      emit(out, "response.content_part.added", { item_id: o.id, output_index: outputIndex, content_index: 0, part: { type: "output_text", annotations: [], logprobs: [], text: "" } })
    } else if (b.kind === "thinking") {
      emit(out, "response.output_item.added", { output_index: outputIndex, item: { id: o.id, type: "reasoning", status: "in_progress", summary: [] } })
      emit(out, "response.reasoning_summary_part.added", { item_id: o.id, output_index: outputIndex, summary_index: 0, part: { type: "summary_text", text: "" } })
    } else emit(out, "response.output_item.added", { output_index: outputIndex, item: { ...item, ...(item.type === "function_call" ? { arguments: "" } : { input: "" }) } })
  }
  const close = (index: number, given: string, out: Array<SseEvent>) => {
    const o = open.get(index)
    if (o === undefined) return
    // Rule 70: an item still open when a length/filter finish is known was cut off.
    const status = finish !== undefined && statusOf(finish).status === "incomplete" ? "incomplete" : given
    open.delete(index)
    const base = { item_id: o.id, output_index: o.outputIndex }
    if (o.part.type === "text") {
      const part = { type: "output_text", annotations: [], logprobs: [], text: o.text }
      emit(out, "response.output_text.done", { ...base, content_index: 0, text: o.text, logprobs: [] })
      emit(out, "response.content_part.done", { ...base, content_index: 0, part })
    } else if (o.part.type === "thinking") {
      emit(out, "response.reasoning_summary_text.done", { ...base, summary_index: 0, text: o.text })
      emit(out, "response.reasoning_summary_part.done", { ...base, summary_index: 0, part: { type: "summary_text", text: o.text } })
    } else if (o.part.kind === "custom" || options.tools?.custom.has(o.part.name) === true) {
      emit(out, "response.custom_tool_call_input.done", { ...base, input: String(itemOf(o, status).input ?? o.text) })
    } else {
      if (o.text === "") o.text = "{}"
      emit(out, "response.function_call_arguments.done", { ...base, arguments: o.text })
    }
    const item = itemOf(o, o.part.type === "thinking" ? "completed" : status)
    emit(out, "response.output_item.done", { output_index: o.outputIndex, item })
    finished.push({ outputIndex: o.outputIndex, item })
  }
  const terminate = (out: Array<SseEvent>) => {
    if (done) return
    ensureStart(out)
    const f = finish ?? { reason: "stop" as const }
    const { status, incomplete } = statusOf(f)
    // Rule 70: items in flight at a length/filter finish are incomplete, not completed.
    const itemStatus = status === "incomplete" ? "incomplete" : "completed"
    for (const index of [...open.keys()].sort((a, b) => (open.get(a)?.outputIndex ?? 0) - (open.get(b)?.outputIndex ?? 0))) {
      close(index, itemStatus, out)
    }
    done = true
    const output = [...finished].sort((a, b) => a.outputIndex - b.outputIndex).map((x) => x.item)
    const response = {
      ...shell(status),
      ...(incomplete === undefined ? {} : { incomplete_details: { reason: incomplete } }),
      output,
      usage: encodeUsage(usage)
    }
    emit(out, status === "incomplete" ? "response.incomplete" : "response.completed", { response })
  }
  return {
    step: (ev) => {
      const out: Array<SseEvent> = []
      if (done) return out
      switch (ev.type) {
        case "start":
          if (!started) {
            id = ev.id === "" ? id : ev.id
            if (options.model === undefined) model = ev.model
            if (ev.created !== undefined) created = ev.created
          }
          usage = mergeUsage(usage, ev.usage)
          ensureStart(out)
          break
        case "block_start":
          if (!open.has(ev.index)) begin(ev.index, ev.block, out)
          break
        case "delta": {
          const o = open.get(ev.index)
          if (o === undefined) break
          const d = ev.delta
          if (d.kind === "text" && o.part.type === "text" && d.text !== "") {
            o.text += d.text
            emit(out, "response.output_text.delta", { item_id: o.id, output_index: o.outputIndex, content_index: 0, delta: d.text, logprobs: [] })
          } else if (d.kind === "thinking" && o.part.type === "thinking" && d.text !== "") {
            o.text += d.text
            emit(out, "response.reasoning_summary_text.delta", { item_id: o.id, output_index: o.outputIndex, summary_index: 0, delta: d.text })
          } else if (d.kind === "signature" && o.part.type === "thinking") {
            o.signature = d.signature
            o.provider = d.provider
          } else if (d.kind === "arguments" && o.part.type === "tool_call" && d.json !== "") {
            o.text += d.json
            const custom = o.part.kind === "custom" || options.tools?.custom.has(o.part.name) === true
            // A freeform call that came back as `{"input": ...}` JSON is unwrapped whole at done.
            if (custom && o.part.kind !== "custom") break
            const type = custom ? "response.custom_tool_call_input.delta" : "response.function_call_arguments.delta"
            emit(out, type, { item_id: o.id, output_index: o.outputIndex, delta: d.json })
          }
          break
        }
        case "block_stop":
          close(ev.index, "completed", out)
          break
        case "usage":
          usage = mergeUsage(usage, ev.usage)
          break
        case "finish":
          if (finish === undefined || finishPriority(ev.finish.reason) > finishPriority(finish.reason)) finish = ev.finish
          break
        case "error":
          ensureStart(out)
          done = true
          emit(out, "response.failed", {
            response: { ...shell("failed"), error: { code: ev.errorType ?? "server_error", message: ev.message }, usage: encodeUsage(usage) }
          })
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

/** Stream transform: IR events to Responses SSE events. @category streams */
export const encodeStream = (options: EncodeOptions = {}) =>
<E, R>(self: Stream.Stream<IR.StreamEvent, E, R>): Stream.Stream<SseEvent, E, R> =>
  toStream(() => makeEncoder(options))(self)
