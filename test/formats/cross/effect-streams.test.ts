import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as ClaudeStream from "../../../src/formats/claude/stream.js"
import { decodeCount, encodeCount } from "../../../src/formats/count-tokens.js"
import * as ChatStream from "../../../src/formats/openai-chat/stream.js"
import * as Sse from "../../../src/formats/sse.js"

describe("codecs as Effect Stream transforms", () => {
  it.effect("bytes -> SSE -> Claude decoder -> chat encoder -> SSE text, flushing at end of input", () =>
    Effect.gen(function*() {
      const upstream = [
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"c\",\"usage\":{\"input_tokens\":3,\"output_tokens\":0}}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_del",
        "ta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\r\n\r\n"
        // The upstream breaks off here: no stop, no message_delta, no message_stop.
      ]
      const text = yield* Stream.fromIterable(upstream).pipe(
        Stream.map((s) => new TextEncoder().encode(s)),
        Sse.decodeBytes,
        ClaudeStream.decodeStream,
        ChatStream.encodeStream({ model: "gpt-x", created: 7 }),
        Sse.encode,
        Stream.mkString
      )
      const events = Sse.parseAll(text)
      expect(events[events.length - 1]?.data).toBe("[DONE]")
      const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data) as { model: string; choices: Array<{ delta: object; finish_reason: string | null }> })
      expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([{ role: "assistant" }, { content: "Hi" }, {}])
      expect(chunks[2]?.choices[0]?.finish_reason).toBe("stop")
      expect(chunks.every((c) => c.model === "gpt-x")).toBe(true)
    }))
})

describe("token counts (spec/04 section 6)", () => {
  it("encodes per client dialect and reads upstream answers", () => {
    expect(encodeCount("claude", 12)).toEqual({ input_tokens: 12 })
    expect(encodeCount("gemini", 12)).toEqual({ totalTokens: 12, promptTokensDetails: [{ modality: "TEXT", tokenCount: 12 }] })
    expect(encodeCount("openai-chat", 12)).toBeUndefined()
    expect(decodeCount({ input_tokens: 5 })).toBe(5)
    expect(decodeCount({ totalTokens: 6 })).toBe(6)
  })
})
