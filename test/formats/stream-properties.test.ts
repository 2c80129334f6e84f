import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { aggregate } from "../../src/formats/aggregate.js"
import * as ClaudeStream from "../../src/formats/claude/stream.js"
import type * as IR from "../../src/formats/ir.js"
import * as GemStream from "../../src/formats/gemini/stream.js"
import * as ChatStream from "../../src/formats/openai-chat/stream.js"
import * as RespStream from "../../src/formats/openai-responses/stream.js"
import * as RespEnc from "../../src/formats/openai-responses/stream-encode.js"
import * as Sse from "../../src/formats/sse.js"
import { runAll, type Transducer } from "../../src/formats/transducer.js"
import { chaoticEvents, interleavedEvents, sequentialEvents } from "./arbitraries.js"
import { chatViolations, claudeViolations, geminiViolations, responsesViolations } from "./validators.js"

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
  encoder: () => Transducer<IR.StreamEvent, Sse.SseEvent>,
  decoder: () => Transducer<Sse.SseEvent, IR.StreamEvent>,
  events: ReadonlyArray<IR.StreamEvent>
) => {
  const wire = runAll(encoder(), events)
  // Re-chunk through real SSE text, as a client would read it.
  const reparsed = Sse.parseAll(Sse.encodeAll(wire))
  return { wire: reparsed, back: runAll(decoder(), reparsed) }
}

const dialects = [
  { name: "claude", enc: () => ClaudeStream.makeEncoder(), dec: ClaudeStream.makeDecoder, check: claudeViolations, thinking: true },
  { name: "openai-responses", enc: () => RespEnc.makeEncoder(), dec: () => RespStream.makeDecoder(), check: responsesViolations, thinking: true },
  { name: "openai-chat", enc: () => ChatStream.makeEncoder(), dec: ChatStream.makeDecoder, check: chatViolations, thinking: true },
  { name: "gemini", enc: () => GemStream.makeEncoder(), dec: () => GemStream.makeDecoder(), check: (e: ReadonlyArray<Sse.SseEvent>) => geminiViolations(e), thinking: true },
  {
    name: "gemini-cli",
    enc: () => GemStream.makeEncoder({ envelope: true }),
    dec: () => GemStream.makeDecoder(),
    check: (e: ReadonlyArray<Sse.SseEvent>) => geminiViolations(e, true),
    thinking: true
  }
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

describe("validators catch broken streams", () => {
  it("claude: a delta after the block closed, and a missing message_stop", () => {
    const ev = (type: string, payload: object = {}) => ({ event: type, data: JSON.stringify({ type, ...payload }) })
    expect(claudeViolations([
      ev("message_start", { message: { usage: {} } }),
      ev("content_block_start", { index: 0, content_block: { type: "text" } }),
      ev("content_block_stop", { index: 0 }),
      ev("content_block_delta", { index: 0, delta: { type: "text_delta" } }),
      ev("message_delta", { usage: {} })
    ]).length).toBeGreaterThan(1)
  })
  it("openai-chat: a finish before the last chunk and no [DONE]", () => {
    const c = (delta: object, finish: string | null) => ({ data: JSON.stringify({ object: "chat.completion.chunk", choices: [{ delta, finish_reason: finish }] }) })
    expect(chatViolations([c({ role: "assistant" }, "stop"), c({ content: null }, null)]).length).toBeGreaterThan(2)
  })
})
