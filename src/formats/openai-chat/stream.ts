/**
 * OpenAI `chat.completion.chunk` streams <-> IR stream events (spec/04 5.2, rules 57-67).
 */
import type { Stream } from "effect"
import type * as IR from "../ir.js"
import { finishPriority } from "../ir.js"
import { arr, compact, type Json, type JsonObject, num, obj, str, tryParse } from "../json.js"
import type { SseEvent } from "../sse.js"
import { toStream, type Transducer } from "../transducer.js"
import { decodeUsage, encodeUsage } from "./response.js"
import { finishFromWire, finishToWire } from "./schema.js"

interface ToolAcc {
  block?: number
  id?: string
  name?: string
  pending: string
}

/** A decoder from chat chunks (SSE events) to IR events; ends on `[DONE]` or flush. @category decoding */
export const makeDecoder = (): Transducer<SseEvent, IR.StreamEvent> => {
  let started = false
  let ended = false
  let responseId = ""
  let next = 0
  let text: number | undefined
  let thinking: number | undefined
  let finished = false
  const tools = new Map<number, ToolAcc>()

  const closeText = (out: Array<IR.StreamEvent>) => {
    if (text !== undefined) out.push({ type: "block_stop", index: text })
    text = undefined
  }
  const closeThinking = (out: Array<IR.StreamEvent>) => {
    if (thinking !== undefined) out.push({ type: "block_stop", index: thinking })
    thinking = undefined
  }
  const startTool = (toolIndex: number, acc: ToolAcc, out: Array<IR.StreamEvent>) => {
    acc.block = next++
    // Rule 66: a call without id gets a deterministic one.
    acc.id ??= `call_${responseId}_0_${toolIndex}`
    out.push({ type: "block_start", index: acc.block, block: { kind: "tool_call", id: acc.id, name: acc.name ?? `tool_${toolIndex}` } })
    if (acc.pending !== "") out.push({ type: "delta", index: acc.block, delta: { kind: "arguments", json: acc.pending } })
    acc.pending = ""
  }
  const closeAll = (out: Array<IR.StreamEvent>) => {
    closeThinking(out)
    closeText(out)
    for (const [toolIndex, acc] of [...tools.entries()].sort((a, b) => a[0] - b[0])) {
      // Rule 57: a call with arguments but no id/name still gets a block; empty signals do not.
      if (acc.block === undefined && (acc.id !== undefined || acc.name !== undefined || acc.pending !== "")) {
        startTool(toolIndex, acc, out)
      }
      if (acc.block !== undefined) out.push({ type: "block_stop", index: acc.block })
    }
    tools.clear()
  }
  const end = (out: Array<IR.StreamEvent>) => {
    if (ended) return
    if (!started) return
    if (!finished) out.push({ type: "finish", finish: { reason: "stop" } })
    closeAll(out)
    ended = true
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
      const chunk = obj(tryParse(ev.data))
      if (chunk === undefined) return out
      const err = obj(chunk.error)
      if (err !== undefined) {
        out.push({ type: "error", message: str(err.message) ?? "upstream error", ...compactType(str(err.type)) })
        return out
      }
      if (!started) {
        started = true
        responseId = str(chunk.id) ?? ""
        const created = num(chunk.created)
        out.push({ type: "start", id: responseId, model: str(chunk.model) ?? "", ...(created === undefined ? {} : { created }) })
      }
      const choice = obj(arr(chunk.choices)?.[0])
      const delta = obj(choice?.delta)
      if (delta !== undefined) {
        const reasoning = str(delta.reasoning_content) ?? str(delta.reasoning)
        if (reasoning !== undefined && reasoning !== "") {
          closeText(out)
          if (thinking === undefined) {
            thinking = next++
            out.push({ type: "block_start", index: thinking, block: { kind: "thinking" } })
          }
          out.push({ type: "delta", index: thinking, delta: { kind: "thinking", text: reasoning } })
        }
        const content = str(delta.content)
        if (content !== undefined && content !== "") {
          closeThinking(out)
          if (text === undefined) {
            text = next++
            out.push({ type: "block_start", index: text, block: { kind: "text" } })
          }
          out.push({ type: "delta", index: text, delta: { kind: "text", text: content } })
        }
        for (const raw of arr(delta.tool_calls) ?? []) {
          const c = obj(raw)
          if (c === undefined) continue
          const toolIndex = num(c.index) ?? 0
          let acc = tools.get(toolIndex)
          if (acc === undefined) {
            acc = { pending: "" }
            tools.set(toolIndex, acc)
          }
          const f = obj(c.function) ?? {}
          const id = str(c.id)
          const name = str(f.name)
          if (id !== undefined && id !== "" && acc.id === undefined) acc.id = id
          if (name !== undefined && name !== "" && acc.name === undefined) acc.name = name
          const args = str(f.arguments) ?? ""
          if (acc.block === undefined) {
            acc.pending += args
            if (acc.name !== undefined) {
              closeThinking(out)
              closeText(out)
              startTool(toolIndex, acc, out)
            }
          } else if (args !== "") out.push({ type: "delta", index: acc.block, delta: { kind: "arguments", json: args } })
        }
      }
      const native = str(choice?.finish_reason)
      if (native !== undefined && native !== "" && !finished) {
        finished = true
        // The finish goes before the blocks close, so encoders can mark cut-off items.
        out.push({ type: "finish", finish: { reason: finishFromWire(native), native } })
        closeAll(out)
      }
      const usage = obj(chunk.usage)
      if (usage !== undefined) {
        out.push({ type: "usage", usage: decodeUsage(usage) })
        if (finished) end(out)
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

const compactType = (t: string | undefined): { errorType?: string } => (t === undefined ? {} : { errorType: t })

/** Options for the chat chunk encoder. @category encoding */
export interface EncoderOptions {
  /** Model name to report (the client's requested model); default: the upstream's. */
  readonly model?: string
  /** Creation time (unix seconds) when the upstream gives none. */
  readonly created?: number
  /** Put usage on the final chunk (the client asked `stream_options.include_usage`); default true. */
  readonly includeUsage?: boolean
}

/**
 * An encoder from IR events to chat chunks: role first, dense stable tool indexes,
 * no null keys (rule 61), one finish chunk, usage when asked, `data: [DONE]` last.
 * @category encoding
 */
export const makeEncoder = (options: EncoderOptions = {}): Transducer<IR.StreamEvent, SseEvent> => {
  let id = ""
  let model = options.model ?? ""
  let created = options.created ?? 0
  let started = false
  let done = false
  let finish: IR.Finish | undefined
  let usage: IR.Usage | undefined
  let sawTool = false
  let imageCount = 0
  const toolIndex = new Map<number, number>()

  const chunk = (delta: JsonObject, extra: JsonObject = {}): SseEvent => ({
    data: JSON.stringify({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: null, ...extra }]
    })
  })
  const ensureStart = (out: Array<SseEvent>) => {
    if (started) return
    started = true
    out.push(chunk({ role: "assistant" }))
  }
  const terminate = (out: Array<SseEvent>) => {
    if (done) return
    ensureStart(out)
    done = true
    const f = finish ?? { reason: "stop" as const }
    const reason = sawTool && f.reason !== "error" ? "tool_calls" : finishToWire(f.reason)
    const payload: Record<string, Json> = {
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [compact({ index: 0, delta: {}, finish_reason: reason, native_finish_reason: f.native?.toLowerCase() })]
    }
    if ((options.includeUsage ?? true) && usage !== undefined) payload.usage = encodeUsage(usage)
    out.push({ data: JSON.stringify(payload) }, { data: "[DONE]" })
  }

  return {
    step: (ev) => {
      const out: Array<SseEvent> = []
      if (done) return out
      switch (ev.type) {
        case "start":
          id = ev.id
          if (options.model === undefined) model = ev.model
          if (ev.created !== undefined) created = ev.created
          if (ev.usage !== undefined) usage = ev.usage
          ensureStart(out)
          break
        case "block_start":
          ensureStart(out)
          if (ev.block.kind === "tool_call") {
            sawTool = true
            const index = toolIndex.size
            toolIndex.set(ev.index, index)
            out.push(chunk({
              tool_calls: [{ index, id: ev.block.id, type: "function", function: { name: ev.block.name, arguments: "" } }]
            }))
          } else if (ev.block.kind === "image") {
            const url = `data:${ev.block.mime};base64,${ev.block.data}`
            out.push(chunk({ images: [{ index: imageCount++, type: "image_url", image_url: { url } }] }))
          }
          break
        case "delta": {
          ensureStart(out)
          const d = ev.delta
          if (d.kind === "text" && d.text !== "") out.push(chunk({ content: d.text }))
          else if (d.kind === "thinking" && d.text !== "") out.push(chunk({ reasoning_content: d.text }))
          else if (d.kind === "arguments" && d.json !== "") {
            const index = toolIndex.get(ev.index)
            if (index !== undefined) out.push(chunk({ tool_calls: [{ index, function: { arguments: d.json } }] }))
          }
          break
        }
        case "usage":
          usage = usage === undefined ? ev.usage : { ...usage, ...ev.usage }
          break
        case "finish":
          if (finish === undefined || finishPriority(ev.finish.reason) > finishPriority(finish.reason)) finish = ev.finish
          break
        case "error":
          ensureStart(out)
          done = true
          // spec/01 §4: an error after the first byte ends the stream without `[DONE]`
          out.push({ data: JSON.stringify({ error: compact({ message: ev.message, type: ev.errorType ?? "server_error", code: ev.status }) }) })
          break
        case "end":
          terminate(out)
          break
        case "block_stop":
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

/** Stream transform: chat chunk events to IR events. @category streams */
export const decodeStream: <E, R>(self: Stream.Stream<SseEvent, E, R>) => Stream.Stream<IR.StreamEvent, E, R> = toStream(
  makeDecoder
)

/** Stream transform: IR events to chat chunk events. @category streams */
export const encodeStream = (options: EncoderOptions = {}) =>
<E, R>(self: Stream.Stream<IR.StreamEvent, E, R>): Stream.Stream<SseEvent, E, R> =>
  toStream(() => makeEncoder(options))(self)
