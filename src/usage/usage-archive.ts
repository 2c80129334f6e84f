import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { UsageRecord } from "./usage-meter.js"

/** Totals of one client key, model, local day and hour: what the meter rebuilds its counts from. @category models */
export interface UsageTotals {
  readonly api: string
  readonly model: string
  /** `YYYY-MM-DD`, server-local. */
  readonly day: string
  /** `00`-`23`, server-local. */
  readonly hour: string
  readonly requests: number
  readonly failures: number
  readonly tokens: number
}

/** What an archive gives back at start: the totals, and the newest records for the detail list. @category models */
export interface UsageHistory {
  readonly totals: ReadonlyArray<UsageTotals>
  /** Oldest first. */
  readonly recent: ReadonlyArray<UsageRecord>
}

/** Where usage is kept across restarts (PostgreSQL with the PostgreSQL store; nowhere otherwise). @category models */
export interface Service {
  /** What was recorded before this start. */
  readonly load: (recentLimit: number) => Effect.Effect<UsageHistory>
  /** Queues one record for the next batch write; cheap and synchronous. */
  readonly append: (record: UsageRecord, day: string, hour: string) => void
}

/** The usage archive service. @category tags */
export class UsageArchive extends Context.Tag("cli-proxy-api/UsageArchive")<UsageArchive, Service>() {}

/** No archive: usage lives in memory and starts at zero after a restart (the file store). @category layers */
export const none: Layer.Layer<UsageArchive> = Layer.succeed(UsageArchive, {
  load: () => Effect.succeed({ totals: [], recent: [] }),
  append: () => {}
})
