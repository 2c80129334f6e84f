import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { buildGeminiNameMap, buildShortNameMap, fromWireName, mintId, sanitizeClaudeId, sanitizeGeminiName } from "../../src/formats/ids.js"

describe("identifier rules", () => {
  it("Claude ids keep only [a-zA-Z0-9_-] (rule 27)", () => {
    expect(sanitizeClaudeId("call.1 x")).toBe("call_1_x")
    expect(sanitizeClaudeId("")).toMatch(/^toolu_[0-9a-f]{24}$/)
  })

  it("Gemini names match [a-zA-Z_][a-zA-Z0-9_.:-]{0,63} (rule 28)", () => {
    fc.assert(fc.property(fc.string({ maxLength: 100 }), (s) => {
      expect(sanitizeGeminiName(s)).toMatch(/^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/)
    }))
    expect(sanitizeGeminiName("1tool")).toBe("_1tool")
  })

  it("short-name maps are unique, ≤ 64 chars and restore exactly (rule 29)", () => {
    fc.assert(fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 90 }), { maxLength: 8 }), (names) => {
      const map = buildShortNameMap(names)
      const wire = names.map((n) => map.toWire.get(n) ?? "")
      expect(new Set(wire).size).toBe(names.length)
      for (const [i, w] of wire.entries()) {
        expect(w.length).toBeLessThanOrEqual(64)
        expect(fromWireName(map, w)).toBe(names[i])
      }
    }))
    const g = buildGeminiNameMap(["a b", "a/b"])
    expect([...g.toWire.values()]).toEqual(["a_b", "a_b_1"])
  })

  it("minted ids are deterministic", () => {
    expect(mintId("call_", 1, "f")).toBe(mintId("call_", 1, "f"))
    expect(mintId("call_", 1, "f")).not.toBe(mintId("call_", 2, "f"))
  })
})
