import { describe, expect, it } from "@effect/vitest"
import { emptyRequest } from "../../src/formats/ir.js"
import { budgetToLevel, levelToBudget, parseModelSuffix, toBudget, toEffort, withModelSuffix } from "../../src/formats/thinking.js"

describe("unified thinking table (spec/04 3.8.3)", () => {
  it("level <-> budget", () => {
    expect(["none", "minimal", "low", "medium", "high", "xhigh", "max"].map((l) => levelToBudget(l as never))).toEqual([0, 512, 1024, 8192, 24576, 32768, 128000])
    expect([-1, 0, 1, 512, 513, 1024, 1025, 8192, 8193, 24576, 24577].map(budgetToLevel)).toEqual([
      "auto", "none", "minimal", "minimal", "low", "low", "medium", "medium", "high", "high", "xhigh"
    ])
  })

  it("adaptive without effort is xhigh for effort targets; off is none / budget 0", () => {
    expect(toEffort({ mode: "adaptive" })).toBe("xhigh")
    expect(toEffort({ mode: "off" })).toBe("none")
    expect(toBudget({ mode: "off" })).toBe(0)
    expect(toBudget({ mode: "level", level: "high" })).toBe(24576)
  })
})

describe("model-name suffixes (spec/04 3.8.4)", () => {
  it.each([
    ["gemini-2.5-pro(8192)", { model: "gemini-2.5-pro", reasoning: { mode: "budget", budget: 8192 } }],
    ["claude-sonnet-4-5(high)", { model: "claude-sonnet-4-5", reasoning: { mode: "level", level: "high" } }],
    ["gpt-5(none)", { model: "gpt-5", reasoning: { mode: "off", level: "none" } }],
    ["gpt-5(auto)", { model: "gpt-5", reasoning: { mode: "auto" } }],
    ["gpt-5(-1)", { model: "gpt-5", reasoning: { mode: "auto" } }],
    ["gemini-2.5-flash-nothinking", { model: "gemini-2.5-flash", reasoning: { mode: "off", includeThoughts: false } }],
    ["gemini-2.5-pro-nothinking", { model: "gemini-2.5-pro", reasoning: { mode: "budget", budget: 128, includeThoughts: false } }],
    ["gemini-2.5-flash-thinking-2048", { model: "gemini-2.5-flash", reasoning: { mode: "budget", budget: 2048 } }],
    ["gpt-5-high", { model: "gpt-5", reasoning: { mode: "level", level: "high" } }],
    ["gpt-5-minimal", { model: "gpt-5", reasoning: { mode: "level", level: "minimal" } }],
    ["gpt-5-codex-low", { model: "gpt-5-codex", reasoning: { mode: "level", level: "low" } }],
    ["gpt-5-codex", { model: "gpt-5-codex" }],
    ["model(weird)", { model: "model(weird)" }]
  ])("%s", (name, expected) => {
    expect(parseModelSuffix(name)).toEqual(expected)
  })
})

describe("withModelSuffix", () => {
  it("the suffix wins over the body's reasoning", () => {
    const req = { ...emptyRequest("gemini-2.5-pro(low)"), reasoning: { mode: "budget" as const, budget: 9000 } }
    expect(withModelSuffix(req)).toMatchObject({ model: "gemini-2.5-pro", reasoning: { mode: "level", level: "low" } })
    const plain = emptyRequest("gpt-4o")
    expect(withModelSuffix(plain)).toBe(plain)
  })
})
