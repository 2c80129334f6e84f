import { describe, expect, it } from "@effect/vitest"
import * as ClaudeReq from "../../../src/formats/claude/request.js"
import * as ClaudeEnc from "../../../src/formats/claude/request-encode.js"
import { fixturesOf } from "../fixtures.js"
import { right } from "../helpers.js"

describe("claude request", () => {
  it.each(fixturesOf("claude").map((f) => [f.name, f] as const))("decodes fixture %s and re-encodes it", (_, f) => {
    const ir = right(ClaudeReq.decodeRequest(f.body))
    expect(ir.model).toBe(f.body.model)
    const again = right(ClaudeReq.decodeRequest(ClaudeEnc.encodeRequest(ir)))
    expect(again.tools).toEqual(ir.tools)
    expect(again.system.map((s) => s.text)).toEqual(ir.system.map((s) => s.text))
    // Signatures minted by Anthropic survive a same-provider round trip.
    const sigs = (r: typeof ir) => r.messages.flatMap((m) => m.parts.flatMap((p) => (p.type === "thinking" ? [p.signature] : [])))
    expect(sigs(again)).toEqual(sigs(ir))
  })

  it("Claude Code: system turns, adaptive thinking, effort, context_management, safeguards", () => {
    const f = fixturesOf("claude").find((x) => x.name === "claude-code-interactive/1.json")
    if (f === undefined) throw new Error("fixture missing")
    const ir = right(ClaudeReq.decodeRequest(f.body))
    expect(ir.reasoning).toEqual({ mode: "adaptive", level: "medium" })
    expect(ir.system.some((s) => s.position !== undefined)).toBe(true)
    expect(ir.tools.some((t) => t.type === "function" && t.deferLoading === true)).toBe(true)
    expect(Object.keys(ir.extensions.claude ?? {})).toEqual(
      expect.arrayContaining(["context_management", "safeguards", "output_config", "thinking_display"])
    )
    const out = ClaudeEnc.encodeRequest(ir)
    expect(out.thinking).toEqual({ type: "adaptive", display: "updates" })
    expect(out.output_config).toEqual({ effort: "medium" })
    expect(out.context_management).toEqual(f.body.context_management)
    expect(out.safeguards).toEqual(f.body.safeguards)
    expect(out).not.toHaveProperty("thinking_display")
    // The mid-conversation system turn becomes a top-level system block (rule 39).
    expect((out.messages as Array<{ role: string }>).every((m) => m.role !== "system")).toBe(true)
  })

  it("rejects an unknown role, naming the field", () => {
    const e = ClaudeReq.decodeRequest({ model: "m", messages: [{ role: "tool", content: "x" }] })
    expect(e._tag === "Left" && e.left.message).toContain("messages[0].role")
  })

  it("drops thinking when the tool choice forces a tool (rule 47) and raises max_tokens over the budget", () => {
    const base = {
      model: "m",
      max_tokens: 1000,
      thinking: { type: "enabled", budget_tokens: 4000 },
      messages: [{ role: "user", content: "x" }],
      tools: [{ name: "f", input_schema: { type: "object" } }]
    }
    const forced = ClaudeEnc.encodeRequest(right(ClaudeReq.decodeRequest({ ...base, tool_choice: { type: "any" } })))
    expect(forced.thinking).toBeUndefined()
    const free = ClaudeEnc.encodeRequest(right(ClaudeReq.decodeRequest(base)))
    expect(free.thinking).toEqual({ type: "enabled", budget_tokens: 4000 })
    expect(free.max_tokens).toBeGreaterThan(4000)
  })

  it("merges consecutive same-role turns and dedupes results for one call (rule 14)", () => {
    const ir = right(ClaudeReq.decodeRequest({
      model: "m",
      messages: [
        { role: "user", content: "a" },
        { role: "user", content: "b" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "f", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "old" }, { type: "tool_result", tool_use_id: "t1", content: "new" }] }
      ]
    }))
    const out = ClaudeEnc.encodeRequest(ir)
    expect(out.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "f", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "new" }] }
    ])
  })
})
