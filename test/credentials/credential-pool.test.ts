import { describe, expect, it } from "@effect/vitest"
import { Effect, Stream, TestClock } from "effect"
import type { Credential } from "../../src/credentials/credential.js"
import { cooldownMs, make, MAX_COOLDOWN_MS } from "../../src/credentials/credential-pool.js"
import { retryHintMs } from "../../src/pipeline/upstream-error.js"

const cred = (id: string, provider = "gemini"): Credential => ({
  id,
  provider,
  kind: "gemini",
  label: id,
  apiKey: id,
  baseUrl: "",
  proxyUrl: "",
  headers: {},
  models: []
})

const on = { disableCooling: false }

// A pool over the given credentials, and a picker for one model that tries nothing twice.
const setup = (ids: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const pool = yield* make
    yield* pool.sync(ids.map((id) => cred(id)))
    const pick = (model = "m") =>
      pool.acquire({ model, providers: ["gemini"], candidates: new Set(ids), tried: new Set() }).pipe(
        Effect.map((c) => c.id),
        Effect.catchAll((e) => Effect.succeed(e._tag === "AllCoolingDown" ? `cooling:${e.resetAt - e.now}` : e._tag))
      )
    return { pool, pick }
  })

describe("credential pool: cooldown", () => {
  it("cooldownMs: the hint when given, else 1 s doubling, both capped at 30 min", () => {
    expect([0, 1, 2, 3, 10].map((level) => cooldownMs(level, undefined))).toEqual([1000, 2000, 4000, 8000, 1_024_000])
    expect(cooldownMs(11, undefined)).toBe(MAX_COOLDOWN_MS)
    expect(cooldownMs(500, undefined)).toBe(MAX_COOLDOWN_MS)
    expect(cooldownMs(7, 3000)).toBe(3000)
    expect(cooldownMs(0, 2 * 60 * 60 * 1000)).toBe(MAX_COOLDOWN_MS)
    expect(cooldownMs(2, 0)).toBe(4000)
  })

  it("retry hints: Retry-After seconds and HTTP date, Google retryDelay, Codex resets_in_seconds", () => {
    const now = Date.parse("2025-01-01T00:00:00Z")
    expect(retryHintMs("7", "", now)).toBe(7000)
    expect(retryHintMs("Wed, 01 Jan 2025 00:01:30 GMT", "", now)).toBe(90_000)
    const google = { error: { code: 429, status: "RESOURCE_EXHAUSTED", details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "37.5s" }] } }
    expect(retryHintMs(undefined, JSON.stringify(google), now)).toBe(37_500)
    expect(retryHintMs(undefined, JSON.stringify({ error: { type: "usage_limit_reached", resets_in_seconds: 120 } }), now)).toBe(120_000)
    expect(retryHintMs(undefined, JSON.stringify({ error: { message: "slow down" } }), now)).toBeUndefined()
  })

  it.effect("a 429 with a hint skips the credential for that model until the hint, then it is used again", () =>
    Effect.gen(function*() {
      const { pool, pick } = yield* setup(["a", "b"])
      yield* pool.markFailure("a", "m", { status: 429, retryAfterMs: 5000 }, on)
      expect([yield* pick(), yield* pick(), yield* pick()]).toEqual(["b", "b", "b"])
      expect(yield* pick("other")).toBe("a")
      yield* TestClock.adjust("4999 millis")
      expect(yield* pick()).toBe("b")
      yield* TestClock.adjust("1 millis")
      const turns = [yield* pick(), yield* pick()]
      expect(turns.sort()).toEqual(["a", "b"])
    }))

  it.effect("without a hint: 1 s, 2 s, 4 s... then capped at 30 min; a success resets the level", () =>
    Effect.gen(function*() {
      const { pool, pick } = yield* setup(["a"])
      const seen: Array<string> = []
      for (let i = 0; i < 13; i++) {
        yield* pool.markFailure("a", "m", { status: 429 }, on)
        seen.push(yield* pick())
        const cooling = Number(seen.at(-1)!.split(":")[1])
        yield* TestClock.adjust(cooling - 1)
        expect(yield* pick()).toBe("cooling:1")
        yield* TestClock.adjust(1)
        expect(yield* pick()).toBe("a")
      }
      expect(seen).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 1800, 1800].map((s) => `cooling:${s * 1000}`))
      yield* pool.markSuccess("a", "m")
      yield* pool.markFailure("a", "m", { status: 429 }, on)
      expect(yield* pick()).toBe("cooling:1000")
    }))

  it.effect("all cooling: AllCoolingDown names the earliest recovery; disable-cooling never cools", () =>
    Effect.gen(function*() {
      const { pool, pick } = yield* setup(["a", "b"])
      yield* pool.markFailure("a", "m", { status: 429, retryAfterMs: 9000 }, on)
      yield* pool.markFailure("b", "m", { status: 429, retryAfterMs: 4000 }, on)
      expect(yield* pick()).toBe("cooling:4000")
      yield* TestClock.adjust("4 seconds")
      expect(yield* pick()).toBe("b")
      const off = yield* setup(["a"])
      yield* off.pool.markFailure("a", "m", { status: 429, retryAfterMs: 60_000 }, { disableCooling: true })
      yield* off.pool.markFailure("a", "m", { status: 429 }, { disableCooling: true })
      expect(yield* off.pick()).toBe("a")
    }))

  it.effect("401 and 402 block for 30 min without counting as cooling; 5xx and 400 do not block", () =>
    Effect.gen(function*() {
      const { pool, pick } = yield* setup(["a", "b", "c"])
      yield* pool.markFailure("a", "m", { status: 401 }, on)
      yield* pool.markFailure("b", "m", { status: 402 }, on)
      yield* pool.markFailure("c", "m", { status: 503 }, on)
      yield* pool.markFailure("c", "m", { status: 400 }, on)
      expect([yield* pick(), yield* pick()]).toEqual(["c", "c"])
      yield* pool.markFailure("c", "m", { status: 429, retryAfterMs: 1000 }, on)
      // one credential cooling, the others blocked for other reasons: not a model_cooldown
      expect(yield* pick()).toBe("NoCredential")
      yield* TestClock.adjust(MAX_COOLDOWN_MS)
      expect((yield* Effect.all([pick(), pick(), pick()])).sort()).toEqual(["a", "b", "c"])
    }))
})

describe("credential pool: strategies and disabled credentials", () => {
  const pickWith = (strategy: "round-robin" | "fill-first") =>
    Effect.gen(function*() {
      const pool = yield* make
      yield* pool.sync([cred("a"), cred("b"), cred("c"), { ...cred("d"), disabled: true }])
      const ids = new Set(["a", "b", "c", "d"])
      const pick = pool.acquire({ model: "m", providers: ["gemini"], candidates: ids, tried: new Set(), strategy }).pipe(
        Effect.map((c) => c.id)
      )
      return { pool, pick }
    })

  it.effect("fill-first uses the first healthy credential until it cools down, then returns to it", () =>
    Effect.gen(function*() {
      const { pick, pool } = yield* pickWith("fill-first")
      expect([yield* pick, yield* pick, yield* pick]).toEqual(["a", "a", "a"])
      yield* pool.markFailure("a", "m", { status: 429, retryAfterMs: 2000 }, on)
      expect([yield* pick, yield* pick]).toEqual(["b", "b"])
      yield* TestClock.adjust("2 seconds")
      expect(yield* pick).toBe("a")
    }))

  it.effect("round-robin takes turns and never picks a disabled credential", () =>
    Effect.gen(function*() {
      const { pick } = yield* pickWith("round-robin")
      const picks = [yield* pick, yield* pick, yield* pick, yield* pick, yield* pick, yield* pick]
      expect(picks).toEqual(["a", "b", "c", "a", "b", "c"])
    }))
})

describe("credential pool: cooldowns shared between replicas", () => {
  it.scoped("publishes each block it decides, and takes in blocks from elsewhere unless it knows a longer one", () =>
    Effect.gen(function*() {
      const { pool, pick } = yield* setup(["a", "b"])
      const published: Array<unknown> = []
      yield* Effect.forkScoped(Stream.runForEach(pool.blocks, (b) => Effect.sync(() => published.push(b))))
      yield* Effect.repeatN(Effect.yieldNow(), 20)
      yield* pool.markFailure("a", "m", { status: 429, retryAfterMs: 5000 }, on)
      yield* pool.markFailure("a", "m", { status: 500 }, on)
      yield* Effect.repeatN(Effect.yieldNow(), 20)
      expect(published).toEqual([{ credential: "a", model: "m", until: 5000, reason: "quota", level: 1 }])

      // another replica saw b exhausted: this one no longer picks it
      yield* pool.applyShared({ credential: "b", model: "m", until: 60_000, reason: "quota", level: 3 })
      expect(yield* pick()).toBe("cooling:5000")
      // a shorter block from elsewhere does not shorten what is known here; unknown credentials are ignored
      yield* pool.applyShared({ credential: "b", model: "m", until: 1000, reason: "quota", level: 0 })
      yield* pool.applyShared({ credential: "zz", model: "m", until: 90_000, reason: "quota", level: 0 })
      yield* TestClock.adjust("6 seconds")
      expect(yield* pick()).toBe("a")
      expect((yield* pool.health).find((h) => h.id === "zz")).toBeUndefined()
    }))
})
