import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { DETAIL_CAP, makeMeter, tokensOf, type UsageRecord } from "../../src/usage/usage-meter.js"

const at = new Date(2026, 10, 28, 9, 15, 4).getTime()
const rec = (over: Partial<UsageRecord> = {}): UsageRecord => ({
  api: "sk-1...abcd",
  model: "gemini-2.5-pro",
  source: "me@e...com",
  at,
  failed: false,
  tokens: tokensOf({ input: 10, output: 5, reasoning: 2, cachedRead: 3 }),
  ...over
})

describe("UsageMeter", () => {
  it.effect("counts requests, failures and tokens per key, model, day and hour (spec/01 §12 shape)", () =>
    Effect.gen(function*() {
      const meter = makeMeter()
      meter.record(rec())
      meter.record(rec({ failed: true, tokens: tokensOf(undefined) }))
      meter.record(rec({ api: "POST /v1/chat/completions", model: "gpt-5", at: at + 3600_000 }))
      const s = yield* meter.snapshot
      expect(s).toMatchObject({ total_requests: 3, success_count: 2, failure_count: 1, total_tokens: 30 })
      expect(s.requests_by_day).toEqual({ "2026-11-28": 3 })
      expect(s.requests_by_hour).toEqual({ "09": 2, "10": 1 })
      expect(s.tokens_by_hour).toEqual({ "09": 15, "10": 15 })
      const model = s.apis["sk-1...abcd"]?.models["gemini-2.5-pro"]
      expect(model).toMatchObject({ total_requests: 2, total_tokens: 15 })
      expect(model?.details[0]).toMatchObject({
        source: "me@e...com",
        failed: false,
        tokens: { input_tokens: 10, output_tokens: 5, reasoning_tokens: 2, cached_tokens: 3, total_tokens: 15 }
      })
      expect(model?.details[0]?.timestamp).toMatch(/^2026-11-28T09:15:04/)
      expect(s.apis["POST /v1/chat/completions"]?.models["gpt-5"]?.total_requests).toBe(1)
    }))

  it.effect("records nothing while usage-statistics-enabled is false", () =>
    Effect.gen(function*() {
      let enabled = false
      const meter = makeMeter(() => enabled)
      meter.record(rec())
      expect((yield* meter.snapshot).total_requests).toBe(0)
      enabled = true
      meter.record(rec())
      expect((yield* meter.snapshot).total_requests).toBe(1)
    }))

  it.effect("stays bounded: a million records keep the newest details only, totals exact", () =>
    Effect.gen(function*() {
      const meter = makeMeter()
      const models = ["a", "b", "c", "d"]
      for (let i = 0; i < 1_000_000; i++) meter.record(rec({ model: models[i % 4]!, at: at + i * 1000, tokens: tokensOf({ input: 1, output: 1 }) }))
      const s = yield* meter.snapshot
      expect(s.total_requests).toBe(1_000_000)
      expect(s.total_tokens).toBe(2_000_000)
      const details = Object.values(s.apis["sk-1...abcd"]!.models).flatMap((m) => m.details)
      expect(details.length).toBe(DETAIL_CAP)
      // the newest ones, oldest first
      expect(Date.parse(details.at(-1)!.timestamp)).toBeGreaterThan(Date.parse(details[0]!.timestamp) - 1)
      expect(JSON.stringify(s).length).toBeLessThan(4_000_000)
      // 1M seconds is under 12 days: every day is kept
      expect(Object.values(s.requests_by_day).reduce((a, b) => a + b, 0)).toBe(1_000_000)
    }))
})
