import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { codecs, contextFor } from "../../src/formats/codecs.js"
import type * as IR from "../../src/formats/ir.js"

const word = fc.stringMatching(/^[a-z][a-z ]{0,10}[a-z]$/)

/** Requests inside what every dialect can carry: text turns, parallel calls answered in the next turn, tools, sampling. */
const requestArb: fc.Arbitrary<IR.Request> = fc
  .record({
    system: fc.array(word, { maxLength: 2 }),
    turns: fc.array(fc.record({ reply: fc.option(word, { nil: undefined }), calls: fc.array(fc.nat(99), { maxLength: 2 }), follow: word }), {
      maxLength: 3
    }),
    first: word,
    temperature: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    maxOutputTokens: fc.option(fc.integer({ min: 1, max: 4000 }), { nil: undefined }),
    stop: fc.option(fc.array(word, { minLength: 1, maxLength: 2 }), { nil: undefined })
  })
  .map(({ system, turns, first, temperature, maxOutputTokens, stop }) => {
    const messages: Array<IR.Message> = [{ role: "user", parts: [{ type: "text", text: first }] }]
    turns.forEach((t, ti) => {
      const calls: Array<IR.ToolCallPart> = t.calls.map((n, ci) => ({
        type: "tool_call",
        id: `call_${ti}_${ci}`,
        name: ci % 2 === 0 ? "get_weather" : "search",
        kind: "function",
        arguments: JSON.stringify({ n })
      }))
      const reply: Array<IR.Part> = t.reply === undefined ? [] : [{ type: "text", text: t.reply }]
      if (reply.length + calls.length === 0) return
      messages.push({ role: "assistant", parts: [...reply, ...calls] })
      messages.push({
        role: "user",
        parts: [...calls.map((c): IR.Part => ({ type: "tool_result", callId: c.id, name: c.name, content: [{ type: "text", text: `r${c.id}` }] })), { type: "text", text: t.follow }]
      })
    })
    const tool = (name: string): IR.Tool => ({ type: "function", name, description: `${name} tool`, parameters: { type: "object", properties: { n: { type: "integer" } } } })
    return {
      model: "m",
      stream: false,
      system: system.map((text): IR.SystemBlock => ({ source: "system", text })),
      messages,
      tools: [tool("get_weather"), tool("search")],
      sampling: { ...(temperature === undefined ? {} : { temperature }), ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }), ...(stop === undefined ? {} : { stop }) },
      meta: {},
      extensions: {}
    }
  })

/** What section 8 says must survive: the conversation in order (call ids by position), tools, sampling. */
const essence = (r: IR.Request) => {
  const ids = new Map<string, number>()
  const seq: Array<string> = []
  for (const m of r.messages) {
    for (const p of m.parts) {
      if (p.type === "text" && p.text.trim() !== "") seq.push(`${m.role}:text:${p.text}`)
      if (p.type === "tool_call") {
        ids.set(p.id, ids.size)
        seq.push(`call#${ids.get(p.id)}:${p.name}:${JSON.stringify(JSON.parse(p.arguments))}`)
      }
      if (p.type === "tool_result") {
        const text = p.content.map((c) => (c.type === "text" ? c.text : c.type === "json" ? JSON.stringify(c.value) : "")).join("")
        seq.push(`result#${ids.get(p.callId) ?? "?"}:${text}`)
      }
    }
  }
  return {
    system: r.system.map((s) => s.text).join("\n"),
    seq,
    tools: r.tools.flatMap((t) => (t.type === "function" ? [`${t.name}|${t.description}|${JSON.stringify(t.parameters)}`] : [])),
    temperature: r.sampling.temperature,
    maxOutputTokens: r.sampling.maxOutputTokens,
    stop: r.sampling.stop
  }
}

describe.each(["openai-chat", "openai-responses", "claude", "gemini"] as const)("%s requests", (dialect) => {
  it("decode(encode(request)) keeps the conversation, tools and sampling (property)", () => {
    const codec = codecs[dialect]
    fc.assert(
      fc.property(requestArb, (req) => {
        const back = codec.decodeRequest(codec.encodeRequest(req, contextFor(req)))
        if (back._tag === "Left") throw back.left
        const want = essence(req)
        const got = essence(back.right)
        // Claude always carries max_tokens (default 32000); Responses has no stop sequences.
        if (dialect === "claude" && want.maxOutputTokens === undefined) want.maxOutputTokens = 32000
        if (dialect === "openai-responses") expect({ ...got, stop: undefined }).toEqual({ ...want, stop: undefined })
        else expect(got).toEqual(want)
      }),
      { numRuns: 150 }
    )
  })
})
