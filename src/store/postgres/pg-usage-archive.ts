import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import type { Service, UsageHistory, UsageTotals } from "../../usage/usage-archive.js"
import type { UsageRecord } from "../../usage/usage-meter.js"
import { type Database, onceDone } from "./pg-database.js"

/** Rows per INSERT, and how many records wait in memory at most while the database is away. @category constants */
export const BATCH = 500
export const BACKLOG_CAP = 100_000

const COLUMNS = ["at", "day", "hour", "api", "model", "source", "failed", "input_tokens", "output_tokens", "reasoning_tokens", "cached_tokens", "total_tokens"] as const

interface Pending {
  readonly record: UsageRecord
  readonly day: string
  readonly hour: string
}

/**
 * Usage kept in PostgreSQL (table `usage_records`, beside the store's tables): records are
 * queued in memory and written in batches once a second, so the hot path never waits on the
 * database; while it is away they wait (up to BACKLOG_CAP, oldest dropped beyond) and are
 * written when it returns. At start the counts are rebuilt from per-hour totals, and the
 * newest records fill the detail list.
 * @category constructors
 */
export const makePgUsageArchive = (db: Database): Effect.Effect<Service, never, Scope.Scope> =>
  Effect.gen(function*() {
    const table = db.table("usage_records")
    const ensure = onceDone(db.sql.unsafe(`CREATE TABLE IF NOT EXISTS ${table} (
  id BIGSERIAL PRIMARY KEY,
  at TIMESTAMPTZ NOT NULL,
  day TEXT NOT NULL,
  hour TEXT NOT NULL,
  api TEXT NOT NULL,
  model TEXT NOT NULL,
  source TEXT NOT NULL,
  failed BOOLEAN NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  reasoning_tokens BIGINT NOT NULL,
  cached_tokens BIGINT NOT NULL,
  total_tokens BIGINT NOT NULL
)`))

    let queue: Array<Pending> = []
    let dropped = 0

    const writeBatch = Effect.suspend(() => {
      if (queue.length === 0) return Effect.void
      const batch = queue.slice(0, BATCH)
      const params: Array<unknown> = []
      const rows = batch.map(({ record: r, day, hour }) => {
        const values = [new Date(r.at), day, hour, r.api, r.model, r.source, r.failed, r.tokens.input_tokens, r.tokens.output_tokens, r.tokens.reasoning_tokens, r.tokens.cached_tokens, r.tokens.total_tokens]
        const at = params.length
        params.push(...values)
        return `(${values.map((_, i) => `$${at + i + 1}`).join(", ")})`
      })
      return ensure.pipe(
        Effect.zipRight(db.sql.unsafe(`INSERT INTO ${table} (${COLUMNS.join(", ")}) VALUES ${rows.join(", ")}`, params)),
        // only what was written leaves the queue: a failure keeps it for the next try
        Effect.tap(() => Effect.sync(() => void (queue = queue.slice(batch.length))))
      )
    })
    const drain: Effect.Effect<void, SqlError> = Effect.suspend(() => (queue.length === 0 ? Effect.void : Effect.zipRight(writeBatch, drain)))
    const reportErrors = <A, E extends SqlError, R>(self: Effect.Effect<A, E, R>) =>
      self.pipe(
        Effect.catchAll((e) => Effect.logDebug(`usage not written yet (${queue.length} waiting): ${db.reason(e)}`)),
        // a driver defect on a dropped connection must not end the writer
        Effect.catchAllDefect((d) => Effect.logDebug(`usage not written yet (${queue.length} waiting): ${String(d)}`))
      )

    const reportDropped = Effect.suspend(() => {
      if (dropped === 0) return Effect.void
      const n = dropped
      dropped = 0
      return Effect.logWarning(`usage backlog full (${BACKLOG_CAP} records) while ${db.target.display} is away: dropped the ${n} oldest`)
    })
    yield* drain.pipe(reportErrors, Effect.zipRight(reportDropped), Effect.repeat(Schedule.spaced("1 second")), Effect.forkScoped)
    yield* Effect.addFinalizer(() =>
      drain.pipe(
        Effect.timeout("5 seconds"),
        Effect.catchAllCause(() => queue.length === 0 ? Effect.void : Effect.logWarning(`${queue.length} usage record(s) could not be written to ${db.target.display} before shutdown`))
      )
    )

    const load = (recentLimit: number) =>
      Effect.gen(function*() {
        yield* ensure
        const totals = yield* db.sql.unsafe<{ api: string; model: string; day: string; hour: string; requests: string; failures: string; tokens: string }>(
          `SELECT api, model, day, hour, count(*)::text AS requests, count(*) FILTER (WHERE failed)::text AS failures, coalesce(sum(total_tokens), 0)::text AS tokens
FROM ${table} GROUP BY api, model, day, hour`
        )
        const recent = yield* db.sql.unsafe<Record<(typeof COLUMNS)[number], string | boolean | Date>>(
          `SELECT ${COLUMNS.join(", ")} FROM ${table} ORDER BY id DESC LIMIT $1`,
          [recentLimit]
        )
        const history: UsageHistory = {
          totals: totals.map((t): UsageTotals => ({ api: t.api, model: t.model, day: t.day, hour: t.hour, requests: Number(t.requests), failures: Number(t.failures), tokens: Number(t.tokens) })),
          recent: [...recent].reverse().map((r): UsageRecord => ({
            api: String(r.api),
            model: String(r.model),
            source: String(r.source),
            at: new Date(r.at as Date).getTime(),
            failed: r.failed === true,
            tokens: {
              input_tokens: Number(r.input_tokens),
              output_tokens: Number(r.output_tokens),
              reasoning_tokens: Number(r.reasoning_tokens),
              cached_tokens: Number(r.cached_tokens),
              total_tokens: Number(r.total_tokens)
            }
          }))
        }
        return history
      }).pipe(
        Effect.catchAllCause((cause) =>
          Effect.as(
            Effect.logWarning(`usage history not loaded from ${db.target.display} (${db.explain(cause)}); counting from zero`),
            { totals: [], recent: [] }
          )
        )
      )

    return {
      load,
      append: (record, day, hour) => {
        if (queue.length >= BACKLOG_CAP) {
          queue.shift()
          dropped++
        }
        queue.push({ record, day, hour })
      }
    }
  })
