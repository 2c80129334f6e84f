import { describe, expect, it } from "@effect/vitest"
import * as Completions from "../../../src/formats/openai-chat/completions.js"
import * as ChatStream from "../../../src/formats/openai-chat/stream.js"
import type * as IR from "../../../src/formats/ir.js"
import { compose, runAll } from "../../../src/formats/transducer.js"
import { right } from "../helpers.js"

describe("legacy completions", () => {
  it("turns the prompt into one user message and copies the knobs", () => {
    const ir = right(Completions.decodeRequest({ model: "m", prompt: "Say hi", max_tokens: 5, stop: ["\n"], logprobs: 2, echo: false }))
    expect(ir.messages).toEqual([{ role: "user", parts: [{ type: "text", text: "Say hi" }] }])
    expect(ir.sampling).toEqual({ maxOutputTokens: 5, stop: ["\n"], logprobs: true, topLogprobs: 2 })
    expect(right(Completions.decodeRequest({ model: "m" })).messages[0]?.parts).toEqual([{ type: "text", text: "Complete this:" }])
  })

  it("answers with text_completion bodies and chunks", () => {
    const res: IR.Response = { id: "c1", model: "m", created: 1, parts: [{ type: "text", text: "hi" }], finish: { reason: "length" } }
    expect(Completions.encodeResponse(res)).toEqual({
      id: "c1",
      object: "text_completion",
      created: 1,
      model: "m",
      choices: [{ index: 0, text: "hi", finish_reason: "length", logprobs: null }]
    })
    const events: Array<IR.StreamEvent> = [
      { type: "start", id: "c1", model: "m", created: 1 },
      { type: "block_start", index: 0, block: { kind: "text" } },
      { type: "delta", index: 0, delta: { kind: "text", text: "h" } },
      { type: "delta", index: 0, delta: { kind: "text", text: "i" } },
      { type: "block_stop", index: 0 },
      { type: "finish", finish: { reason: "stop" } },
      { type: "end" }
    ]
    const out = runAll(compose(ChatStream.makeEncoder(), Completions.makeChunkAdapter()), events)
    expect(out.map((e) => (e.data === "[DONE]" ? e.data : (JSON.parse(e.data) as { choices: Array<{ text: string; finish_reason: string | null }> }).choices[0]))).toEqual([
      { index: 0, text: "h", finish_reason: null, logprobs: null },
      { index: 0, text: "i", finish_reason: null, logprobs: null },
      { index: 0, text: "", finish_reason: "stop", logprobs: null },
      "[DONE]"
    ])
  })
})
