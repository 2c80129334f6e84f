/**
 * Translation throughput for the twelve cross-dialect stream pairs, next to a bare
 * JSON.parse + JSON.stringify of the same events (issue 3's 3x target). Run with
 * `npx vitest bench --run test/formats/translate.bench.ts`.
 */
import { bench, describe } from "vitest"
import { codecs } from "../src/formats/codecs.js"
import type * as IR from "../src/formats/ir.js"
import * as Sse from "../src/formats/sse.js"
import { runAll } from "../src/formats/transducer.js"

const dialects: ReadonlyArray<IR.Dialect> = ["openai-chat", "openai-responses", "claude", "gemini"]

/** A typical answer: reasoning, 200 text deltas, one tool call with streamed arguments. */
const irEvents: Array<IR.StreamEvent> = [
  { type: "start", id: "resp_bench", model: "m", created: 1 },
  { type: "block_start", index: 0, block: { kind: "thinking" } },
  ...Array.from({ length: 20 }, (): IR.StreamEvent => ({ type: "delta", index: 0, delta: { kind: "thinking", text: "Let me think " } })),
  { type: "block_stop", index: 0 },
  { type: "block_start", index: 1, block: { kind: "text" } },
  ...Array.from({ length: 200 }, (_, i): IR.StreamEvent => ({ type: "delta", index: 1, delta: { kind: "text", text: `word${i} and more ` } })),
  { type: "block_stop", index: 1 },
  { type: "block_start", index: 2, block: { kind: "tool_call", id: "call_1", name: "get_weather" } },
  ...["{\"city\":", "\"Paris\",", "\"unit\":\"c\"}"].map((json): IR.StreamEvent => ({ type: "delta", index: 2, delta: { kind: "arguments", json } })),
  { type: "block_stop", index: 2 },
  { type: "usage", usage: { input: 1000, output: 300, reasoning: 50 } },
  { type: "finish", finish: { reason: "tool_calls" } },
  { type: "end" }
]

for (const from of dialects) {
  const wireText = Sse.encodeAll(runAll(codecs[from].streamEncoder(), irEvents))
  const wire = Sse.parseAll(wireText)
  describe(`${from} stream`, () => {
    bench("bare JSON.parse + JSON.stringify", () => {
      let s = ""
      for (const e of wire) s = e.data === "[DONE]" ? s : JSON.stringify(JSON.parse(e.data))
      if (s === "x") throw new Error("unreachable")
    })
    for (const to of dialects) {
      if (to === from) continue
      bench(`-> ${to}`, () => {
        const dec = codecs[from].streamDecoder()
        const enc = codecs[to].streamEncoder()
        let n = 0
        for (const e of wire) for (const ir of dec.step(e)) for (const o of enc.step(ir)) n += Sse.encodeEvent(o).length
        for (const ir of dec.flush()) for (const o of enc.step(ir)) n += Sse.encodeEvent(o).length
        for (const o of enc.flush()) n += Sse.encodeEvent(o).length
        if (n === 0) throw new Error("no output")
      })
    }
  })
}
