import { describe, expect, it } from "@effect/vitest"
import * as ClaudeRes from "../../../src/formats/claude/response.js"
import * as ClaudeStream from "../../../src/formats/claude/stream.js"
import * as GemRes from "../../../src/formats/gemini/response.js"
import * as GemStream from "../../../src/formats/gemini/stream.js"
import * as ChatRes from "../../../src/formats/openai-chat/response.js"
import * as ChatStream from "../../../src/formats/openai-chat/stream.js"
import { dataEvents, right, translate } from "../helpers.js"

const g13 = [
  { responseId: "r1", modelVersion: "gemini-2.5-pro", candidates: [{ content: { role: "model", parts: [{ text: "Let me check.", thought: true }] } }] },
  { responseId: "r1", candidates: [{ content: { role: "model", parts: [{ text: "Checking weather." }] } }] },
  { responseId: "r1", candidates: [{ content: { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }] } }] },
  {
    responseId: "r1",
    candidates: [{ content: { role: "model", parts: [] }, finishReason: "STOP" }],
    usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 20, thoughtsTokenCount: 30, totalTokenCount: 150 }
  },
  "[DONE]"
]

describe("gemini responses", () => {
  it("G12: thoughts + signature, non-stream -> Claude", () => {
    const ir = right(GemRes.decodeResponse({
      responseId: "resp-1",
      modelVersion: "gemini-2.5-pro",
      candidates: [{ content: { role: "model", parts: [{ text: "Weighing", thought: true }, { text: " options.", thought: true }, { thoughtSignature: "sig123" }, { text: "Answer: 42" }] }, finishReason: "STOP" }],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, thoughtsTokenCount: 7, totalTokenCount: 22 }
    }))
    expect(ClaudeRes.encodeResponse(ir)).toEqual({
      id: "resp-1",
      type: "message",
      role: "assistant",
      model: "gemini-2.5-pro",
      content: [{ type: "thinking", thinking: "Weighing options.", signature: "sig123" }, { type: "text", text: "Answer: 42" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 12 }
    })
  })

  it("G22: usage -> OpenAI ([rec] completion includes thoughts) and Claude", () => {
    const ir = right(GemRes.decodeResponse({
      candidates: [{ content: { parts: [{ text: "x" }] }, finishReason: "STOP" }],
      usageMetadata: { promptTokenCount: 1000, candidatesTokenCount: 100, thoughtsTokenCount: 300, totalTokenCount: 1400, cachedContentTokenCount: 600 }
    }))
    expect(ChatRes.encodeResponse(ir).usage).toEqual({
      prompt_tokens: 1000,
      completion_tokens: 400,
      total_tokens: 1400,
      prompt_tokens_details: { cached_tokens: 600 },
      completion_tokens_details: { reasoning_tokens: 300 }
    })
    expect(ClaudeRes.encodeResponse(ir).usage).toEqual({ input_tokens: 400, cache_read_input_tokens: 600, output_tokens: 400 })
    expect(GemRes.encodeResponse(ir).usageMetadata).toEqual({
      promptTokenCount: 1000,
      candidatesTokenCount: 100,
      thoughtsTokenCount: 300,
      cachedContentTokenCount: 600,
      totalTokenCount: 1400
    })
  })

  it("G25: image output -> OpenAI images[] with index", () => {
    const ir = right(GemRes.decodeResponse({
      responseId: "r9",
      modelVersion: "gemini-2.5-flash-image",
      candidates: [{ content: { role: "model", parts: [{ text: "Here you go" }, { inlineData: { mimeType: "image/png", data: "iVBOR" } }] }, finishReason: "STOP" }]
    }))
    const out = ChatRes.encodeResponse(ir) as { choices: Array<{ message: unknown; finish_reason: string }> }
    expect(out.choices[0]?.message).toEqual({
      role: "assistant",
      content: "Here you go",
      images: [{ index: 0, type: "image_url", image_url: { url: "data:image/png;base64,iVBOR" } }]
    })
    expect(out.choices[0]?.finish_reason).toBe("stop")
  })

  it("G26: MAX_TOKENS -> length / max_tokens", () => {
    const body = {
      candidates: [{ content: { role: "model", parts: [{ text: "Once upon" }] }, finishReason: "MAX_TOKENS" }],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 8, totalTokenCount: 13 }
    }
    const ir = right(GemRes.decodeResponse(body))
    expect(ClaudeRes.encodeResponse(ir).stop_reason).toBe("max_tokens")
    expect((ChatRes.encodeResponse(ir) as { choices: Array<{ finish_reason: string }> }).choices[0]?.finish_reason).toBe("length")
    const sse = translate(GemStream.makeDecoder(), ClaudeStream.makeEncoder(), dataEvents([body]))
    expect(sse.find((e) => e.event === "message_delta")?.data).toMatchObject({ delta: { stop_reason: "max_tokens" } })
  })

  it("G34: nothing produced -> Claude stream with one empty text block; non-stream content []", () => {
    const chunk = { candidates: [{ content: { role: "model", parts: [] }, finishReason: "STOP" }], usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 0, totalTokenCount: 4 } }
    const sse = translate(GemStream.makeDecoder(), ClaudeStream.makeEncoder(), dataEvents([chunk, "[DONE]"]))
    expect(sse.map((e) => e.event)).toEqual(["message_start", "content_block_start", "content_block_stop", "message_delta", "message_stop"])
    expect(sse[1]?.data).toMatchObject({ index: 0, content_block: { type: "text", text: "" } })
    expect(sse[3]?.data).toMatchObject({ delta: { stop_reason: "end_turn" }, usage: { input_tokens: 4, output_tokens: 0 } })
    const res = ClaudeRes.encodeResponse(right(GemRes.decodeResponse(chunk)))
    expect(res).toMatchObject({ content: [], stop_reason: "end_turn" })
  })
})

describe("gemini streams", () => {
  it("G13: Gemini stream -> Claude SSE", () => {
    const out = translate(GemStream.makeDecoder(), ClaudeStream.makeEncoder(), dataEvents(g13))
    expect(out.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start", "content_block_delta", "content_block_stop",
      "content_block_start", "content_block_delta", "content_block_stop",
      "content_block_start", "content_block_delta", "content_block_stop",
      "message_delta", "message_stop"
    ])
    expect(out[0]?.data).toMatchObject({ message: { id: "r1", model: "gemini-2.5-pro", content: [], usage: { input_tokens: 0, output_tokens: 0 } } })
    expect(out[1]?.data).toMatchObject({ index: 0, content_block: { type: "thinking", thinking: "" } })
    expect(out[2]?.data).toMatchObject({ index: 0, delta: { type: "thinking_delta", thinking: "Let me check." } })
    expect(out[4]?.data).toMatchObject({ index: 1, content_block: { type: "text", text: "" } })
    expect(out[5]?.data).toMatchObject({ index: 1, delta: { type: "text_delta", text: "Checking weather." } })
    const start = out[7]?.data as { index: number; content_block: { id: string; name: string } }
    expect(start.index).toBe(2)
    expect(start.content_block.name).toBe("get_weather")
    expect(start.content_block.id).toMatch(/^get_weather-[a-zA-Z0-9_-]+$/)
    expect(out[8]?.data).toMatchObject({ index: 2, delta: { type: "input_json_delta", partial_json: "{\"city\":\"Paris\"}" } })
    expect(out[10]?.data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: { input_tokens: 100, output_tokens: 50 }
    })
  })

  it("G14: same stream -> OpenAI chunks (tool_calls survives the later STOP)", () => {
    const out = translate(GemStream.makeDecoder(), ChatStream.makeEncoder(), dataEvents(g13))
    expect(out[out.length - 1]?.data).toBe("[DONE]")
    const chunks = out.slice(0, -1).map((e) => e.data as { id: string; model: string; choices: Array<Record<string, unknown>>; usage?: unknown })
    expect(chunks.every((c) => c.id === "r1" && c.model === "gemini-2.5-pro")).toBe(true)
    const deltas = chunks.map((c) => c.choices[0]?.delta)
    expect(deltas).toEqual([
      { role: "assistant" },
      { reasoning_content: "Let me check." },
      { content: "Checking weather." },
      { tool_calls: [{ index: 0, id: expect.stringMatching(/^get_weather-/), type: "function", function: { name: "get_weather", arguments: "" } }] },
      { tool_calls: [{ index: 0, function: { arguments: "{\"city\":\"Paris\"}" } }] },
      {}
    ])
    const last = chunks[chunks.length - 1]
    expect(last?.choices[0]).toMatchObject({ finish_reason: "tool_calls", native_finish_reason: "stop" })
    // [rec]: completion_tokens includes the thoughts (Go reports 20).
    expect(last?.usage).toEqual({ prompt_tokens: 100, completion_tokens: 50, total_tokens: 150, completion_tokens_details: { reasoning_tokens: 30 } })
  })

  it("wraps and unwraps the Gemini CLI envelope", () => {
    const wrapped = g13.map((c) => (typeof c === "string" ? c : { response: c }))
    const out = translate(GemStream.makeDecoder(), GemStream.makeEncoder({ envelope: true }), dataEvents(wrapped))
    expect(out.every((e) => typeof e.data === "object" && e.data !== null && "response" in e.data)).toBe(true)
    const last = out[out.length - 1]?.data as { response: { candidates: Array<{ finishReason: string }>; usageMetadata: unknown } }
    expect(last.response.candidates[0]?.finishReason).toBe("STOP")
    expect(last.response.usageMetadata).toMatchObject({ promptTokenCount: 100, candidatesTokenCount: 20, thoughtsTokenCount: 30 })
    const call = out.find((e) => JSON.stringify(e.data).includes("functionCall"))?.data
    expect(call).toMatchObject({ response: { candidates: [{ content: { parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }] } }] } })
  })
})
