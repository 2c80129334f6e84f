/**
 * The unified thinking table of spec/04 3.8.3 (effort <-> budget) and the model-name
 * suffixes of 3.8.4. Codecs only convert; clamping to a model's range is the provider's.
 */
import type { Reasoning, ReasoningLevel, Request } from "./ir.js"

const LEVEL_BUDGET: Readonly<Record<ReasoningLevel, number>> = {
  none: 0,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
  max: 128000
}

const LEVELS: ReadonlyArray<string> = Object.keys(LEVEL_BUDGET)

/** True for a known level name (case-insensitive). @category guards */
export const isLevel = (s: string): s is ReasoningLevel => LEVELS.includes(s)

/** Parses a level name from any dialect (`HIGH`, `high`); undefined when unknown. @category parsing */
export const parseLevel = (s: string | undefined): ReasoningLevel | undefined => {
  const l = s?.toLowerCase()
  return l !== undefined && isLevel(l) ? l : undefined
}

/** The budget of a level: none 0, minimal 512, low 1024, medium 8192, high 24576, xhigh 32768, max 128000. @category mapping */
export const levelToBudget = (level: ReasoningLevel): number => LEVEL_BUDGET[level]

/** The level of a budget: -1 auto, 0 none, ≤512 minimal, ≤1024 low, ≤8192 medium, ≤24576 high, else xhigh. @category mapping */
export const budgetToLevel = (budget: number): ReasoningLevel | "auto" =>
  budget < 0
    ? "auto"
    : budget === 0
    ? "none"
    : budget <= 512
    ? "minimal"
    : budget <= 1024
    ? "low"
    : budget <= 8192
    ? "medium"
    : budget <= 24576
    ? "high"
    : "xhigh"

/**
 * The effort a reasoning config means, for effort-only targets (OpenAI, Codex):
 * adaptive without a level is `xhigh` (spec/04 3.8.3).
 */
export const toEffort = (r: Reasoning): ReasoningLevel | "auto" => {
  switch (r.mode) {
    case "off":
      return "none"
    case "auto":
      return "auto"
    case "budget":
      return budgetToLevel(r.budget ?? -1)
    case "level":
      return r.level ?? "medium"
    case "adaptive":
      return r.level ?? "xhigh"
  }
}

/** The budget a reasoning config means, for budget targets; -1 is dynamic. @category mapping */
export const toBudget = (r: Reasoning): number => {
  switch (r.mode) {
    case "off":
      return 0
    case "auto":
      return -1
    case "budget":
      return r.budget ?? -1
    case "level":
    case "adaptive":
      return r.level === undefined ? -1 : levelToBudget(r.level)
  }
}

/** A reasoning config from an effort string (`reasoning_effort`, `reasoning.effort`). @category constructors */
export const fromEffort = (effort: string | undefined): Reasoning | undefined => {
  if (effort === undefined || effort === "") return undefined
  const e = effort.toLowerCase()
  if (e === "none") return { mode: "off", level: "none" }
  if (e === "auto") return { mode: "auto" }
  const level = parseLevel(e)
  return level === undefined ? { mode: "auto" } : { mode: "level", level }
}

/** A reasoning config from a budget (Claude budget_tokens, Gemini thinkingBudget). @category constructors */
export const fromBudget = (budget: number): Reasoning =>
  budget === 0 ? { mode: "off" } : budget < 0 ? { mode: "auto" } : { mode: "budget", budget }

/** A model name split from its thinking suffix. @category models */
export interface ModelSuffix {
  readonly model: string
  readonly reasoning?: Reasoning
}

/**
 * Parses thinking suffixes: `model(8192)`, `model(high)`, `model(none)`, `model(auto)`,
 * `model(-1)`, and the legacy `gemini-...-nothinking`, `gemini-...-thinking-N`,
 * `gpt-5-<effort>` and `gpt-5-codex-<effort>` forms. The suffix wins over body fields.
 * @category parsing
 */
export const parseModelSuffix = (name: string): ModelSuffix => {
  const paren = /^(.+)\(([^()]*)\)$/.exec(name)
  if (paren !== null) {
    const base = paren[1] as string
    const arg = (paren[2] as string).trim().toLowerCase()
    if (/^-?\d+$/.test(arg)) return { model: base, reasoning: fromBudget(Number(arg)) }
    if (arg === "none") return { model: base, reasoning: { mode: "off", level: "none" } }
    if (arg === "auto") return { model: base, reasoning: { mode: "auto" } }
    const level = parseLevel(arg)
    return level === undefined ? { model: name } : { model: base, reasoning: { mode: "level", level } }
  }
  if (name.startsWith("gemini-") && name.endsWith("-nothinking")) {
    const base = name.slice(0, -"-nothinking".length)
    // gemini-2.5-pro cannot disable thinking: the smallest budget it accepts is 128.
    const budget = base.startsWith("gemini-2.5-pro") ? 128 : 0
    return { model: base, reasoning: budget === 0 ? { mode: "off", includeThoughts: false } : { mode: "budget", budget, includeThoughts: false } }
  }
  const thinking = /^(gemini-.+)-thinking-(\d+)$/.exec(name)
  if (thinking !== null) return { model: thinking[1] as string, reasoning: fromBudget(Number(thinking[2])) }
  const codex = /^(gpt-5-codex)-(low|medium|high)$/.exec(name) ?? /^(gpt-5)-(minimal|low|medium|high)$/.exec(name)
  if (codex !== null) return { model: codex[1] as string, reasoning: { mode: "level", level: codex[2] as ReasoningLevel } }
  return { model: name }
}

/**
 * The request with its model's thinking suffix applied: the base model name, and the
 * suffix's reasoning in place of the body's (the suffix wins, spec/04 3.8.4).
 * @category conversion
 */
export const withModelSuffix = (req: Request): Request => {
  const { model, reasoning } = parseModelSuffix(req.model)
  if (reasoning === undefined) return model === req.model ? req : { ...req, model }
  return { ...req, model, reasoning }
}
