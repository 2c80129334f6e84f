/**
 * OpenAI Responses / Codex SSE -> IR stream events (spec/04 5.1-5.3 "from codex";
 * rules 52, 58-60). The encoder is `stream-encode.ts`.
 */
import type { Stream } from "effect"
import { emptyNameMap, fromWireName } from "../ids.js"
import type * as IR from "../ir.js"
import { type JsonObject, num, obj, str, tryParse } from "../json.js"
import type { SseEvent } from "../sse.js"
import { toStream, type Transducer } from "../transducer.js"
import { type DecodeOptions, decodeItem } from "./response.js"
import { decodeUsage, finishFromStatus } from "./schema.js"

interface Item {
  readonly kind: "text" | "thinking" | "tool_call" | "opaque"
  index?: number
  sawDelta: boolean
  summaryIndex: number
  call?: { id: string; name: string; custom: boolean; namespace?: string }
}

/** A decoder from Responses SSE events to IR events. @category decoding */
export const makeDecoder = (options: DecodeOptions = {}): Transducer<SseEvent, IR.StreamEvent> => {
  const names = options.names ?? emptyNameMap
  let started = false
  let ended = false
  let next = 0
  let sawTool = false
  const items = new Map<number, Item>()
  const open = (key: number, item: Item, block: IR.BlockKind, out: Array<IR.StreamEvent>): number => {
    item.index = next++
    out.push({ type: "block_start", index: item.index, block })
    items.set(key, item)
    return item.index
  }
  const textBlock = (key: number, kind: "text" | "thinking", out: Array<IR.StreamEvent>): number => {
    const it = items.get(key)
    if (it?.index !== undefined) return it.index
    return open(key, it ?? { kind, sawDelta: false, summaryIndex: 0 }, { kind }, out)
  }
  const startCall = (key: number, it: Item, out: Array<IR.StreamEvent>) => {
    const c = it.call
    if (c === undefined || it.index !== undefined || c.name === "") return
    sawTool = true
    open(key, it, {
      kind: "tool_call",
      id: c.id,
      name: fromWireName(names, c.name),
      callKind: c.custom ? "custom" : "function",
      ...(c.namespace === undefined ? {} : { namespace: c.namespace })
    }, out)
  }
  const stop = (key: number, out: Array<IR.StreamEvent>) => {
    const it = items.get(key)
    if (it?.index !== undefined) out.push({ type: "block_stop", index: it.index })
    items.delete(key)
  }
  const finishUp = (r: JsonObject | undefined, out: Array<IR.StreamEvent>) => {
    if (ended) return
    if (!started) start(r ?? {}, out)
    for (const key of [...items.keys()]) stop(key, out)
    const usage = obj(r?.usage)
    if (usage !== undefined) out.push({ type: "usage", usage: decodeUsage(usage) })
    out.push({ type: "finish", finish: finishFromStatus(str(r?.status), str(obj(r?.incomplete_details)?.reason), sawTool) }, { type: "end" })
    ended = true
  }
  const start = (r: JsonObject, out: Array<IR.StreamEvent>) => {
    started = true
    const created = num(r.created_at)
    out.push({ type: "start", id: str(r.id) ?? "", model: str(r.model) ?? "", ...(created === undefined ? {} : { created }) })
  }
  return {
    step: (ev) => {
      const out: Array<IR.StreamEvent> = []
      if (ended) return out
      const e = obj(tryParse(ev.data))
      if (e === undefined) return out
      const type = str(e.type) ?? ev.event ?? ""
      if (!started && type !== "error" && type !== "response.failed") start(obj(e.response) ?? {}, out)
      const key = num(e.output_index) ?? 0
      switch (type) {
        case "response.output_item.added": {
          const item = obj(e.item) ?? {}
          if (item.type === "reasoning") open(key, { kind: "thinking", sawDelta: false, summaryIndex: 0 }, { kind: "thinking" }, out)
          else if (item.type === "function_call" || item.type === "custom_tool_call") {
            const it: Item = {
              kind: "tool_call",
              sawDelta: false,
              summaryIndex: 0,
              call: { id: str(item.call_id) ?? str(item.id) ?? "", name: str(item.name) ?? "", custom: item.type === "custom_tool_call", ...(str(item.namespace) ? { namespace: str(item.namespace) as string } : {}) }
            }
            items.set(key, it)
            // Rule 59: the block starts once the name is known.
            startCall(key, it, out)
          }
          break
        }
        case "response.output_text.delta":
        case "response.refusal.delta": {
          const delta = str(e.delta) ?? ""
          if (delta !== "") out.push({ type: "delta", index: textBlock(key, "text", out), delta: { kind: "text", text: delta } })
          break
        }
        case "response.reasoning_summary_text.delta":
        case "response.reasoning_text.delta": {
          const delta = str(e.delta) ?? ""
          const index = textBlock(key, "thinking", out)
          const it = items.get(key) as Item
          const si = num(e.summary_index) ?? 0
          // One thinking block per reasoning item (rule 52); summary parts are separated by a blank line.
          const sep = si > it.summaryIndex && it.sawDelta ? "\n\n" : ""
          it.summaryIndex = si
          if (delta !== "") {
            it.sawDelta = true
            out.push({ type: "delta", index, delta: { kind: "thinking", text: sep + delta } })
          }
          break
        }
        case "response.function_call_arguments.delta":
        case "response.custom_tool_call_input.delta": {
          const it = items.get(key)
          const delta = str(e.delta) ?? ""
          if (it?.index !== undefined && delta !== "") {
            it.sawDelta = true
            out.push({ type: "delta", index: it.index, delta: { kind: "arguments", json: delta } })
          }
          break
        }
        case "response.function_call_arguments.done":
        case "response.custom_tool_call_input.done": {
          const it = items.get(key)
          const full = str(e.arguments) ?? str(e.input) ?? ""
          // Rule 58: `done` carries the full arguments; use it only when no delta came.
          if (it?.index !== undefined && !it.sawDelta && full !== "") {
            it.sawDelta = true
            out.push({ type: "delta", index: it.index, delta: { kind: "arguments", json: full } })
          }
          break
        }
        case "response.output_item.done": {
          const item = obj(e.item) ?? {}
          let it = items.get(key)
          if (item.type === "function_call" || item.type === "custom_tool_call") {
            const name = str(item.name) ?? ""
            if (it === undefined) {
              it = { kind: "tool_call", sawDelta: false, summaryIndex: 0, call: { id: str(item.call_id) ?? "", name, custom: item.type === "custom_tool_call" } }
              items.set(key, it)
            }
            if (it.call !== undefined && it.call.name === "") it.call.name = name
            startCall(key, it, out)
            const full = item.type === "custom_tool_call" ? str(item.input) : str(item.arguments)
            if (it.index !== undefined && !it.sawDelta && full !== undefined && full !== "") {
              out.push({ type: "delta", index: it.index, delta: { kind: "arguments", json: full } })
            }
          } else if (item.type === "reasoning") {
            const index = textBlock(key, "thinking", out)
            const enc = str(item.encrypted_content)
            if (enc !== undefined && enc !== "") out.push({ type: "delta", index, delta: { kind: "signature", signature: enc, provider: "openai" } })
          } else if (item.type === "message") {
            // Text that was never streamed as deltas still reaches the client.
            if (items.get(key)?.index === undefined) {
              for (const p of decodeItem(item, names)) {
                if (p.type !== "text") continue
                out.push({ type: "delta", index: textBlock(key, "text", out), delta: { kind: "text", text: p.text } })
              }
            }
          } else if (it === undefined && item.type !== undefined) {
            const index = next++
            out.push({ type: "block_start", index, block: { kind: "opaque", dialect: "openai-responses", value: item } }, { type: "block_stop", index })
          }
          stop(key, out)
          break
        }
        case "response.completed":
        case "response.incomplete":
          finishUp(obj(e.response), out)
          break
        case "response.failed":
        case "error": {
          const err = obj(obj(e.response)?.error) ?? obj(e.error) ?? e
          out.push({ type: "error", message: str(err.message) ?? "upstream error", ...(str(err.code) ? { errorType: str(err.code) as string } : {}) })
          ended = true
          break
        }
      }
      return out
    },
    flush: () => {
      const out: Array<IR.StreamEvent> = []
      // No response.completed: still close what is open (spec/04 5.5).
      if (started) finishUp(undefined, out)
      return out
    }
  }
}

/** Stream transform: Responses SSE events to IR events. @category streams */
export const decodeStream = (options: DecodeOptions = {}) =>
<E, R>(self: Stream.Stream<SseEvent, E, R>): Stream.Stream<IR.StreamEvent, E, R> =>
  toStream(() => makeDecoder(options))(self)
