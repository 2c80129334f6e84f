import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import type { SharedCooldown } from "../replicas.js"
import { type Database, onceDone } from "./pg-database.js"

/** How often a replica looks for cooldowns recorded by the others. @category constants */
export const COOLDOWN_CHECK = "1 second"

const REASONS: ReadonlyArray<SharedCooldown["reason"]> = ["quota", "unauthorized", "payment_required"]

/**
 * Cooldowns kept in a table (`credential_cooldowns`, one row per credential and model), so
 * a replica that starts later, or one that NOTIFY cannot reach, still learns them: each
 * replica reads the rows changed since its last look once a second, the active ones all at
 * its first look. A row only ever moves to a later time.
 * @category constructors
 */
export const makeCooldownTable = (db: Database, self: string) => {
  const table = db.table("credential_cooldowns")
  const ensure = onceDone(db.sql.unsafe(`CREATE TABLE IF NOT EXISTS ${table} (
  credential TEXT NOT NULL,
  model TEXT NOT NULL,
  until_ms BIGINT NOT NULL,
  reason TEXT NOT NULL,
  level INTEGER NOT NULL,
  source TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (credential, model)
)`))

  const record = (c: SharedCooldown) =>
    ensure.pipe(
      Effect.zipRight(db.sql.unsafe(
        `INSERT INTO ${table} (credential, model, until_ms, reason, level, source, updated_at) VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp())
ON CONFLICT (credential, model) DO UPDATE SET until_ms = EXCLUDED.until_ms, reason = EXCLUDED.reason, level = EXCLUDED.level,
  source = EXCLUDED.source, updated_at = clock_timestamp()
WHERE ${table}.until_ms < EXCLUDED.until_ms`,
        [c.credential, c.model, c.until, c.reason, c.level, self]
      )),
      // rows long past are of no use to anyone
      Effect.zipRight(db.sql.unsafe(`DELETE FROM ${table} WHERE until_ms < $1`, [Date.now() - 3_600_000])),
      Effect.asVoid
    )

  let since: string | undefined
  const look = ensure.pipe(
    Effect.zipRight(db.sql.unsafe<{ credential: string; model: string; until_ms: string; reason: string; level: number; seen: string }>(
      `SELECT credential, model, until_ms::text AS until_ms, reason, level, updated_at::text AS seen FROM ${table}
WHERE until_ms > $1 AND source <> $2 AND ($3::timestamptz IS NULL OR updated_at > $3::timestamptz) ORDER BY updated_at`,
      [Date.now(), self, since ?? null]
    )),
    Effect.map((rows) => {
      const last = rows.at(-1)
      if (last !== undefined) since = last.seen
      return rows.flatMap((r): Array<SharedCooldown> => {
        const reason = REASONS.find((x) => x === r.reason)
        return reason === undefined ? [] : [{ credential: r.credential, model: r.model, until: Number(r.until_ms), reason, level: r.level }]
      })
    }),
    Effect.catchAllCause(() => Effect.succeed<Array<SharedCooldown>>([]))
  )
  const changes = Stream.repeatEffectWithSchedule(Effect.suspend(() => look), Schedule.spaced(COOLDOWN_CHECK)).pipe(
    Stream.flattenIterables
  )
  return { record, changes }
}
