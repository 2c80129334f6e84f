/** Golden tests for spec/04 section 7 rules not already covered by the G-cases. */
import { describe, expect, it } from "@effect/vitest"
import * as ClaudeReq from "../../../src/formats/claude/request.js"
import * as ClaudeEnc from "../../../src/formats/claude/request-encode.js"
import * as ClaudeStream from "../../../src/formats/claude/stream.js"
import * as GemReq from "../../../src/formats/gemini/request.js"
import * as GemEnc from "../../../src/formats/gemini/request-encode.js"
import * as GemStream from "../../../src/formats/gemini/stream.js"
import * as ChatReq from "../../../src/formats/openai-chat/request.js"
import * as ChatStream from "../../../src/formats/openai-chat/stream.js"
import * as RespReq from "../../../src/formats/openai-responses/request.js"
import * as RespEnc from "../../../src/formats/openai-responses/request-encode.js"
import * as RespStream from "../../../src/formats/openai-responses/stream.js"
import * as RespStreamEnc from "../../../src/formats/openai-responses/stream-encode.js"
import { runAll } from "../../../src/formats/transducer.js"
import { canon, dataEvents, right, translate } from "../helpers.js"

const chat = (body: object) => right(ChatReq.decodeRequest({ model: "m", ...body }))
const claude = (body: object) => right(ClaudeReq.decodeRequest({ model: "m", max_tokens: 10, ...body }))
const c = (delta: object, extra: object = {}) => ({ id: "x", model: "m", choices: [{ index: 0, delta, ...extra }] })

describe("section 7 rules", () => {
  it("3: an empty streamed Gemini text opens no block", () => {
    const ir = runAll(GemStream.makeDecoder(), dataEvents([{ candidates: [{ content: { parts: [{ text: "" }] } }] }]))
    expect(ir.filter((e) => e.type === "block_start")).toEqual([])
  })

  it("5: empty, non-JSON and comment payloads are ignored", () => {
    for (const dec of [ChatStream.makeDecoder(), ClaudeStream.makeDecoder(), GemStream.makeDecoder(), RespStream.makeDecoder()]) {
      expect(runAll(dec, [{ data: "" }, { data: "not json" }, { data: ": ping" }])).toEqual([])
    }
  })

  it("10: a non-object tool_use input is kept; null becomes {}", () => {
    const ir = claude({ messages: [{ role: "assistant", content: [{ type: "tool_use", id: "a", name: "f", input: [1, 2] }, { type: "tool_use", id: "b", name: "f", input: null }] }] })
    const calls = ir.messages[0]?.parts.map((p) => (p.type === "tool_call" ? p.arguments : ""))
    expect(calls).toEqual(["[1,2]", "{}"])
  })

  it("13: a tool_result without content yields a valid empty result", () => {
    const ir = claude({ messages: [{ role: "assistant", content: [{ type: "tool_use", id: "a", name: "f", input: {} }] }, { role: "user", content: [{ type: "tool_result", tool_use_id: "a" }] }] })
    expect((GemEnc.encodeRequest(ir).contents as Array<unknown>)[1]).toEqual({ role: "user", parts: [{ functionResponse: { name: "f", response: { result: "" } } }] })
    expect((ChatReq.encodeRequest(ir).messages as Array<unknown>)[1]).toEqual({ role: "tool", tool_call_id: "a", content: "" })
  })

  it("23: a trailing model turn with unanswered calls is not sent to Gemini", () => {
    const ir = claude({ messages: [{ role: "user", content: "q" }, { role: "assistant", content: [{ type: "tool_use", id: "a", name: "f", input: {} }] }] })
    expect(GemEnc.encodeRequest(ir).contents).toEqual([{ role: "user", parts: [{ text: "q" }] }])
  })

  it("25: an assistant message with text and tool_calls keeps both for Gemini", () => {
    const out = GemEnc.encodeRequest(chat({
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: "Let me look.", tool_calls: [{ id: "a", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "a", content: "ok" }
      ]
    }))
    expect((out.contents as Array<{ parts: Array<object> }>)[1]?.parts).toEqual([
      { text: "Let me look." },
      { functionCall: { name: "f", args: {} }, thoughtSignature: "skip_thought_signature_validator" }
    ])
  })

  it("31: a function tool without parameters gets an object schema everywhere", () => {
    const ir = chat({ messages: [{ role: "user", content: "q" }], tools: [{ type: "function", function: { name: "f" } }] })
    const empty = { type: "object", properties: {} }
    expect((ClaudeEnc.encodeRequest(ir).tools as Array<object>)[0]).toEqual({ name: "f", input_schema: empty })
    expect((RespEnc.encodeRequest(ir).tools as Array<object>)[0]).toEqual({ type: "function", name: "f", parameters: empty })
    expect(GemEnc.encodeRequest(ir).tools).toEqual([{ functionDeclarations: [{ name: "f", parametersJsonSchema: empty }] }])
  })

  it("35: built-in tools: OpenAI-style google_search / code_execution / url_context become separate Gemini entries", () => {
    const ir = chat({
      messages: [{ role: "user", content: "q" }],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: {} } } }, { type: "google_search" }, { type: "code_execution" }, { type: "url_context" }]
    })
    expect(GemEnc.encodeRequest(ir).tools).toEqual([
      { functionDeclarations: [{ name: "f", parametersJsonSchema: { type: "object", properties: {} } }] },
      { googleSearch: {} },
      { codeExecution: {} },
      { urlContext: {} }
    ])
    const claudeOut = ClaudeEnc.encodeRequest(right(ClaudeReq.decodeRequest({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "q" }], tools: [{ type: "web_search_20250305", name: "web_search" }] })))
    expect(RespEnc.encodeRequest(right(ClaudeReq.decodeRequest({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "q" }], tools: [{ type: "web_search_20250305", name: "web_search" }] })), { codex: true }).tools).toEqual([{ type: "web_search" }])
    expect(claudeOut.tools).toEqual([{ type: "web_search_20250305", name: "web_search" }])
  })

  it("37: Responses flat tool_choice <-> Chat nested tool_choice, never stringified", () => {
    const ir = right(RespReq.decodeRequest({ model: "m", input: "q", tools: [{ type: "function", name: "f", parameters: {} }], tool_choice: { type: "function", name: "f" } }))
    expect(ChatReq.encodeRequest(ir).tool_choice).toEqual({ type: "function", function: { name: "f" } })
    expect(RespEnc.encodeRequest(chat({ messages: [{ role: "user", content: "q" }], tools: [{ type: "function", function: { name: "f" } }], tool_choice: { type: "function", function: { name: "f" } } })).tool_choice).toEqual({ type: "function", name: "f" })
  })

  it("44: snake_case thinking config is read", () => {
    const ir = right(GemReq.decodeRequest({ contents: [{ role: "user", parts: [{ text: "q" }] }], generation_config: { thinking_config: { thinking_budget: 2048, include_thoughts: false } } }))
    expect(ir.reasoning).toEqual({ mode: "budget", budget: 2048, includeThoughts: false })
  })

  it("51: client-sent thought parts are not replayed to Gemini; their call signatures are", () => {
    const ir = right(GemReq.decodeRequest({
      contents: [
        { role: "user", parts: [{ text: "q" }] },
        { role: "model", parts: [{ text: "hidden", thought: true }, { functionCall: { name: "f", args: {} }, thoughtSignature: "real" }] },
        { role: "user", parts: [{ functionResponse: { name: "f", response: { ok: true } } }] }
      ]
    }))
    expect((GemEnc.encodeRequest(ir).contents as Array<unknown>)[1]).toEqual({ role: "model", parts: [{ functionCall: { name: "f", args: {} }, thoughtSignature: "real" }] })
  })

  it("52: one Claude thinking block per Codex reasoning item, signed at output_item.done", () => {
    const out = translate(RespStream.makeDecoder(), ClaudeStream.makeEncoder(), dataEvents([
      { type: "response.created", response: { id: "r", model: "gpt-5" } },
      { type: "response.output_item.added", output_index: 0, item: { type: "reasoning" } },
      { type: "response.reasoning_summary_text.delta", output_index: 0, summary_index: 0, delta: "a" },
      { type: "response.reasoning_summary_text.delta", output_index: 0, summary_index: 1, delta: "b" },
      { type: "response.output_item.done", output_index: 0, item: { type: "reasoning", encrypted_content: "enc" } },
      { type: "response.completed", response: { id: "r" } }
    ]))
    const blocks = out.filter((e) => e.event === "content_block_start")
    expect(blocks).toHaveLength(1)
    const deltas = out.filter((e) => e.event === "content_block_delta").map((e) => (e.data as { delta: object }).delta)
    expect(deltas).toEqual([{ type: "thinking_delta", thinking: "a" }, { type: "thinking_delta", thinking: "\n\nb" }, { type: "signature_delta", signature: "enc" }])
  })

  it("54: message_start comes first even when the first chunk carries only a tool call", () => {
    const out = translate(ChatStream.makeDecoder(), ClaudeStream.makeEncoder(), dataEvents([
      c({ tool_calls: [{ index: 0, id: "a", function: { name: "f", arguments: "{}" } }] }, { finish_reason: "tool_calls" }),
      "[DONE]"
    ]))
    expect(out[0]?.event).toBe("message_start")
  })

  it("56: a late usage chunk after the finish does not produce a second message_delta", () => {
    const out = translate(ChatStream.makeDecoder(), ClaudeStream.makeEncoder(), dataEvents([
      c({ content: "hi" }),
      c({}, { finish_reason: "stop" }),
      { id: "x", choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } },
      { id: "x", choices: [], usage: { prompt_tokens: 9, completion_tokens: 9, total_tokens: 18 } },
      "[DONE]"
    ]))
    expect(out.filter((e) => e.event === "message_delta")).toHaveLength(1)
    expect(out[out.length - 1]?.event).toBe("message_stop")
  })

  it("59: a Codex call whose name arrives late starts its block only then", () => {
    const ir = runAll(RespStream.makeDecoder(), dataEvents([
      { type: "response.created", response: { id: "r" } },
      { type: "response.output_item.added", output_index: 0, item: { type: "function_call", call_id: "c1", name: "" } },
      { type: "response.output_item.done", output_index: 0, item: { type: "function_call", call_id: "c1", name: "shell", arguments: "{}" } },
      { type: "response.completed", response: { id: "r" } }
    ]))
    expect(ir.find((e) => e.type === "block_start")).toMatchObject({ block: { kind: "tool_call", id: "c1", name: "shell" } })
  })

  it("64: parallel calls in one OpenAI choice become separate Responses items with one output_index sequence", () => {
    const out = translate(ChatStream.makeDecoder(), RespStreamEnc.makeEncoder(), dataEvents([
      c({ content: "x" }),
      c({ tool_calls: [{ index: 0, id: "a", function: { name: "f", arguments: "{}" } }, { index: 1, id: "b", function: { name: "g", arguments: "{}" } }] }),
      c({}, { finish_reason: "tool_calls" }),
      "[DONE]"
    ]))
    const added = out.filter((e) => e.event === "response.output_item.added").map((e) => e.data as { output_index: number; item: { type: string } })
    expect(added.map((a) => [a.output_index, a.item.type])).toEqual([[0, "message"], [1, "function_call"], [2, "function_call"]])
  })

  it("66: a call without id gets a deterministic call_<responseId>_<choice>_<toolIndex>", () => {
    const ir = runAll(ChatStream.makeDecoder(), dataEvents([{ id: "resp9", choices: [{ delta: { tool_calls: [{ index: 3, function: { name: "f", arguments: "{}" } }] } }] }, "[DONE]"]))
    expect(ir.find((e) => e.type === "block_start")).toMatchObject({ block: { id: "call_resp9_0_3" } })
  })

  it("67: finalise on [DONE] without a finish_reason, ignore what follows", () => {
    const ir = runAll(ChatStream.makeDecoder(), dataEvents([c({ content: "a" }), "[DONE]", c({ content: "late" })]))
    expect(ir.map((e) => e.type)).toEqual(["start", "block_start", "delta", "finish", "block_stop", "end"])
  })

  it("G11 (codex): a Claude budget maps to reasoning.effort", () => {
    const out = RespEnc.encodeRequest(claude({ thinking: { type: "enabled", budget_tokens: 5000 }, messages: [{ role: "user", content: "hi" }] }), { codex: true })
    expect(out.reasoning).toEqual({ effort: "medium", summary: "auto" })
  })

  it("G21 (stream): OpenAI cached usage -> Claude message_delta", () => {
    const out = translate(ChatStream.makeDecoder(), ClaudeStream.makeEncoder(), dataEvents([
      c({ content: "x" }, { finish_reason: "stop" }),
      { id: "x", choices: [], usage: { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200, prompt_tokens_details: { cached_tokens: 800 } } }
    ]))
    expect(out.find((e) => e.event === "message_delta")?.data).toMatchObject({ usage: { input_tokens: 200, output_tokens: 200, cache_read_input_tokens: 800 } })
  })

  it("G22 (responses): Gemini usage -> Responses usage", () => {
    const out = translate(GemStream.makeDecoder(), RespStreamEnc.makeEncoder(), dataEvents([{
      candidates: [{ content: { parts: [{ text: "x" }] }, finishReason: "STOP" }],
      usageMetadata: { promptTokenCount: 1000, candidatesTokenCount: 100, thoughtsTokenCount: 300, totalTokenCount: 1400, cachedContentTokenCount: 600 }
    }]))
    // [rec]: output_tokens counts the thoughts (OpenAI semantics); Go reports 100.
    expect((out[out.length - 1]?.data as { response: { usage: object } }).response.usage).toEqual({
      input_tokens: 1000, input_tokens_details: { cached_tokens: 600 }, output_tokens: 400, output_tokens_details: { reasoning_tokens: 300 }, total_tokens: 1400
    })
  })

  it("39: mid-conversation system turns go to Claude's top-level system in source order", () => {
    const out = ClaudeEnc.encodeRequest(chat({ messages: [{ role: "system", content: "A" }, { role: "user", content: "q" }, { role: "system", content: "B" }, { role: "user", content: "r" }] }))
    expect(out.system).toEqual([{ type: "text", text: "A" }, { type: "text", text: "B" }])
    expect(canon(out.messages)).toEqual(canon([{ role: "user", content: [{ type: "text", text: "q" }, { type: "text", text: "r" }] }]))
  })
})
