import { describe, expect, it } from "@effect/vitest"
import * as ClaudeReq from "../../../src/formats/claude/request.js"
import * as ClaudeEnc from "../../../src/formats/claude/request-encode.js"
import * as GemReq from "../../../src/formats/gemini/request.js"
import * as GemEnc from "../../../src/formats/gemini/request-encode.js"
import * as ChatReq from "../../../src/formats/openai-chat/request.js"
import { fixturesOf } from "../fixtures.js"
import { canon, right } from "../helpers.js"

const claudeToGemini = (body: object) => GemEnc.encodeRequest(right(ClaudeReq.decodeRequest(body)))
const geminiTo = (body: object) => right(GemReq.decodeRequest(body))

describe("gemini request", () => {
  it.each(fixturesOf("gemini").map((f) => [f.name, f] as const))("decodes fixture %s and re-encodes it", (_, f) => {
    const ir = right(GemReq.decodeRequest(f.body))
    const out = GemEnc.encodeRequest(ir, f.envelope ? { envelope: { project: "p" } } : {})
    const inner = (f.envelope ? out.request : out) as Record<string, unknown>
    const again = right(GemReq.decodeRequest(out))
    expect(again.messages.map((m) => m.parts.filter((p) => p.type !== "thinking").length)).toEqual(
      ir.messages.map((m) => m.parts.filter((p) => p.type !== "thinking").length)
    )
    expect(again.tools.map((t) => t.type === "builtin" ? t.kind : t.name)).toEqual(ir.tools.map((t) => t.type === "builtin" ? t.kind : t.name))
    expect(inner.systemInstruction === undefined).toBe(ir.system.length === 0)
    // Google-minted signatures on calls survive a same-provider round trip.
    const sigs = (r: typeof ir) => r.messages.flatMap((m) => m.parts.flatMap((p) => (p.type === "tool_call" ? [p.signature] : [])))
    expect(sigs(again)).toEqual(sigs(ir))
    if (f.envelope) expect(out).toMatchObject({ model: f.body.model, project: "p" })
  })

  it("G3: Claude tool round trip -> Gemini", () => {
    const out = claudeToGemini({
      model: "gemini-2.5-pro",
      max_tokens: 1024,
      system: "You are helpful.",
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: [{ type: "text", text: "Checking." }, { type: "tool_use", id: "get_weather-1", name: "get_weather", input: { city: "Paris" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "get_weather-1", content: "18C, sunny" }] }
      ],
      tools: [{
        name: "get_weather",
        description: "Get weather",
        cache_control: { type: "ephemeral" },
        input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }
      }]
    })
    expect(out).toEqual({
      systemInstruction: { role: "user", parts: [{ text: "You are helpful." }] },
      contents: [
        { role: "user", parts: [{ text: "Weather in Paris?" }] },
        { role: "model", parts: [{ text: "Checking." }, { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "skip_thought_signature_validator" }] },
        { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { result: "18C, sunny" } } }] }
      ],
      tools: [{
        functionDeclarations: [{
          name: "get_weather",
          description: "Get weather",
          parametersJsonSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }
        }]
      }],
      generationConfig: { maxOutputTokens: 1024 },
      safetySettings: [
        { category: "HARM_CATEGORY_HARASSMENT", threshold: "OFF" },
        { category: "HARM_CATEGORY_HATE_SPEECH", threshold: "OFF" },
        { category: "HARM_CATEGORY_SEXUALLY_EXPLICIT", threshold: "OFF" },
        { category: "HARM_CATEGORY_DANGEROUS_CONTENT", threshold: "OFF" },
        { category: "HARM_CATEGORY_CIVIC_INTEGRITY", threshold: "BLOCK_NONE" }
      ]
    })
  })

  it("G4: Gemini parallel calls -> Claude with minted ids and FIFO pairing", () => {
    const out = ClaudeEnc.encodeRequest(geminiTo({
      contents: [
        { role: "user", parts: [{ text: "Weather in Paris and Rome?" }] },
        { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }, { functionCall: { name: "get_weather", args: { city: "Rome" } } }] },
        { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { result: "18C" } } }, { functionResponse: { name: "get_weather", response: { result: "22C" } } }] }
      ],
      generationConfig: { maxOutputTokens: 512 }
    }))
    const msgs = out.messages as Array<{ content: Array<Record<string, unknown>> }>
    const [a, b] = (msgs[1]?.content ?? []).map((c) => c.id as string)
    expect(a).not.toBe(b)
    expect(a).toMatch(/^[a-zA-Z0-9_-]+$/)
    expect(canon(out)).toMatchObject(canon({
      max_tokens: 512,
      messages: [
        { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
        { role: "assistant", content: [{ type: "tool_use", id: a, name: "get_weather", input: { city: "Paris" } }, { type: "tool_use", id: b, name: "get_weather", input: { city: "Rome" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: a, content: "18C" }, { type: "tool_result", tool_use_id: b, content: "22C" }] }
      ]
    }) as object)
  })

  it("G10: reasoning_effort -> thinkingBudget; none -> budget 0", () => {
    const body = { model: "gemini-2.5-pro", reasoning_effort: "high", messages: [{ role: "user", content: "Think." }] }
    const gen = (b: object) => GemEnc.encodeRequest(right(ChatReq.decodeRequest(b))).generationConfig
    expect(gen(body)).toEqual({ thinkingConfig: { thinkingBudget: 24576, includeThoughts: true } })
    expect(gen({ ...body, reasoning_effort: "none" })).toEqual({ thinkingConfig: { thinkingBudget: 0 } })
  })

  it("G23: empty assistant text leaves no empty part or content", () => {
    const out = claudeToGemini({ model: "g", max_tokens: 5, messages: [{ role: "user", content: "hi" }, { role: "assistant", content: [{ type: "text", text: "" }] }, { role: "user", content: "again" }] })
    expect(out.contents).toEqual([{ role: "user", parts: [{ text: "hi" }] }, { role: "user", parts: [{ text: "again" }] }])
  })

  it("G24: Claude tool_result with text + image -> Gemini (name looked up, image as sibling)", () => {
    const out = claudeToGemini({
      model: "g",
      max_tokens: 5,
      messages: [
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_9", name: "screenshot", input: {} }] },
        { role: "user", content: [
          { type: "tool_result", tool_use_id: "toolu_9", content: [{ type: "text", text: "Captured" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } }] },
          { type: "text", text: "Describe it." }
        ] }
      ]
    })
    // The first user turn is synthetic-free here: Gemini accepts a leading model turn.
    expect(out.contents).toEqual([
      { role: "model", parts: [{ functionCall: { name: "screenshot", args: {} }, thoughtSignature: "skip_thought_signature_validator" }] },
      { role: "user", parts: [{ functionResponse: { name: "screenshot", response: { result: "Captured" } } }, { inlineData: { mimeType: "image/png", data: "AAAA" } }] },
      { role: "user", parts: [{ text: "Describe it." }] }
    ])
  })

  it("G29: normalisation gemini -> gemini", () => {
    const out = GemEnc.encodeRequest(geminiTo({
      contents: [{ parts: [{ text: "a" }] }, { parts: [{ text: "b" }] }, { role: "user", parts: [{ text: "c" }] }],
      generationConfig: { responseSchema: { type: "object" } },
      tools: [{ function_declarations: [{ name: "f", parameters: { type: "object" } }] }]
    }))
    expect((out.contents as Array<{ role: string }>).map((c) => c.role)).toEqual(["user", "model", "user"])
    expect(out.generationConfig).toEqual({ responseMimeType: "application/json", responseJsonSchema: { type: "object" } })
    expect(out.tools).toEqual([{ functionDeclarations: [{ name: "f", parametersJsonSchema: { type: "object" } }] }])
    expect(out.safetySettings).toHaveLength(5)
  })

  it("G30: Gemini -> OpenAI request with deterministic call ids", () => {
    const body = {
      system_instruction: { parts: [{ text: "Be exact." }] },
      contents: [
        { role: "user", parts: [{ text: "Add 2+2" }] },
        { role: "model", parts: [{ functionCall: { name: "add", args: { a: 2, b: 2 } } }] },
        { role: "user", parts: [{ functionResponse: { name: "add", response: { result: 4 } } }] }
      ],
      toolConfig: { functionCallingConfig: { mode: "ANY" } }
    }
    const out = ChatReq.encodeRequest(geminiTo(body))
    const id = ((out.messages as Array<{ tool_calls?: Array<{ id: string }> }>)[2]?.tool_calls?.[0]?.id) ?? ""
    expect(id).toMatch(/^call_/)
    expect(ChatReq.encodeRequest(geminiTo(body)).messages).toEqual(out.messages)
    expect(canon(out.messages)).toEqual(canon([
      { role: "system", content: [{ type: "text", text: "Be exact." }] },
      { role: "user", content: "Add 2+2" },
      { role: "assistant", tool_calls: [{ id, type: "function", function: { name: "add", arguments: "{\"a\":2,\"b\":2}" } }] },
      { role: "tool", tool_call_id: id, content: "{\"result\":4}" }
    ]))
    // tool_choice needs tools to mean anything; without tools it is omitted.
    expect(out.tool_choice).toBeUndefined()
  })

  it("sanitises tool names for Gemini and keeps the mapping for history and allowedFunctionNames", () => {
    const out = GemEnc.encodeRequest(right(ChatReq.decodeRequest({
      model: "gemini-2.5-pro",
      messages: [{ role: "user", content: "x" }],
      tools: [{ type: "function", function: { name: "my tool/v2", parameters: { type: "object", properties: {} } } }],
      tool_choice: { type: "function", function: { name: "my tool/v2" } }
    })))
    expect(out.tools).toEqual([{ functionDeclarations: [{ name: "my_tool_v2", parametersJsonSchema: { type: "object", properties: {} } }] }])
    expect(out.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["my_tool_v2"] } })
  })

  it("uses thinkingLevel for Gemini 3 models", () => {
    const f = fixturesOf("gemini").find((x) => x.name === "gemini-cli/2.json")
    if (f === undefined) throw new Error("missing fixture")
    const out = GemEnc.encodeRequest(right(GemReq.decodeRequest(f.body, { model: "gemini-3.8-flash" })))
    expect((out.generationConfig as Record<string, unknown>).thinkingConfig).toEqual({ thinkingLevel: "HIGH", includeThoughts: true })
  })
})

describe("gemini cli envelope", () => {
  it("keeps user_prompt_id and session_id for Code Assist, drops session_id for the public API", () => {
    const f = fixturesOf("gemini").find((x) => x.name === "gemini-cli-code-assist/14.json")
    if (f === undefined) throw new Error("fixture missing")
    const ir = right(GemReq.decodeRequest(f.body))
    expect(ir.model).toBe(f.body.model)
    const cli = GemEnc.encodeRequest(ir, { envelope: { project: "proj-1" } })
    expect(cli).toMatchObject({ model: f.body.model, project: "proj-1", user_prompt_id: f.body.user_prompt_id })
    expect((cli.request as Record<string, unknown>).session_id).toBe((f.body.request as Record<string, unknown>).session_id)
    expect(GemEnc.encodeRequest(ir)).not.toHaveProperty("session_id")
  })
})
