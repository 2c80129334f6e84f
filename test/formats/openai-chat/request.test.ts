import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as Chat from "../../../src/formats/openai-chat/request.js"
import { fixturesOf } from "../fixtures.js"

const decode = (body: unknown) => Either.getOrThrow(Chat.decodeRequest(body))

describe("openai-chat request", () => {
  it.each(fixturesOf("openai-chat").map((f) => [f.name, f] as const))("decodes fixture %s", (_, f) => {
    const ir = decode(f.body)
    expect(ir.model).toBe(f.body.model)
    expect(ir.messages.length).toBeGreaterThan(0)
    // Same-dialect re-encode keeps the conversation and the tools.
    const again = decode(Chat.encodeRequest(ir))
    expect(again.messages).toEqual(ir.messages)
    expect(again.tools).toEqual(ir.tools)
    expect(again.system).toEqual(ir.system)
  })

  it("rejects a body without messages, naming the field", () => {
    const e = Chat.decodeRequest({ model: "x" })
    expect(Either.isLeft(e) && e.left.message).toContain("'messages'")
  })

  it("keeps system messages, mid-conversation ones with their position", () => {
    const ir = decode({
      model: "m",
      messages: [
        { role: "system", content: "A" },
        { role: "user", content: "hi" },
        { role: "developer", content: [{ type: "text", text: "B" }] },
        { role: "user", content: "again" }
      ]
    })
    expect(ir.system).toEqual([{ source: "system", text: "A" }, { source: "developer", text: "B", position: 1 }])
    const out = Chat.encodeRequest(ir)
    expect(out.messages).toEqual([
      { role: "system", content: "A" },
      { role: "user", content: "hi" },
      { role: "system", content: "B" },
      { role: "user", content: "again" }
    ])
  })

  it("merges consecutive tool messages into one user turn and emits them back in order", () => {
    const body = {
      model: "m",
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "a", type: "function", function: { name: "f", arguments: "{}" } },
            { id: "b", type: "function", function: { name: "f", arguments: "{}" } }
          ]
        },
        { role: "tool", tool_call_id: "a", content: "1" },
        { role: "tool", tool_call_id: "b", content: "2" }
      ]
    }
    const ir = decode(body)
    expect(ir.messages.length).toBe(3)
    expect(Chat.encodeRequest(ir).messages).toEqual([
      { role: "user", content: "q" },
      {
        role: "assistant",
        tool_calls: [
          { id: "a", type: "function", function: { name: "f", arguments: "{}" } },
          { id: "b", type: "function", function: { name: "f", arguments: "{}" } }
        ]
      },
      { role: "tool", tool_call_id: "a", content: "1" },
      { role: "tool", tool_call_id: "b", content: "2" }
    ])
  })

  it("maps sampling, stop, effort and response_format", () => {
    const ir = decode({
      model: "m",
      messages: [{ role: "user", content: "x" }],
      max_completion_tokens: 64,
      stop: "END",
      reasoning_effort: "high",
      response_format: { type: "json_schema", json_schema: { name: "c", strict: true, schema: { type: "object" } } },
      logit_bias: { "1": 2 }
    })
    expect(ir.sampling).toEqual({ maxOutputTokens: 64, stop: ["END"] })
    expect(ir.reasoning).toEqual({ mode: "level", level: "high" })
    expect(ir.extensions["openai-chat"]).toEqual({ logit_bias: { "1": 2 } })
    const out = Chat.encodeRequest(ir)
    expect(out).toMatchObject({ max_tokens: 64, stop: ["END"], reasoning_effort: "high", logit_bias: { "1": 2 } })
    expect(out.response_format).toEqual({ type: "json_schema", json_schema: { name: "c", strict: true, schema: { type: "object" } } })
  })
})
