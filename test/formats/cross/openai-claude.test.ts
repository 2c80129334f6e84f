import { describe, expect, it } from "@effect/vitest"
import * as ClaudeReq from "../../../src/formats/claude/request.js"
import * as ClaudeEnc from "../../../src/formats/claude/request-encode.js"
import * as ClaudeRes from "../../../src/formats/claude/response.js"
import * as ClaudeStream from "../../../src/formats/claude/stream.js"
import * as ChatReq from "../../../src/formats/openai-chat/request.js"
import * as ChatRes from "../../../src/formats/openai-chat/response.js"
import * as ChatStream from "../../../src/formats/openai-chat/stream.js"
import { canon, dataEvents, right, translate } from "../helpers.js"

const chatToClaude = (body: object) => ClaudeEnc.encodeRequest(right(ChatReq.decodeRequest(body)))
const claudeToChat = (body: object) => ChatReq.encodeRequest(right(ClaudeReq.decodeRequest(body)))

describe("openai-chat -> claude requests", () => {
  it("G1: system + data-URL image", () => {
    const out = chatToClaude({
      model: "claude-sonnet-4-5",
      max_tokens: 256,
      messages: [
        { role: "system", content: "Be terse." },
        {
          role: "user",
          content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }]
        }
      ]
    })
    expect(out).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 256,
      stream: false,
      system: [{ type: "text", text: "Be terse." }],
      messages: [{
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } }
        ]
      }]
    })
  })

  it("G2: tool round trip, id sanitising, tool_choice required", () => {
    const out = chatToClaude({
      model: "claude-sonnet-4-5",
      tool_choice: "required",
      messages: [
        { role: "user", content: "Weather?" },
        { role: "assistant", content: null, tool_calls: [{ id: "call.1 x", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } }] },
        { role: "tool", tool_call_id: "call.1 x", content: "18C" }
      ],
      tools: [{ type: "function", function: { name: "get_weather", description: "Get weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }]
    })
    expect(canon(out)).toMatchObject(canon({
      model: "claude-sonnet-4-5",
      max_tokens: 32000,
      tool_choice: { type: "any" },
      messages: [
        { role: "user", content: [{ type: "text", text: "Weather?" }] },
        { role: "assistant", content: [{ type: "tool_use", id: "call_1_x", name: "get_weather", input: { city: "Paris" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1_x", content: "18C" }] }
      ],
      tools: [{ name: "get_weather", description: "Get weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }]
    }) as object)
  })

  it("G27: a system-only request still gets one empty user message", () => {
    const out = chatToClaude({ model: "claude-sonnet-4-5", messages: [{ role: "system", content: "You are a helpful assistant." }] })
    expect(out.system).toEqual([{ type: "text", text: "You are a helpful assistant." }])
    expect(out.messages).toEqual([{ role: "user", content: [{ type: "text", text: "" }] }])
  })

  it("G10: reasoning_effort high -> Claude budget 24576; none -> disabled", () => {
    const body = { model: "claude-sonnet-4-5", reasoning_effort: "high", messages: [{ role: "user", content: "Think." }] }
    expect(chatToClaude(body)).toMatchObject({ max_tokens: 32000, thinking: { type: "enabled", budget_tokens: 24576 } })
    expect(chatToClaude({ ...body, reasoning_effort: "none" }).thinking).toEqual({ type: "disabled" })
  })
})

describe("claude -> openai-chat requests", () => {
  it("G28: thinking history, stop, sampling", () => {
    const out = claudeToChat({
      model: "gpt-4o",
      max_tokens: 500,
      temperature: 0.3,
      top_p: 0.9,
      stop_sequences: ["END"],
      system: [{ type: "text", text: "Sys." }],
      thinking: { type: "enabled", budget_tokens: 2000 },
      messages: [
        { role: "user", content: "Q" },
        { role: "assistant", content: [{ type: "thinking", thinking: "hmm", signature: "s" }, { type: "text", text: "A" }] },
        { role: "user", content: "Q2" }
      ]
    })
    expect(canon(out)).toEqual(canon({
      model: "gpt-4o",
      max_tokens: 500,
      temperature: 0.3,
      stop: ["END"],
      stream: false,
      reasoning_effort: "medium",
      messages: [
        { role: "system", content: [{ type: "text", text: "Sys." }] },
        { role: "user", content: "Q" },
        { role: "assistant", content: [{ type: "text", text: "A" }], reasoning_content: "hmm" },
        { role: "user", content: "Q2" }
      ]
    }))
  })

  it("G11: budget -> effort (512 minimal, 5000 medium, 30000 xhigh, disabled none)", () => {
    const effort = (thinking: object) =>
      claudeToChat({ model: "gpt-5", max_tokens: 8000, thinking, messages: [{ role: "user", content: "hi" }] }).reasoning_effort
    expect(effort({ type: "enabled", budget_tokens: 5000 })).toBe("medium")
    expect(effort({ type: "enabled", budget_tokens: 512 })).toBe("minimal")
    expect(effort({ type: "enabled", budget_tokens: 30000 })).toBe("xhigh")
    expect(effort({ type: "disabled" })).toBe("none")
  })

  it("G24: tool_result with text + image precedes the user text", () => {
    const out = claudeToChat({
      model: "m",
      max_tokens: 10,
      messages: [
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_9", name: "screenshot", input: {} }] },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_9", content: [{ type: "text", text: "Captured" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } }] },
            { type: "text", text: "Describe it." }
          ]
        }
      ]
    })
    expect(canon(out.messages)).toEqual(canon([
      { role: "assistant", tool_calls: [{ id: "toolu_9", type: "function", function: { name: "screenshot", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "toolu_9", content: [{ type: "text", text: "Captured" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] },
      { role: "user", content: [{ type: "text", text: "Describe it." }] }
    ]))
  })

  it("strips the Claude Code billing header for non-Anthropic targets (rule 41)", () => {
    const out = claudeToChat({
      model: "m",
      max_tokens: 10,
      system: [{ type: "text", text: "x-anthropic-billing-header: cc_version=1" }, { type: "text", text: "Rules." }],
      messages: [{ role: "user", content: "hi" }]
    })
    expect(canon(out.messages)).toEqual(canon([{ role: "system", content: "Rules." }, { role: "user", content: "hi" }]))
  })
})

describe("responses across openai-chat and claude", () => {
  it("G31: single-quoted arguments and reasoning -> Claude", () => {
    const ir = right(ChatRes.decodeResponse({
      id: "c1",
      model: "m",
      choices: [{
        index: 0,
        finish_reason: "tool_calls",
        message: {
          role: "assistant",
          reasoning_content: "think",
          content: "",
          tool_calls: [{ id: "call_q", type: "function", function: { name: "f", arguments: "{'x': 'yes', 'n': 2}" } }]
        }
      }],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }
    }))
    expect(ClaudeRes.encodeResponse(ir)).toMatchObject({
      id: "c1",
      type: "message",
      role: "assistant",
      model: "m",
      content: [{ type: "thinking", thinking: "think" }, { type: "tool_use", id: "call_q", name: "f", input: { x: "yes", n: 2 } }],
      stop_reason: "tool_use",
      usage: { input_tokens: 3, output_tokens: 4 }
    })
  })

  it("G21: OpenAI usage with cache -> Claude", () => {
    const ir = right(ChatRes.decodeResponse({
      id: "c",
      model: "m",
      choices: [{ index: 0, message: { role: "assistant", content: "x" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200, prompt_tokens_details: { cached_tokens: 800 } }
    }))
    expect(ClaudeRes.encodeResponse(ir).usage).toEqual({ input_tokens: 200, output_tokens: 200, cache_read_input_tokens: 800 })
  })
})

describe("streams across openai-chat and claude", () => {
  it("G15: OpenAI tool arguments split across chunks -> Claude SSE", () => {
    const c = (delta: object, extra: object = {}) => ({ id: "chatcmpl-1", model: "gpt-4o", choices: [{ index: 0, delta, ...extra }] })
    const out = translate(ChatStream.makeDecoder(), ClaudeStream.makeEncoder(), dataEvents([
      c({ role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_abc", type: "function", function: { name: "get_weather", arguments: "" } }] }),
      c({ tool_calls: [{ index: 0, function: { arguments: "{\"city\":" } }] }),
      c({ tool_calls: [{ index: 0, function: { name: null, arguments: "\"Paris\"}" } }] }),
      c({}, { finish_reason: "tool_calls" }),
      { id: "chatcmpl-1", model: "gpt-4o", choices: [], usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 } },
      "[DONE]"
    ]))
    expect(out.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop"
    ])
    expect(out[0]?.data).toMatchObject({ message: { id: "chatcmpl-1", model: "gpt-4o", content: [], usage: { input_tokens: 0, output_tokens: 0 } } })
    expect(out[1]?.data).toMatchObject({ index: 0, content_block: { type: "tool_use", id: "call_abc", name: "get_weather", input: {} } })
    const json = out.filter((e) => e.event === "content_block_delta").map((e) => (e.data as { delta: { partial_json: string } }).delta.partial_json)
    expect(json.join("")).toBe("{\"city\":\"Paris\"}")
    expect(out[5]?.data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: { input_tokens: 50, output_tokens: 10 }
    })
  })

  it("G17: Claude stream -> OpenAI chunks with cache usage", () => {
    const out = translate(ClaudeStream.makeDecoder(), ChatStream.makeEncoder({ model: "requested" }), dataEvents([
      { type: "message_start", message: { id: "msg_1", model: "claude-sonnet-4-5", usage: { input_tokens: 20, cache_creation_input_tokens: 30, cache_read_input_tokens: 50, output_tokens: 1 } } },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Sure." } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "toolu_1", name: "get_weather", input: {} } },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "{\"city\":" } },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "\"Paris\"}" } },
      { type: "content_block_stop", index: 1 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 15 } },
      { type: "message_stop" }
    ]))
    expect(out[out.length - 1]?.data).toBe("[DONE]")
    const chunks = out.slice(0, -1).map((e) => e.data as { id: string; model: string; choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>; usage?: unknown })
    expect(chunks.every((c) => c.id === "msg_1" && c.model === "requested")).toBe(true)
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant" })
    expect(chunks[1]?.choices[0]?.delta).toEqual({ content: "Sure." })
    expect(chunks[2]?.choices[0]?.delta).toEqual({ tool_calls: [{ index: 0, id: "toolu_1", type: "function", function: { name: "get_weather", arguments: "" } }] })
    const args = chunks.flatMap((c) => (c.choices[0]?.delta.tool_calls as Array<{ function: { arguments: string } }> | undefined) ?? []).map((t) => t.function.arguments).join("")
    expect(args).toBe("{\"city\":\"Paris\"}")
    const last = chunks[chunks.length - 1]
    expect(last?.choices[0]?.finish_reason).toBe("tool_calls")
    expect(last?.usage).toEqual({ prompt_tokens: 100, completion_tokens: 15, total_tokens: 115, prompt_tokens_details: { cached_tokens: 50 } })
    expect(chunks.filter((c) => c.choices[0]?.finish_reason !== null).length).toBe(1)
  })
})
