import { describe, expect, it } from "@effect/vitest"
import * as ClaudeReq from "../../../src/formats/claude/request.js"
import * as ClaudeStream from "../../../src/formats/claude/stream.js"
import * as GemRes from "../../../src/formats/gemini/response.js"
import * as GemStream from "../../../src/formats/gemini/stream.js"
import * as ChatReq from "../../../src/formats/openai-chat/request.js"
import * as ChatRes from "../../../src/formats/openai-chat/response.js"
import * as ChatStream from "../../../src/formats/openai-chat/stream.js"
import * as RespReq from "../../../src/formats/openai-responses/request.js"
import * as RespRes from "../../../src/formats/openai-responses/response.js"
import { toolFacts } from "../../../src/formats/openai-responses/schema.js"
import * as RespStream from "../../../src/formats/openai-responses/stream.js"
import * as RespEnc from "../../../src/formats/openai-responses/stream-encode.js"
import { dataEvents, right, translate } from "../helpers.js"

const long1 = "mcp__super_long_server_identifier_for_testing_purposes_xyz__read_file"
const long2 = "mcp__another_very_long_server_identifier_for_testing_purposes__read_file"
const clientReq = right(ChatReq.decodeRequest({
  model: "gpt-5",
  messages: [{ role: "user", content: "x" }],
  tools: [long1, long2, "get_weather"].map((name) => ({ type: "function", function: { name, parameters: { type: "object", properties: {} } } }))
}))
const names = toolFacts(clientReq).names

describe("responses streams", () => {
  it("G16: OpenAI stream -> Responses events", () => {
    const c = (delta: object, extra: object = {}) => ({ id: "chatcmpl-1", model: "gpt-4o", choices: [{ index: 0, delta, ...extra }] })
    const out = translate(ChatStream.makeDecoder(), RespEnc.makeEncoder({ model: "gpt-4o" }), dataEvents([
      c({ role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_abc", type: "function", function: { name: "get_weather", arguments: "" } }] }),
      c({ tool_calls: [{ index: 0, function: { arguments: "{\"city\":" } }] }),
      c({ tool_calls: [{ index: 0, function: { name: null, arguments: "\"Paris\"}" } }] }),
      c({}, { finish_reason: "tool_calls" }),
      { id: "chatcmpl-1", model: "gpt-4o", choices: [], usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 } },
      "[DONE]"
    ]))
    expect(out.map((e) => [(e.data as { sequence_number: number }).sequence_number, e.event])).toEqual([
      [1, "response.created"],
      [2, "response.in_progress"],
      [3, "response.output_item.added"],
      [4, "response.function_call_arguments.delta"],
      [5, "response.function_call_arguments.delta"],
      [6, "response.function_call_arguments.done"],
      [7, "response.output_item.done"],
      [8, "response.completed"]
    ])
    expect(out[0]?.data).toMatchObject({ response: { id: "chatcmpl-1", status: "in_progress", model: "gpt-4o", output: [] } })
    expect(out[2]?.data).toMatchObject({
      output_index: 0,
      item: { id: "fc_call_abc", type: "function_call", status: "in_progress", arguments: "", call_id: "call_abc", name: "get_weather" }
    })
    expect(out[5]?.data).toMatchObject({ arguments: "{\"city\":\"Paris\"}" })
    expect(out[6]?.data).toMatchObject({ item: { status: "completed", arguments: "{\"city\":\"Paris\"}", name: "get_weather" } })
    expect(out[7]?.data).toMatchObject({
      response: {
        status: "completed",
        output: [{ type: "function_call", call_id: "call_abc" }],
        usage: { input_tokens: 50, input_tokens_details: { cached_tokens: 0 }, output_tokens: 10, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 60 }
      }
    })
  })

  it("G18: Codex stream with deltas and done -> Claude SSE (done adds nothing)", () => {
    const out = translate(RespStream.makeDecoder(), ClaudeStream.makeEncoder(), dataEvents([
      { type: "response.created", response: { id: "resp_1", model: "gpt-5" } },
      { type: "response.output_item.added", output_index: 0, item: { type: "function_call", call_id: "call_1", name: "shell" } },
      { type: "response.function_call_arguments.delta", output_index: 0, delta: "{\"cmd\":" },
      { type: "response.function_call_arguments.delta", output_index: 0, delta: "\"ls\"}" },
      { type: "response.function_call_arguments.done", output_index: 0, arguments: "{\"cmd\":\"ls\"}" },
      { type: "response.output_item.done", output_index: 0, item: { type: "function_call", call_id: "call_1", name: "shell", arguments: "{\"cmd\":\"ls\"}" } },
      { type: "response.completed", response: { id: "resp_1", usage: { input_tokens: 10, output_tokens: 5 } } }
    ]))
    expect(out.map((e) => e.event)).toEqual([
      "message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"
    ])
    expect(out[0]?.data).toMatchObject({ message: { id: "resp_1", model: "gpt-5" } })
    expect(out[1]?.data).toMatchObject({ index: 0, content_block: { type: "tool_use", id: "call_1", name: "shell", input: {} } })
    expect(out[5]?.data).toMatchObject({ delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { input_tokens: 10, output_tokens: 5 } })
  })

  it("G19: Codex stream with only arguments.done -> OpenAI chunks", () => {
    const out = translate(RespStream.makeDecoder(), ChatStream.makeEncoder(), dataEvents([
      { type: "response.created", response: { id: "resp_2", model: "gpt-5" } },
      { type: "response.output_item.added", output_index: 0, item: { type: "function_call", call_id: "call_2", name: "shell" } },
      { type: "response.function_call_arguments.done", output_index: 0, arguments: "{\"cmd\":\"pwd\"}" },
      { type: "response.output_item.done", output_index: 0, item: { type: "function_call", call_id: "call_2", name: "shell", arguments: "{\"cmd\":\"pwd\"}" } },
      { type: "response.completed", response: { id: "resp_2", usage: { input_tokens: 7, output_tokens: 3 } } }
    ]))
    const chunks = out.slice(0, -1).map((e) => (e.data as { choices: Array<Record<string, unknown>>; usage?: unknown }))
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([
      { role: "assistant" },
      { tool_calls: [{ index: 0, id: "call_2", type: "function", function: { name: "shell", arguments: "" } }] },
      { tool_calls: [{ index: 0, function: { arguments: "{\"cmd\":\"pwd\"}" } }] },
      {}
    ])
    expect(chunks[3]?.choices[0]?.finish_reason).toBe("tool_calls")
    expect(chunks[3]?.usage).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 })
  })

  it("G9 way back: a short name in the Codex stream is restored for the client", () => {
    const out = translate(RespStream.makeDecoder({ names }), ChatStream.makeEncoder(), dataEvents([
      { type: "response.created", response: { id: "resp_9", model: "gpt-5" } },
      { type: "response.output_item.done", output_index: 0, item: { type: "function_call", call_id: "call_9", name: "mcp__read_file_1", arguments: "{}" } },
      { type: "response.completed", response: { id: "resp_9" } }
    ]))
    expect(JSON.stringify(out)).toContain(long2)
  })

  it("G26: MAX_TOKENS -> response.incomplete with incomplete_details", () => {
    const ir = right(GemRes.decodeResponse({
      candidates: [{ content: { role: "model", parts: [{ text: "Once upon" }] }, finishReason: "MAX_TOKENS" }],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 8, totalTokenCount: 13 }
    }))
    expect(RespRes.encodeResponse(ir)).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } })
    const out = translate(GemStream.makeDecoder(), RespEnc.makeEncoder(), dataEvents([
      { responseId: "r", candidates: [{ content: { role: "model", parts: [{ text: "Once upon" }] }, finishReason: "MAX_TOKENS" }], usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 8, totalTokenCount: 13 } }
    ]))
    const last = out[out.length - 1]
    expect(last?.event).toBe("response.incomplete")
    expect(last?.data).toMatchObject({ response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, output: [{ type: "message", status: "incomplete" }] } })
  })

  it("an upstream that ends without a terminal event is still closed (spec/04 5.5)", () => {
    const out = translate(RespStream.makeDecoder(), RespEnc.makeEncoder(), dataEvents([
      { type: "response.created", response: { id: "resp_x", model: "gpt-5" } },
      { type: "response.output_text.delta", output_index: 0, content_index: 0, delta: "partial" }
    ]))
    expect(out.map((e) => e.event)).toEqual([
      "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added", "response.output_text.delta",
      "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"
    ])
  })
})

describe("responses bodies", () => {
  it("G20: Codex non-stream -> OpenAI chat with the long name restored", () => {
    const ir = right(RespRes.decodeResponse({
      type: "response.completed",
      response: {
        id: "resp_3",
        model: "gpt-5",
        created_at: 1730000000,
        status: "completed",
        output: [
          { type: "reasoning", summary: [{ type: "summary_text", text: "Need the file." }] },
          { type: "function_call", call_id: "call_7", name: "mcp__read_file", arguments: "{\"path\":\"a.txt\"}" }
        ],
        usage: { input_tokens: 40, input_tokens_details: { cached_tokens: 8 }, output_tokens: 12, output_tokens_details: { reasoning_tokens: 6 }, total_tokens: 52 }
      }
    }, { names }))
    expect(ChatRes.encodeResponse(ir)).toEqual({
      id: "resp_3",
      object: "chat.completion",
      created: 1730000000,
      model: "gpt-5",
      choices: [{
        index: 0,
        message: {
          role: "assistant",
          content: null,
          reasoning_content: "Need the file.",
          tool_calls: [{ id: "call_7", type: "function", function: { name: long1, arguments: "{\"path\":\"a.txt\"}" } }]
        },
        finish_reason: "tool_calls"
      }],
      usage: { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52, prompt_tokens_details: { cached_tokens: 8 }, completion_tokens_details: { reasoning_tokens: 6 } }
    })
  })

  it("a Codex custom tool answered by a Claude upstream comes back as a custom_tool_call", () => {
    const codexReq = right(RespReq.decodeRequest({
      model: "gpt-5",
      input: "run",
      tools: [{ type: "custom", name: "apply_patch", format: { type: "grammar", syntax: "lark", definition: "start: x" } }]
    }))
    const facts = toolFacts(codexReq)
    const out = translate(ClaudeStream.makeDecoder(), RespEnc.makeEncoder({ tools: facts, request: codexReq }), dataEvents([
      { type: "message_start", message: { id: "msg_1", model: "claude", usage: { input_tokens: 1, output_tokens: 0 } } },
      { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_1", name: "apply_patch", input: {} } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "{\"input\":\"*** Begin" } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: " Patch\"}" } },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 3 } },
      { type: "message_stop" }
    ]))
    const done = out.find((e) => e.event === "response.output_item.done")?.data
    expect(done).toMatchObject({ item: { type: "custom_tool_call", call_id: "toolu_1", name: "apply_patch", input: "*** Begin Patch" } })
    expect(out.some((e) => e.event === "response.function_call_arguments.delta")).toBe(false)
  })

  it("echoes the client's request fields in response objects (rule 69)", () => {
    const req = right(RespReq.decodeRequest({ model: "gpt-5", instructions: "Be kind.", input: "hi", store: false, metadata: { k: "v" } }))
    const res = RespRes.encodeResponse(right(ChatRes.decodeResponse({ id: "c", model: "up", choices: [{ message: { content: "yo" }, finish_reason: "stop" }] })), { request: req, model: "gpt-5" })
    expect(res).toMatchObject({ instructions: "Be kind.", store: false, metadata: { k: "v" }, model: "gpt-5", status: "completed" })
    expect(res.output).toEqual([{ id: "msg_c_0", type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", annotations: [], logprobs: [], text: "yo" }] }])
  })

  it("Claude thinking signatures never reach a Responses client as encrypted_content", () => {
    const ir = right(ClaudeReq.decodeRequest({ model: "m", messages: [{ role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "claude-sig" }] }] }))
    const thinking = ir.messages[0]?.parts[0]
    if (thinking === undefined) throw new Error("no part")
    expect(RespRes.encodeItem(thinking, "r", 0, undefined)).not.toHaveProperty("encrypted_content")
  })
})
