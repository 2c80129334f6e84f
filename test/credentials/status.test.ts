import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import type { Credential } from "../../src/credentials/credential.js"
import { make } from "../../src/credentials/credential-pool.js"
import { statuses } from "../../src/credentials/status.js"
import type { RefreshStatus, Service as Refresh } from "../../src/credentials/token-refresh.js"
import { RefreshError } from "../../src/providers/shared/oauth-refresh.js"

const key = (id: string, extra: Partial<Credential> = {}): Credential => ({
  id, provider: "claude", kind: "claude", label: id, apiKey: id, baseUrl: "", proxyUrl: "", headers: {}, models: [], ...extra
})

const refreshWith = (states: ReadonlyMap<string, RefreshStatus>): Refresh => ({
  refresh: () => Effect.fail(new RefreshError({ message: "not in this test" })),
  fresh: (_id, token) => Effect.succeed(token),
  status: Effect.succeed(states)
})

describe("credential status read model", () => {
  it.effect("shows active, cooling until the Retry-After, disabled and refresh-failing, with the last error", () =>
    Effect.gen(function*() {
      const pool = yield* make
      yield* pool.sync([
        key("a"),
        key("b"),
        key("c", { disabled: true }),
        key("d.json", { oauth: { recordId: "d.json", accessToken: "t", expiresAt: 5000 } })
      ])
      yield* pool.markFailure("b", "claude-x", { status: 429, retryAfterMs: 2000, message: "slow down" }, { disableCooling: false })
      const refresh = refreshWith(new Map([["d.json", { failing: true, failures: 2, lastError: "invalid_grant", nextAttemptAt: 120_000 }]]))
      const now = yield* statuses(pool, refresh)
      const by = new Map(now.map((s) => [s.id, s]))
      expect(by.get("a")).toMatchObject({ state: "active", source: "config", cooling: [] })
      expect(by.get("b")).toMatchObject({
        state: "cooling",
        cooling: [{ model: "claude-x", until: 2000, reason: "quota" }],
        lastError: { status: 429, message: "slow down", at: 0 }
      })
      expect(by.get("c")?.state).toBe("disabled")
      expect(by.get("d.json")).toMatchObject({ state: "refresh-failing", source: "file", tokenExpiresAt: 5000, refresh: { failures: 2 } })
      // the cooldown ends at the reset time the upstream gave: 2 s later b is active again, untouched
      yield* TestClock.adjust("2 seconds")
      const later = new Map((yield* statuses(pool, refresh)).map((s) => [s.id, s]))
      expect(later.get("b")).toMatchObject({ state: "active", cooling: [] })
      const picked = yield* pool.acquire({ model: "claude-x", providers: ["claude"], candidates: new Set(["b"]), tried: new Set() })
      expect(picked.id).toBe("b")
      // a success clears the last block for that model
      yield* pool.markSuccess("b", "claude-x")
      expect((yield* pool.health).find((h) => h.id === "b")?.models).toEqual([])
    }))
})
