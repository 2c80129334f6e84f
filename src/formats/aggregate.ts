/**
 * Builds a whole IR response from IR stream events (issue 3 point 6: some upstreams
 * only stream). Blocks become parts in the order they started.
 */
import type * as IR from "./ir.js"
import { finishPriority, mergeUsage } from "./ir.js"
import { defined } from "./json.js"

type Acc =
  | { kind: "text"; text: string }
  | { kind: "thinking"; text: string; signature?: string; provider?: IR.SignatureProvider; redacted?: string }
  | {
    kind: "tool_call"
    id: string
    name: string
    callKind: "function" | "custom"
    args: string
    namespace?: string
    signature?: string
    provider?: IR.SignatureProvider
  }
  | { kind: "image"; mime: string; data: string }
  | { kind: "opaque"; dialect: IR.Dialect; value: IR.OpaquePart["value"] }

/** Aggregates a finite sequence of IR stream events into a response. @category aggregation */
export const aggregate = (events: Iterable<IR.StreamEvent>): IR.Response => {
  let id = ""
  let model = ""
  let created: number | undefined
  let usage: IR.Usage | undefined
  let finish: IR.Finish | undefined
  let sawTool = false
  const blocks: Array<Acc> = []
  const open = new Map<number, Acc>()
  for (const ev of events) {
    switch (ev.type) {
      case "start":
        id = ev.id
        model = ev.model
        created = ev.created
        usage = mergeUsage(usage, ev.usage)
        break
      case "block_start": {
        const b = ev.block
        const acc: Acc = b.kind === "text"
          ? { kind: "text", text: "" }
          : b.kind === "thinking"
          ? { kind: "thinking", text: "", ...defined({ redacted: b.redacted }) }
          : b.kind === "tool_call"
          ? {
            kind: "tool_call",
            id: b.id,
            name: b.name,
            callKind: b.callKind ?? "function",
            args: "",
            ...defined({ namespace: b.namespace, signature: b.signature, provider: b.signatureProvider })
          }
          : b.kind === "image"
          ? { kind: "image", mime: b.mime, data: b.data }
          : { kind: "opaque", dialect: b.dialect, value: b.value }
        if (acc.kind === "tool_call") sawTool = true
        blocks.push(acc)
        open.set(ev.index, acc)
        break
      }
      case "delta": {
        const acc = open.get(ev.index)
        if (acc === undefined) break
        const d = ev.delta
        if ((d.kind === "text" || d.kind === "thinking") && (acc.kind === "text" || acc.kind === "thinking")) acc.text += d.text
        else if (d.kind === "arguments" && acc.kind === "tool_call") acc.args += d.json
        else if (d.kind === "signature" && (acc.kind === "thinking" || acc.kind === "tool_call")) {
          acc.signature = d.signature
          acc.provider = d.provider
        }
        break
      }
      case "block_stop":
        open.delete(ev.index)
        break
      case "usage":
        usage = mergeUsage(usage, ev.usage)
        break
      case "finish":
        if (finish === undefined || finishPriority(ev.finish.reason) > finishPriority(finish.reason)) finish = ev.finish
        break
      case "error":
        finish = { reason: "error", native: ev.message }
        break
      case "end":
        break
    }
  }
  const parts = blocks.map((b): IR.Part => {
    switch (b.kind) {
      case "text":
        return { type: "text", text: b.text }
      case "thinking":
        return {
          type: "thinking",
          text: b.text,
          ...defined({ signature: b.signature, signatureProvider: b.provider, redacted: b.redacted })
        }
      case "tool_call":
        return {
          type: "tool_call",
          id: b.id,
          name: b.name,
          kind: b.callKind,
          arguments: b.args === "" && b.callKind === "function" ? "{}" : b.args,
          ...defined({ namespace: b.namespace, signature: b.signature, signatureProvider: b.provider })
        }
      case "image":
        return { type: "image", source: { kind: "base64", mime: b.mime, data: b.data } }
      case "opaque":
        return { type: "opaque", dialect: b.dialect, value: b.value }
    }
  })
  const f: IR.Finish = finish ?? { reason: "stop" }
  return {
    id,
    model,
    parts,
    // A call seen anywhere turns a plain stop into a tool-call finish (Gemini ends calls with STOP).
    finish: sawTool && f.reason === "stop" ? { ...f, reason: "tool_calls" } : f,
    ...defined({ created, usage })
  }
}
