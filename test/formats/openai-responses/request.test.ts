import { describe, expect, it } from "@effect/vitest"
import * as ClaudeReq from "../../../src/formats/claude/request.js"
import * as ClaudeEnc from "../../../src/formats/claude/request-encode.js"
import * as GemEnc from "../../../src/formats/gemini/request-encode.js"
import * as ChatReq from "../../../src/formats/openai-chat/request.js"
import * as RespReq from "../../../src/formats/openai-responses/request.js"
import * as RespEnc from "../../../src/formats/openai-responses/request-encode.js"
import { fixturesOf } from "../fixtures.js"
import { canon, right } from "../helpers.js"

const decode = (b: object) => right(RespReq.decodeRequest(b))

describe("openai-responses request", () => {
  it.each(fixturesOf("openai-responses").map((f) => [f.name, f] as const))("decodes fixture %s and re-encodes it", (_, f) => {
    const ir = decode(f.body)
    const out = RespEnc.encodeRequest(ir)
    // Same-dialect re-encode keeps every non-message item, in order, and every text.
    const items = (b: Record<string, unknown>) =>
      typeof b.input === "string" ? [] : (b.input as Array<{ type?: string }>).map((i) => i.type ?? "message").filter((t) => t !== "message")
    const texts = (b: Record<string, unknown>) => typeof b.input === "string" ? 1 : JSON.stringify(b.input).match(/"text":"(?:[^"\\]|\\.)*"/g)?.length ?? 0
    expect(items(out)).toEqual(items(f.body))
    expect(texts(out)).toBe(texts(f.body))
    expect(out.tools === undefined).toBe(f.body.tools === undefined)
    const again = decode(out)
    expect(again.tools).toEqual(ir.tools)
    expect(again.messages).toEqual(ir.messages)
  })

  it("Codex code mode: additional_tools with namespaces and custom grammar tools survive", () => {
    const f = fixturesOf("openai-responses").find((x) => x.name === "codex/3.json")
    if (f === undefined) throw new Error("fixture missing")
    const ir = decode(f.body)
    const exec = ir.tools.find((t) => t.type === "custom" && t.name === "exec")
    expect(exec).toMatchObject({ type: "custom", namespace: "functions", format: { type: "grammar", syntax: "lark" } })
    expect(ir.tools.some((t) => t.type === "function" && t.namespace === "clock")).toBe(true)
    const call = ir.messages.flatMap((m) => m.parts).find((p) => p.type === "tool_call")
    expect(call).toMatchObject({ kind: "custom", name: "exec", namespace: "functions" })
    const result = ir.messages.flatMap((m) => m.parts).find((p) => p.type === "tool_result")
    expect(result).toMatchObject({ kind: "custom", content: [{ type: "text" }, { type: "text" }] })
    const reasoning = ir.messages.flatMap((m) => m.parts).find((p) => p.type === "thinking")
    expect(reasoning).toMatchObject({ signatureProvider: "openai", signature: expect.stringMatching(/^gAAAAA/) })
    const out = RespEnc.encodeRequest(ir, { codex: true })
    expect((out.input as Array<{ type: string }>)[0]?.type).toBe("additional_tools")
    expect(out.tools).toBeUndefined()
    expect(out).toMatchObject({ stream: true, store: false, include: ["reasoning.encrypted_content"] })
    // Nothing Codex-only reaches Claude: encrypted reasoning dropped, the custom tool becomes a function.
    const claude = ClaudeEnc.encodeRequest(ir)
    expect(JSON.stringify(claude)).not.toContain("gAAAAA")
    expect(JSON.stringify(claude)).not.toContain("additional_tools")
    expect((claude.tools as Array<{ name: string }>).map((t) => t.name)).toContain("exec")
  })

  it("G5: function calls and outputs -> Chat Completions", () => {
    const out = ChatReq.encodeRequest(decode({
      model: "gpt-4o",
      instructions: "Be brief.",
      max_output_tokens: 300,
      input: [
        { role: "user", content: [{ type: "input_text", text: "Weather in Paris and Rome?" }] },
        { type: "function_call", call_id: "call_a", name: "get_weather", arguments: "{\"city\":\"Paris\"}" },
        { type: "function_call", call_id: "call_b", name: "get_weather", arguments: "{\"city\":\"Rome\"}" },
        { type: "function_call_output", call_id: "call_a", output: "18C" },
        { type: "function_call_output", call_id: "call_b", output: "22C" }
      ],
      tools: [{ type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }, { type: "web_search" }]
    }))
    expect(canon(out)).toMatchObject(canon({
      model: "gpt-4o",
      stream: false,
      max_tokens: 300,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
        {
          role: "assistant",
          tool_calls: [
            { id: "call_a", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } },
            { id: "call_b", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Rome\"}" } }
          ]
        },
        { role: "tool", tool_call_id: "call_a", content: "18C" },
        { role: "tool", tool_call_id: "call_b", content: "22C" }
      ],
      tools: [{ type: "function", function: { name: "get_weather", description: "", parameters: { type: "object", properties: { city: { type: "string" } } } } }]
    }) as object)
    expect(out.tools).toHaveLength(1)
  })

  it("G6: outputs out of order -> Gemini, grouped after their calls", () => {
    const out = GemEnc.encodeRequest(decode({
      model: "gemini-2.5-pro",
      input: [
        { role: "user", content: [{ type: "input_text", text: "Weather in Paris and Rome?" }] },
        { type: "function_call", call_id: "call_a", name: "get_weather", arguments: "{\"city\":\"Paris\"}" },
        { type: "function_call", call_id: "call_b", name: "get_weather", arguments: "{\"city\":\"Rome\"}" },
        { type: "function_call_output", call_id: "call_b", output: "{\"temp\":22}" },
        { type: "function_call_output", call_id: "call_a", output: "{not json" }
      ]
    }))
    expect(out.contents).toEqual([
      { role: "user", parts: [{ text: "Weather in Paris and Rome?" }] },
      {
        role: "model",
        parts: [
          { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "skip_thought_signature_validator" },
          { functionCall: { name: "get_weather", args: { city: "Rome" } } }
        ]
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { result: "{not json" } } },
          { functionResponse: { name: "get_weather", response: { result: { temp: 22 } } } }
        ]
      }
    ])
  })

  it("G7: string input + instructions + effort -> Claude", () => {
    const out = ClaudeEnc.encodeRequest(decode({
      model: "claude-sonnet-4-5",
      instructions: "You are a pirate.",
      input: "Hello",
      max_output_tokens: 4096,
      reasoning: { effort: "low" }
    }))
    expect(canon(out)).toEqual(canon({
      model: "claude-sonnet-4-5",
      max_tokens: 4096,
      stream: false,
      system: [{ type: "text", text: "You are a pirate." }],
      messages: [{ role: "user", content: "Hello" }],
      thinking: { type: "enabled", budget_tokens: 1024 }
    }))
  })

  it("G9: long tool names -> Codex short names", () => {
    const long1 = "mcp__super_long_server_identifier_for_testing_purposes_xyz__read_file"
    const long2 = "mcp__another_very_long_server_identifier_for_testing_purposes__read_file"
    const fn = (name: string) => ({ type: "function", function: { name, parameters: { type: "object", properties: {} } } })
    const out = RespEnc.encodeRequest(right(ChatReq.decodeRequest({
      model: "gpt-5",
      messages: [{ role: "user", content: "x" }],
      tools: [fn(long1), fn(long2), fn("get_weather")]
    })), { codex: true })
    expect((out.tools as Array<{ name: string }>).map((t) => t.name)).toEqual(["mcp__read_file", "mcp__read_file_1", "get_weather"])
    expect(out).toMatchObject({
      store: false,
      parallel_tool_calls: true,
      include: ["reasoning.encrypted_content"],
      reasoning: { effort: "medium", summary: "auto" }
    })
  })

  it("G32: Responses -> Codex request cleanup", () => {
    const out = RespEnc.encodeRequest(decode({
      model: "gpt-5",
      instructions: "Client rules.",
      temperature: 0.2,
      top_p: 1,
      max_output_tokens: 100,
      user: "u1",
      input: [
        { type: "message", role: "system", content: [{ type: "input_text", text: "Sys" }] },
        { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }
      ]
    }), { codex: true })
    expect(out).toEqual({
      model: "gpt-5",
      instructions: "Client rules.",
      stream: true,
      store: false,
      parallel_tool_calls: true,
      reasoning: { effort: "medium", summary: "auto" },
      include: ["reasoning.encrypted_content"],
      input: [
        { type: "message", role: "developer", content: [{ type: "input_text", text: "Sys" }] },
        { type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }
      ]
    })
  })

  it("G33: Claude -> Codex request", () => {
    const out = RespEnc.encodeRequest(right(ClaudeReq.decodeRequest({
      model: "gpt-5-codex",
      system: [{ type: "text", text: "x-anthropic-billing-header: cc_version=1" }, { type: "text", text: "Repo rules." }],
      thinking: { type: "enabled", budget_tokens: 20000 },
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      messages: [
        { role: "user", content: "list files" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "ls" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "a.txt" }] }
      ],
      tools: [{ name: "Bash", description: "run", input_schema: { $schema: "x", type: "object", properties: { command: { type: "string" } } } }]
    })), { codex: true })
    expect(out).toEqual({
      model: "gpt-5-codex",
      stream: true,
      store: false,
      parallel_tool_calls: false,
      reasoning: { effort: "high", summary: "auto" },
      include: ["reasoning.encrypted_content"],
      tool_choice: "auto",
      input: [
        { type: "message", role: "developer", content: [{ type: "input_text", text: "Repo rules." }] },
        { type: "message", role: "user", content: [{ type: "input_text", text: "list files" }] },
        { type: "function_call", call_id: "toolu_1", name: "Bash", arguments: "{\"command\":\"ls\"}" },
        { type: "function_call_output", call_id: "toolu_1", output: "a.txt" }
      ],
      tools: [{ type: "function", name: "Bash", description: "run", strict: false, parameters: { type: "object", properties: { command: { type: "string" } } } }]
    })
  })
})
