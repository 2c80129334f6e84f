import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { Credential } from "./credential.js"
import type { Health, Service as Pool } from "./credential-pool.js"
import type { RefreshStatus, Service as Refresh } from "./token-refresh.js"

/** Where a credential stands now. @category models */
export type State = "active" | "cooling" | "disabled" | "refresh-failing"

/** One credential's status: the read model the management API and metrics show. @category models */
export interface CredentialStatus {
  readonly id: string
  readonly provider: string
  readonly label: string
  readonly source: "config" | "file"
  readonly state: State
  /** Models blocked now, and until when (Unix ms). */
  readonly cooling: ReadonlyArray<{ readonly model: string; readonly until: number; readonly reason: string | undefined }>
  readonly lastError?: Health["lastError"]
  readonly refresh?: RefreshStatus
  readonly tokenExpiresAt?: number
}

/** Everyone's status, derived from the pool's health and the refresh state (nothing stored twice). @category read-model */
export const statuses = (pool: Pool, refresh: Refresh): Effect.Effect<ReadonlyArray<CredentialStatus>> =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const all = yield* pool.all
    const health = new Map((yield* pool.health).map((h) => [h.id, h]))
    const refreshing = yield* refresh.status
    return all.map((c: Credential): CredentialStatus => {
      const h = health.get(c.id)
      const cooling = (h?.models ?? [])
        .filter((m) => m.blockedUntil > now)
        .map((m) => ({ model: m.model, until: m.blockedUntil, reason: m.reason }))
      const r = c.oauth ? refreshing.get(c.oauth.recordId) : undefined
      const state: State = c.disabled === true ? "disabled" : r?.failing === true ? "refresh-failing" : cooling.length > 0 ? "cooling" : "active"
      return {
        id: c.id,
        provider: c.provider,
        label: c.label,
        source: c.oauth ? "file" : "config",
        state,
        cooling,
        ...(h?.lastError ? { lastError: h.lastError } : {}),
        ...(r ? { refresh: r } : {}),
        ...(c.oauth?.expiresAt !== undefined ? { tokenExpiresAt: c.oauth.expiresAt } : {})
      }
    })
  })
