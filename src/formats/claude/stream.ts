/**
 * Anthropic Messages SSE <-> IR stream events (spec/04 5.1, rules 4, 54-56). The encoder
 * always writes a valid Claude stream: message_start first, contiguous non-overlapping
 * block indexes (interleaved blocks are serialised), exactly one message_delta and
 * message_stop at the end, or an error event.
 */
import type { Stream } from "effect"
import { sanitizeClaudeId } from "../ids.js"
import type * as IR from "../ir.js"
import { finishPriority, mergeUsage } from "../ir.js"
import { type Json, type JsonObject, num, obj, str, tryParse } from "../json.js"
import type { SseEvent } from "../sse.js"
import { toStream, type Transducer } from "../transducer.js"
import { decodeUsage, encodeUsage, finishFromWire, finishToWire } from "./schema.js"

/** A decoder from Claude SSE events to IR events. @category decoding */
export const makeDecoder = (): Transducer<SseEvent, IR.StreamEvent> => {
  let started = false
  let ended = false
  let finished = false
  const open = new Set<number>()
  const finishOut = (out: Array<IR.StreamEvent>) => {
    if (ended || !started) return
    for (const i of open) out.push({ type: "block_stop", index: i })
    open.clear()
    if (!finished) out.push({ type: "finish", finish: { reason: "stop" } })
    ended = true
    out.push({ type: "end" })
  }
  return {
    step: (ev) => {
      const out: Array<IR.StreamEvent> = []
      if (ended) return out
      const e = obj(tryParse(ev.data))
      if (e === undefined) return out
      switch (e.type) {
        case "message_start": {
          const m = obj(e.message) ?? {}
          const usage = obj(m.usage)
          started = true
          out.push({ type: "start", id: str(m.id) ?? "", model: str(m.model) ?? "", ...(usage ? { usage: decodeUsage(usage) } : {}) })
          break
        }
        case "content_block_start": {
          const index = num(e.index) ?? 0
          const b = obj(e.content_block) ?? {}
          const block: IR.BlockKind = b.type === "text"
            ? { kind: "text" }
            : b.type === "thinking"
            ? { kind: "thinking" }
            : b.type === "redacted_thinking"
            ? { kind: "thinking", redacted: str(b.data) ?? "" }
            : b.type === "tool_use"
            ? { kind: "tool_call", id: str(b.id) ?? "", name: str(b.name) ?? "" }
            : { kind: "opaque", dialect: "claude", value: b }
          open.add(index)
          out.push({ type: "block_start", index, block })
          const initial = str(b.text) ?? str(b.thinking)
          if (initial !== undefined && initial !== "") {
            out.push({ type: "delta", index, delta: { kind: b.type === "thinking" ? "thinking" : "text", text: initial } })
          }
          break
        }
        case "content_block_delta": {
          const index = num(e.index) ?? 0
          const d = obj(e.delta) ?? {}
          const delta: IR.Delta | undefined = d.type === "text_delta"
            ? { kind: "text", text: str(d.text) ?? "" }
            : d.type === "thinking_delta"
            ? { kind: "thinking", text: str(d.thinking) ?? "" }
            : d.type === "signature_delta"
            ? { kind: "signature", signature: str(d.signature) ?? "", provider: "anthropic" }
            : d.type === "input_json_delta"
            ? { kind: "arguments", json: str(d.partial_json) ?? "" }
            : undefined
          if (delta !== undefined) out.push({ type: "delta", index, delta })
          break
        }
        case "content_block_stop": {
          const index = num(e.index) ?? 0
          open.delete(index)
          out.push({ type: "block_stop", index })
          break
        }
        case "message_delta": {
          const d = obj(e.delta) ?? {}
          const usage = obj(e.usage)
          if (usage !== undefined) out.push({ type: "usage", usage: decodeUsage(usage) })
          const native = str(d.stop_reason)
          if (native !== undefined) {
            finished = true
            const stopSequence = str(d.stop_sequence)
            out.push({ type: "finish", finish: { reason: finishFromWire(native), native, ...(stopSequence ? { stopSequence } : {}) } })
          }
          break
        }
        case "message_stop":
          finishOut(out)
          break
        case "error": {
          const err = obj(e.error) ?? {}
          const errorType = str(err.type)
          out.push({ type: "error", message: str(err.message) ?? "upstream error", ...(errorType ? { errorType } : {}) })
          ended = true
          break
        }
      }
      return out
    },
    flush: () => {
      const out: Array<IR.StreamEvent> = []
      finishOut(out)
      return out
    }
  }
}

/** Options for the Claude stream encoder. @category encoding */
export interface EncoderOptions {
  /** Model name to report; default the upstream's. */
  readonly model?: string
  /** Message id when the upstream gives none. */
  readonly id?: string
}

const sse = (type: string, payload: JsonObject): SseEvent => ({ event: type, data: JSON.stringify({ type, ...payload }) })

interface Pending {
  readonly ir: number
  readonly events: Array<IR.StreamEvent>
  stopped: boolean
}

/** An encoder from IR events to a valid Claude SSE stream. @category encoding */
export const makeEncoder = (options: EncoderOptions = {}): Transducer<IR.StreamEvent, SseEvent> => {
  let started = false
  let done = false
  let next = 0
  let blocks = 0
  let sawTool = false
  let active: { ir: number; wire: number; kind: IR.BlockKind["kind"] } | undefined
  const queue: Array<Pending> = []
  let usage: IR.Usage | undefined
  let finish: IR.Finish | undefined

  const ensureStart = (out: Array<SseEvent>, id = options.id ?? "msg_proxy", model = options.model ?? "") => {
    if (started) return
    started = true
    out.push(sse("message_start", {
      message: {
        id,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: encodeUsage(usage)
      }
    }))
  }
  const wireBlock = (b: IR.BlockKind): JsonObject | undefined => {
    switch (b.kind) {
      case "text":
        return { type: "text", text: "" }
      case "thinking":
        return b.redacted !== undefined ? { type: "redacted_thinking", data: b.redacted } : { type: "thinking", thinking: "" }
      case "tool_call":
        return { type: "tool_use", id: sanitizeClaudeId(b.id), name: b.name, input: {} }
      case "opaque":
        return b.dialect === "claude" && obj(b.value) !== undefined ? (b.value as JsonObject) : undefined
      case "image":
        return undefined
    }
  }
  const open = (ir: number, b: IR.BlockKind, out: Array<SseEvent>) => {
    const content = wireBlock(b)
    if (content === undefined) return
    if (b.kind === "tool_call") sawTool = true
    active = { ir, wire: next++, kind: b.kind }
    blocks++
    out.push(sse("content_block_start", { index: active.wire, content_block: content }))
  }
  const emitDelta = (d: IR.Delta, out: Array<SseEvent>) => {
    if (active === undefined) return
    const index = active.wire
    let delta: Json | undefined
    if (d.kind === "text" && active.kind === "text" && d.text !== "") delta = { type: "text_delta", text: d.text }
    else if (d.kind === "thinking" && active.kind === "thinking" && d.text !== "") delta = { type: "thinking_delta", thinking: d.text }
    else if (d.kind === "signature" && active.kind === "thinking" && d.signature !== "") delta = { type: "signature_delta", signature: d.signature }
    else if (d.kind === "arguments" && active.kind === "tool_call" && d.json !== "") delta = { type: "input_json_delta", partial_json: d.json }
    if (delta !== undefined) out.push(sse("content_block_delta", { index, delta }))
  }
  const close = (out: Array<SseEvent>) => {
    if (active === undefined) return
    out.push(sse("content_block_stop", { index: active.wire }))
    active = undefined
    drain(out)
  }
  // Serialise blocks that started while another was open (rule 55).
  const drain = (out: Array<SseEvent>) => {
    while (active === undefined && queue.length > 0) {
      const p = queue.shift() as Pending
      for (const e of p.events) {
        if (e.type === "block_start") open(e.index, e.block, out)
        else if (e.type === "delta" && active !== undefined) emitDelta(e.delta, out)
      }
      if (p.stopped && active !== undefined) close(out)
    }
  }
  const terminate = (out: Array<SseEvent>) => {
    if (done) return
    ensureStart(out)
    for (const p of queue) p.stopped = true
    close(out)
    drain(out)
    // Rule 4: an empty reply still carries one (empty) text block.
    if (blocks === 0) {
      out.push(sse("content_block_start", { index: next, content_block: { type: "text", text: "" } }))
      out.push(sse("content_block_stop", { index: next++ }))
    }
    done = true
    const f = finish ?? { reason: "stop" as const }
    const reason = sawTool ? "tool_use" : finishToWire(f.reason === "tool_calls" ? "stop" : f.reason)
    out.push(sse("message_delta", {
      delta: { stop_reason: reason, stop_sequence: f.stopSequence ?? null },
      usage: encodeUsage(usage)
    }))
    out.push(sse("message_stop", {}))
  }
  const handle = (ev: IR.StreamEvent, out: Array<SseEvent>): void => {
    switch (ev.type) {
      case "start":
        usage = mergeUsage(usage, ev.usage)
        ensureStart(out, ev.id === "" ? options.id : ev.id, options.model ?? ev.model)
        return
      case "block_start": {
        ensureStart(out)
        if (active !== undefined || queue.length > 0) queue.push({ ir: ev.index, events: [ev], stopped: false })
        else open(ev.index, ev.block, out)
        return
      }
      case "delta": {
        if (active?.ir === ev.index) return emitDelta(ev.delta, out)
        const p = queue.find((q) => q.ir === ev.index)
        if (p !== undefined) p.events.push(ev)
        return
      }
      case "block_stop": {
        if (active?.ir === ev.index) return close(out)
        const p = queue.find((q) => q.ir === ev.index)
        if (p !== undefined) p.stopped = true
        return
      }
      case "usage":
        usage = mergeUsage(usage, ev.usage)
        return
      case "finish":
        if (finish === undefined || finishPriority(ev.finish.reason) > finishPriority(finish.reason)) finish = ev.finish
        return
      case "error":
        ensureStart(out)
        done = true
        out.push(sse("error", { error: { type: ev.errorType ?? "api_error", message: ev.message } }))
        return
      case "end":
        return terminate(out)
    }
  }
  return {
    step: (ev) => {
      const out: Array<SseEvent> = []
      if (!done) handle(ev, out)
      return out
    },
    flush: () => {
      const out: Array<SseEvent> = []
      terminate(out)
      return out
    }
  }
}

/** Stream transform: Claude SSE events to IR events. @category streams */
export const decodeStream: <E, R>(self: Stream.Stream<SseEvent, E, R>) => Stream.Stream<IR.StreamEvent, E, R> = toStream(
  makeDecoder
)

/** Stream transform: IR events to Claude SSE events. @category streams */
export const encodeStream = (options: EncoderOptions = {}) =>
<E, R>(self: Stream.Stream<IR.StreamEvent, E, R>): Stream.Stream<SseEvent, E, R> =>
  toStream(() => makeEncoder(options))(self)
