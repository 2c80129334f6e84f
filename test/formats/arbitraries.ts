/** fast-check generators of IR stream event sequences. */
import fc from "fast-check"
import type * as IR from "../../src/formats/ir.js"

type Block =
  | { kind: "text"; chunks: Array<string> }
  | { kind: "thinking"; chunks: Array<string>; signature?: string }
  | { kind: "tool_call"; id: string; name: string; chunks: Array<string> }

const textArb = fc.string({ unit: fc.constantFrom("a", "b", " ", "é", "\n", "\"", "😀"), minLength: 1, maxLength: 6 })
const argsArb = fc
  .dictionary(fc.constantFrom("city", "n", "q"), fc.oneof(fc.string({ maxLength: 4 }), fc.integer()), { maxKeys: 3 })
  .chain((o) => {
    const json = JSON.stringify(o)
    return fc.array(fc.nat(json.length), { maxLength: 3 }).map((cuts) => {
      const pts = [...new Set(cuts)].sort((a, b) => a - b)
      const out: Array<string> = []
      let prev = 0
      for (const p of pts) {
        out.push(json.slice(prev, p))
        prev = p
      }
      out.push(json.slice(prev))
      return out.filter((s) => s !== "")
    })
  })

const blockArb: fc.Arbitrary<Block> = fc.oneof(
  fc.record({ kind: fc.constant("text" as const), chunks: fc.array(textArb, { minLength: 1, maxLength: 4 }) }),
  fc.record(
    { kind: fc.constant("thinking" as const), chunks: fc.array(textArb, { minLength: 1, maxLength: 3 }), signature: fc.constantFrom("sigA", "sigB") },
    { requiredKeys: ["kind", "chunks"] }
  ),
  fc.record({
    kind: fc.constant("tool_call" as const),
    id: fc.constantFrom("call_1", "call_2", "toolu_x"),
    name: fc.constantFrom("get_weather", "search", "Bash"),
    chunks: argsArb
  })
)

const finishArb: fc.Arbitrary<IR.Finish> = fc.record(
  { reason: fc.constantFrom<IR.FinishReason>("stop", "length", "tool_calls", "content_filter", "stop_sequence"), native: fc.constantFrom("x", "STOP") },
  { requiredKeys: ["reason"] }
)

const usageArb: fc.Arbitrary<IR.Usage> = fc.record(
  { input: fc.nat(1000), cachedRead: fc.nat(100), output: fc.nat(500), reasoning: fc.nat(50) },
  { requiredKeys: [] }
).map((u) => ({ ...u, ...(u.input !== undefined && u.cachedRead !== undefined ? { cachedRead: Math.min(u.cachedRead, u.input) } : {}) }))

const blockEvents = (index: number, b: Block): Array<IR.StreamEvent> => {
  const start: IR.StreamEvent = {
    type: "block_start",
    index,
    block: b.kind === "tool_call" ? { kind: "tool_call", id: `${b.id}_${index}`, name: b.name } : { kind: b.kind }
  }
  const deltas: Array<IR.StreamEvent> = b.chunks.map((c) => ({
    type: "delta",
    index,
    delta: b.kind === "tool_call" ? { kind: "arguments", json: c } : { kind: b.kind, text: c }
  }))
  if (b.kind === "thinking" && b.signature !== undefined) {
    deltas.push({ type: "delta", index, delta: { kind: "signature", signature: b.signature, provider: "anthropic" } })
  }
  return [start, ...deltas, { type: "block_stop", index }]
}

/** Well-formed sequences: start, blocks one after another, usage, finish, end. */
export const sequentialEvents: fc.Arbitrary<Array<IR.StreamEvent>> = fc
  .tuple(fc.array(blockArb, { maxLength: 5 }), fc.option(usageArb, { nil: undefined }), finishArb, fc.boolean())
  .map(([blocks, usage, finish, withEnd]) => [
    { type: "start", id: "resp_1", model: "m" } as IR.StreamEvent,
    ...blocks.flatMap((b, i) => blockEvents(i, b)),
    ...(usage === undefined ? [] : [{ type: "usage", usage } as IR.StreamEvent]),
    { type: "finish", finish } as IR.StreamEvent,
    ...(withEnd ? [{ type: "end" } as IR.StreamEvent] : [])
  ])

/** Well-formed but interleaved: several blocks open at once (parallel tool calls). */
export const interleavedEvents: fc.Arbitrary<Array<IR.StreamEvent>> = fc
  .tuple(fc.array(blockArb, { maxLength: 4 }), fc.array(fc.nat(), { maxLength: 40 }), finishArb)
  .map(([blocks, picks, finish]) => {
    const queues = blocks.map((b, i) => blockEvents(i, b))
    const out: Array<IR.StreamEvent> = [{ type: "start", id: "resp_2", model: "m" }]
    let k = 0
    while (queues.some((q) => q.length > 0)) {
      const live = queues.filter((q) => q.length > 0)
      const q = live[(picks[k++] ?? 0) % live.length] as Array<IR.StreamEvent>
      out.push(q.shift() as IR.StreamEvent)
    }
    out.push({ type: "finish", finish }, { type: "end" })
    return out
  })

/** Anything at all: events in random order with random indexes (encoders must still be valid). */
export const chaoticEvents: fc.Arbitrary<Array<IR.StreamEvent>> = fc.array(
  fc.oneof(
    fc.constant<IR.StreamEvent>({ type: "start", id: "x", model: "m" }),
    fc.nat(3).map((index): IR.StreamEvent => ({ type: "block_start", index, block: { kind: "text" } })),
    fc.nat(3).map((index): IR.StreamEvent => ({ type: "block_start", index, block: { kind: "tool_call", id: "c", name: "f" } })),
    fc.nat(3).map((index): IR.StreamEvent => ({ type: "delta", index, delta: { kind: "text", text: "t" } })),
    fc.nat(3).map((index): IR.StreamEvent => ({ type: "delta", index, delta: { kind: "arguments", json: "{}" } })),
    fc.nat(3).map((index): IR.StreamEvent => ({ type: "block_stop", index })),
    usageArb.map((usage): IR.StreamEvent => ({ type: "usage", usage })),
    finishArb.map((finish): IR.StreamEvent => ({ type: "finish", finish })),
    fc.constant<IR.StreamEvent>({ type: "error", message: "boom" }),
    fc.constant<IR.StreamEvent>({ type: "end" })
  ),
  { maxLength: 25 }
)
