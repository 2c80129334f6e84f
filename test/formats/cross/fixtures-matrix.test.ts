import { describe, expect, it } from "@effect/vitest"
import { codecs, contextFor } from "../../../src/formats/codecs.js"
import type { Dialect } from "../../../src/formats/ir.js"
import { fixtures } from "../fixtures.js"
import { right } from "../helpers.js"

const dialects: ReadonlyArray<Dialect> = ["openai-chat", "openai-responses", "claude", "gemini"]

/** What must never leave its own dialect (issue 3 point 5, rules 30, 41, 50). */
const foreign: Record<Dialect, ReadonlyArray<string>> = {
  claude: ["x-anthropic-billing-header", "\"safeguards\"", "\"context_management\"", "\"cache_control\"", "\"defer_loading\"", "capture-sig-"],
  "openai-responses": ["gAAAAA-capture", "\"additional_tools\"", "\"client_metadata\""],
  gemini: ["Y2FwdHVyZS1zaWduYXR1cmU=", "a912f08b-6eb0-45a0-a645-10b9287903e9"],
  "openai-chat": []
}

describe.each(fixtures.map((f) => [f.name, f] as const))("fixture %s", (_, f) => {
  const ir = right(codecs[f.dialect].decodeRequest(f.body))
  const ctx = contextFor(ir)

  it.each(dialects.filter((d) => d !== f.dialect))("re-encodes to %s without losing turns or leaking foreign fields", (target) => {
    const out = codecs[target].encodeRequest(ir, ctx)
    const text = JSON.stringify(out)
    for (const [source, needles] of Object.entries(foreign)) {
      if (source === target) continue
      for (const n of needles) expect(text.includes(n), `${n} leaked into ${target}`).toBe(false)
    }
    // The last user text of the conversation reaches the target.
    const lastUser = [...ir.messages].reverse().find((m) => m.role === "user" && m.parts.some((p) => p.type === "text" && p.text.trim() !== ""))
    const lastText = lastUser?.parts.flatMap((p) => (p.type === "text" && p.text.trim() !== "" ? [p.text] : [])).pop()
    if (lastText !== undefined) expect(text).toContain(JSON.stringify(lastText).slice(1, 40))
    // Every function tool survives under its (possibly shortened or sanitized) name.
    const tools = ir.tools.filter((t) => t.type !== "builtin")
    expect(text.match(/"(name)"/g)?.length ?? 0).toBeGreaterThanOrEqual(tools.length)
    // The target decodes what we produced.
    const back = right(codecs[target].decodeRequest(out))
    expect(back.tools.filter((t) => t.type !== "builtin").length).toBe(tools.length)
    expect(back.messages.flatMap((m) => m.parts).filter((p) => p.type === "tool_call").length).toBe(
      ir.messages.flatMap((m) => m.parts).filter((p) => p.type === "tool_call").length
    )
    if (target === "gemini") {
      // Rule 1: no part without data, no content without parts.
      const contents = (out.contents ?? []) as Array<{ parts: Array<Record<string, unknown>> }>
      for (const c of contents) {
        expect(c.parts.length).toBeGreaterThan(0)
        for (const p of c.parts) expect(p.text === "").toBe(false)
      }
    }
  })
})
