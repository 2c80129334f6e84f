import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { aggregate } from "../../src/formats/aggregate.js"
import * as ClaudeStream from "../../src/formats/claude/stream.js"
import type * as IR from "../../src/formats/ir.js"
import * as ChatStream from "../../src/formats/openai-chat/stream.js"
import * as Sse from "../../src/formats/sse.js"
import { runAll } from "../../src/formats/transducer.js"
import { chaoticEvents, interleavedEvents, sequentialEvents } from "./arbitraries.js"
import { chatViolations, claudeViolations } from "./validators.js"

/** What every dialect must keep of a response: merged texts, thinking, tool calls. */
const project = (r: IR.Response, keepThinking = true) => {
  const out: Array<{ t: string; v: string; n?: string }> = []
  for (const p of r.parts) {
    const item = p.type === "text"
      ? { t: "text", v: p.text }
      : p.type === "thinking" && keepThinking
      ? { t: "thinking", v: p.text }
      : p.type === "tool_call"
      ? { t: "tool", v: JSON.stringify(JSON.parse(p.arguments === "" ? "{}" : p.arguments)), n: p.name }
      : undefined
    if (item === undefined || item.v === "") continue
    const prev = out[out.length - 1]
    if (prev !== undefined && prev.t === item.t && item.t !== "tool") prev.v += item.v
    else out.push(item)
  }
  return out
}

const through = (
  encoder: () => ReturnType<typeof ClaudeStream.makeEncoder>,
  decoder: () => ReturnType<typeof ClaudeStream.makeDecoder>,
  events: ReadonlyArray<IR.StreamEvent>
) => {
  const wire = runAll(encoder(), events)
  // Re-chunk through real SSE text, as a client would read it.
  const reparsed = Sse.parseAll(Sse.encodeAll(wire))
  return { wire: reparsed, back: runAll(decoder(), reparsed) }
}

const dialects = [
  { name: "claude", enc: () => ClaudeStream.makeEncoder(), dec: ClaudeStream.makeDecoder, check: claudeViolations, thinking: true },
  { name: "openai-chat", enc: () => ChatStream.makeEncoder(), dec: ChatStream.makeDecoder, check: chatViolations, thinking: true }
] as const

describe.each(dialects)("$name stream encoder", ({ enc, dec, check, thinking }) => {
  it("emits a valid stream for well-formed sequences and decodes back to the same content", () => {
    fc.assert(
      fc.property(sequentialEvents, (events) => {
        const { wire, back } = through(enc, dec, events)
        expect(check(wire)).toEqual([])
        expect(project(aggregate(back), thinking)).toEqual(project(aggregate(events), thinking))
      }),
      { numRuns: 200 }
    )
  })

  it("serialises interleaved blocks into a valid stream", () => {
    fc.assert(
      fc.property(interleavedEvents, (events) => {
        const { wire, back } = through(enc, dec, events)
        expect(check(wire)).toEqual([])
        const tools = (r: IR.Response) => project(r).filter((p) => p.t === "tool").map((p) => `${p.n}:${p.v}`).sort()
        expect(tools(aggregate(back))).toEqual(tools(aggregate(events)))
      }),
      { numRuns: 200 }
    )
  })

  it("stays valid whatever events arrive", () => {
    fc.assert(
      fc.property(chaoticEvents, (events) => {
        expect(check(runAll(enc(), events))).toEqual([])
      }),
      { numRuns: 300 }
    )
  })
})
