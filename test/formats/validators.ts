/** Validity checkers for each dialect's stream (issue 3 point 4). Return a list of violations. */
import type { SseEvent } from "../../src/formats/sse.js"

type Obj = Record<string, unknown>
const parse = (e: SseEvent): Obj => JSON.parse(e.data) as Obj

/** Claude: message_start first; blocks contiguous from 0, never overlapping; one message_delta then message_stop last. */
export const claudeViolations = (events: ReadonlyArray<SseEvent>): Array<string> => {
  const v: Array<string> = []
  type State = "init" | "body" | "delta" | "stopped" | "error"
  let state = "init" as State
  let open: { index: number; type: string } | undefined
  let nextIndex = 0
  events.forEach((e, i) => {
    const d = parse(e)
    if (d.type !== e.event) v.push(`${i}: event ${e.event} carries type ${String(d.type)}`)
    if (state === "stopped" || state === "error") v.push(`${i}: ${e.event} after the end`)
    if (e.event === "error") {
      state = "error"
      return
    }
    if (state === "init" && e.event !== "message_start") v.push(`${i}: ${e.event} before message_start`)
    switch (e.event) {
      case "message_start":
        if (state !== "init") v.push(`${i}: second message_start`)
        if (typeof (d.message as Obj | undefined)?.usage !== "object") v.push(`${i}: message_start without usage`)
        state = "body"
        break
      case "content_block_start": {
        if (open !== undefined) v.push(`${i}: block started while ${open.index} open`)
        if (d.index !== nextIndex) v.push(`${i}: block index ${String(d.index)}, expected ${nextIndex}`)
        if (state !== "body") v.push(`${i}: block after message_delta`)
        open = { index: nextIndex++, type: String((d.content_block as Obj).type) }
        break
      }
      case "content_block_delta": {
        const dt = String((d.delta as Obj).type)
        if (open === undefined || d.index !== open.index) v.push(`${i}: delta for closed block ${String(d.index)}`)
        else {
          const ok = { text: ["text_delta"], thinking: ["thinking_delta", "signature_delta"], tool_use: ["input_json_delta"] }[open.type]
          if (ok !== undefined && !ok.includes(dt)) v.push(`${i}: ${dt} in a ${open.type} block`)
        }
        break
      }
      case "content_block_stop":
        if (open === undefined || d.index !== open.index) v.push(`${i}: stop for closed block ${String(d.index)}`)
        open = undefined
        break
      case "message_delta":
        if (state !== "body") v.push(`${i}: message_delta twice`)
        if (open !== undefined) v.push(`${i}: message_delta with block ${open.index} open`)
        if (typeof d.usage !== "object") v.push(`${i}: message_delta without usage`)
        state = "delta"
        break
      case "message_stop":
        if (state !== "delta") v.push(`${i}: message_stop without message_delta`)
        state = "stopped"
        break
      default:
        v.push(`${i}: unknown event ${String(e.event)}`)
    }
  })
  if (state !== "stopped" && state !== "error") v.push("stream not terminated")
  return v
}

/** OpenAI chat: role first, no null keys, dense stable tool indexes, one finish, `[DONE]` last (none after an error). */
export const chatViolations = (events: ReadonlyArray<SseEvent>): Array<string> => {
  const v: Array<string> = []
  const last = events[events.length - 1]
  const chunks = events.filter((e) => e.data !== "[DONE]").map(parse)
  const errored = chunks.some((c) => c.error !== undefined)
  if (errored) {
    // spec/01 §4: an error ends the stream, without `[DONE]`
    if (last?.data === "[DONE]" || parse(last ?? { data: "{}" }).error === undefined) v.push("error chunk is not the last")
    return v
  }
  if (last?.data !== "[DONE]") v.push("[DONE] is not last")
  if (events.filter((e) => e.data === "[DONE]").length !== 1) v.push("[DONE] not exactly once")
  let finishes = 0
  const toolIds = new Map<number, string>()
  chunks.forEach((c, i) => {
    if (c.object !== "chat.completion.chunk") v.push(`${i}: object ${String(c.object)}`)
    const choice = (c.choices as Array<Obj>)[0] as Obj
    const delta = choice.delta as Obj
    if (i === 0 && delta.role !== "assistant") v.push("first chunk lacks role")
    for (const k of ["content", "reasoning_content", "tool_calls"]) if (k in delta && delta[k] === null) v.push(`${i}: null ${k}`)
    if (choice.finish_reason !== null) {
      finishes++
      if (i !== chunks.length - 1) v.push(`${i}: finish_reason before the last chunk`)
    }
    for (const t of (delta.tool_calls as Array<Obj> | undefined) ?? []) {
      const index = t.index as number
      if (!toolIds.has(index)) {
        if (index !== toolIds.size) v.push(`${i}: tool index ${index} not dense`)
        if (typeof t.id !== "string" || typeof (t.function as Obj).name !== "string") v.push(`${i}: tool ${index} introduced without id/name`)
        toolIds.set(index, String(t.id))
      } else if (t.id !== undefined && t.id !== toolIds.get(index)) v.push(`${i}: tool ${index} changed id`)
    }
  })
  if (finishes !== 1) v.push(`finish_reason ${finishes} times`)
  return v
}

/** Gemini: response fragments; calls whole with object args; finishReason only (and always) on the last fragment. */
export const geminiViolations = (events: ReadonlyArray<SseEvent>, envelope = false): Array<string> => {
  const v: Array<string> = []
  // Errors are never wrapped: `{"error": {...}}` is the same for both clients.
  const bodies = events.map(parse).map((b) => (envelope && b.error === undefined ? (b.response as Obj) : b))
  if (bodies.length === 0) return ["empty stream"]
  const last = bodies[bodies.length - 1] as Obj
  if (last.error !== undefined) return v
  bodies.forEach((b, i) => {
    const cand = (b.candidates as Array<Obj> | undefined)?.[0]
    if (cand === undefined) return void v.push(`${i}: no candidate`)
    const parts = ((cand.content as Obj).parts as Array<Obj>)
    for (const p of parts) {
      const fc = p.functionCall as Obj | undefined
      if (fc !== undefined && (typeof fc.args !== "object" || fc.args === null)) v.push(`${i}: functionCall args not an object`)
    }
    const isLast = i === bodies.length - 1
    if ((cand.finishReason !== undefined) !== isLast) v.push(`${i}: finishReason ${isLast ? "missing on" : "before"} the last fragment`)
    if (!isLast && parts.length === 0) v.push(`${i}: empty fragment`)
  })
  return v
}

/** Responses: created + in_progress first, items added then done once each with sequential output_index, one terminal event last. */
export const responsesViolations = (events: ReadonlyArray<SseEvent>): Array<string> => {
  const v: Array<string> = []
  const open = new Map<number, { id: string; args: string; text: string }>()
  let added = 0
  let doneCount = 0
  let terminal = false
  events.forEach((e, i) => {
    const d = parse(e)
    if (d.type !== e.event) v.push(`${i}: event ${e.event} carries type ${String(d.type)}`)
    if (d.sequence_number !== i + 1) v.push(`${i}: sequence_number ${String(d.sequence_number)}`)
    if (terminal) v.push(`${i}: ${e.event} after the terminal event`)
    if (i === 0 && e.event !== "response.created" && e.event !== "response.failed") v.push("first event is not response.created")
    if (i === 1 && e.event !== "response.in_progress" && e.event !== "response.failed") v.push("second event is not response.in_progress")
    const oi = d.output_index as number
    switch (e.event) {
      case "response.output_item.added": {
        if (oi !== added) v.push(`${i}: output_index ${oi}, expected ${added}`)
        added++
        open.set(oi, { id: String((d.item as Obj).id), args: "", text: "" })
        break
      }
      case "response.output_item.done": {
        if (!open.has(oi)) v.push(`${i}: done for item ${oi} not open`)
        const o = open.get(oi)
        const item = d.item as Obj
        if (o !== undefined && item.type === "function_call" && o.args !== "" && item.arguments !== o.args) v.push(`${i}: arguments differ from deltas`)
        if (item.type === "function_call" && typeof item.name !== "string") v.push(`${i}: function_call done without name`)
        open.delete(oi)
        doneCount++
        break
      }
      case "response.output_text.delta":
      case "response.reasoning_summary_text.delta":
      case "response.function_call_arguments.delta":
      case "response.custom_tool_call_input.delta": {
        const o = open.get(oi)
        if (o === undefined || o.id !== d.item_id) v.push(`${i}: delta for item ${oi} not open`)
        else if (e.event === "response.function_call_arguments.delta") o.args += String(d.delta)
        if (e.event === "response.reasoning_summary_text.delta" && typeof d.delta !== "string") v.push(`${i}: summary delta lacks delta`)
        break
      }
      case "response.completed":
      case "response.incomplete":
      case "response.failed": {
        terminal = true
        if (open.size > 0 && e.event !== "response.failed") v.push(`${i}: terminal with ${open.size} items open`)
        const r = d.response as Obj
        if (e.event !== "response.failed") {
          if ((r.output as Array<unknown>).length !== doneCount) v.push(`${i}: output has ${(r.output as Array<unknown>).length} items, ${doneCount} done`)
          const u = r.usage as Obj
          if (typeof (u.output_tokens_details as Obj | undefined)?.reasoning_tokens !== "number") v.push(`${i}: usage lacks reasoning_tokens`)
        }
        break
      }
    }
  })
  if (!terminal) v.push("no terminal event")
  return v
}
