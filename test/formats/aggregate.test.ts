import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { aggregate } from "../../src/formats/aggregate.js"
import { codecs } from "../../src/formats/codecs.js"
import type * as IR from "../../src/formats/ir.js"
import { toEvents } from "../../src/formats/replay.js"
import * as Sse from "../../src/formats/sse.js"
import { runAll } from "../../src/formats/transducer.js"

const partArb: fc.Arbitrary<IR.Part> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 8 }).map((text): IR.Part => ({ type: "text", text })),
  fc.string({ minLength: 1, maxLength: 8 }).map((text): IR.Part => ({ type: "thinking", text })),
  fc.record({ id: fc.constantFrom("call_a", "call_b"), name: fc.constantFrom("f", "get_weather"), n: fc.integer() }).map(
    ({ id, name, n }): IR.Part => ({ type: "tool_call", id: `${id}_${n}`, name, kind: "function", arguments: JSON.stringify({ n }) })
  )
)

const responseArb: fc.Arbitrary<IR.Response> = fc.record({
  id: fc.constant("resp_1"),
  model: fc.constant("m"),
  parts: fc.array(partArb, { maxLength: 5 }),
  finish: fc.constantFrom<IR.FinishReason>("stop", "length").map((reason) => ({ reason })),
  usage: fc.record({ input: fc.nat(500), output: fc.nat(500) })
})

/** Content every dialect keeps: merged texts and thinking, tool names and parsed arguments. */
const project = (r: IR.Response) => {
  const out: Array<[string, string]> = []
  for (const p of r.parts) {
    const item: [string, string] | undefined = p.type === "text" || p.type === "thinking"
      ? [p.type, p.text]
      : p.type === "tool_call"
      ? ["tool", `${p.name}:${JSON.stringify(JSON.parse(p.arguments))}`]
      : undefined
    if (item === undefined || item[1] === "") continue
    const prev = out[out.length - 1]
    if (prev !== undefined && prev[0] === item[0] && item[0] !== "tool") prev[1] += item[1]
    else out.push(item)
  }
  return out
}

/** OpenAI chat bodies cannot order reasoning against text: compare each kind whole. */
const byKind = (r: IR.Response) => {
  const p = project(r)
  return ["thinking", "text", "tool"].map((k) => p.filter((x) => x[0] === k).map((x) => x[1]).join(k === "tool" ? "|" : ""))
}

describe.each(["openai-chat", "openai-responses", "claude", "gemini"] as const)("%s aggregation", (dialect) => {
  const view = dialect === "openai-chat" ? byKind : project
  it("aggregating a stream gives the response that decoding the non-stream body gives (issue 3 point 6)", () => {
    const codec = codecs[dialect]
    fc.assert(
      fc.property(responseArb, (res) => {
        const whole = codec.decodeResponse(codec.encodeResponse(res))
        if (whole._tag === "Left") throw whole.left
        const wire = Sse.parseAll(Sse.encodeAll(runAll(codec.streamEncoder(), toEvents(res))))
        const streamed = aggregate(runAll(codec.streamDecoder(), wire))
        expect(view(streamed)).toEqual(view(whole.right))
        expect(streamed.finish.reason).toBe(whole.right.finish.reason)
        expect(streamed.usage?.input).toBe(whole.right.usage?.input)
        expect(streamed.usage?.output).toBe(whole.right.usage?.output)
      }),
      { numRuns: 150 }
    )
  })
})
