import { randomUUID } from "node:crypto"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { Service as MirrorSyncService } from "../mirror-sync.js"
import type { Service, SharedCooldown } from "../replicas.js"
import { makeCooldownTable } from "./pg-cooldowns.js"
import { CHANNEL, type Database, notifyPayload } from "./pg-database.js"

const CooldownMessage = Schema.parseJson(Schema.Struct({
  from: Schema.String,
  credential: Schema.String,
  model: Schema.String,
  until: Schema.Number,
  reason: Schema.Literal("quota", "unauthorized", "payment_required"),
  level: Schema.Number
}))

const PREFIX = "cooldown:"

/**
 * Replicas on one PostgreSQL: the lock is a transaction-scoped advisory lock (released by
 * the server even if this process dies), cooldowns travel by NOTIFY and a table. When the database is
 * unreachable the work runs anyway, locked only within this process: a refresh is better
 * done twice than not at all.
 * @category constructors
 */
export const makePgReplicas = (db: Database, sync: MirrorSyncService): Service => {
  const self = randomUUID()
  const table = makeCooldownTable(db, self)
  return {
    exclusive: <A, E, R>(key: string, f: Effect.Effect<A, E, R>) =>
      Effect.gen(function*() {
        let result: Either.Either<A, E> | undefined
        const locked = Effect.gen(function*() {
          yield* db.sql.unsafe(`SET LOCAL lock_timeout = '30s'`)
          yield* db.sql.unsafe(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`cli-proxy-api:${db.schema ?? ""}:${key}`])
          yield* Effect.ignore(sync.pull)
          result = yield* Effect.either(f)
          yield* Effect.ignore(sync.flush)
        }).pipe(db.sql.withTransaction)
        // a lost connection may surface as a driver defect: whatever it was, the work still runs once
        const outcome = yield* Effect.exit(locked)
        if (result === undefined) {
          if (outcome._tag === "Failure") yield* Effect.logDebug(`no cross-replica lock for ${key} (${db.explain(outcome.cause)}); running it here alone`)
          result = yield* Effect.either(f)
        }
        return yield* result
      }),
    publishCooldown: (c) =>
      table.record(c).pipe(
        Effect.zipRight(db.sql.unsafe(`SELECT pg_notify($1, $2)`, [CHANNEL, notifyPayload(db.schema, PREFIX + JSON.stringify({ from: self, ...c }))])),
        Effect.catchAllCause((cause) => Effect.logDebug(`cooldown of ${c.credential} not shared: ${db.explain(cause)}`)),
        Effect.asVoid
      ),
    // NOTIFY brings them at once; the table brings them to late starters and where NOTIFY cannot reach
    cooldowns: Stream.merge(
      db.listen.pipe(
        Stream.retry(Schedule.spaced("1 second")),
        Stream.catchAll(() => Stream.empty),
        Stream.filterMap((m) => {
          if (!m.startsWith(PREFIX)) return Option.none()
          const decoded = Schema.decodeUnknownEither(CooldownMessage)(m.slice(PREFIX.length))
          if (Either.isLeft(decoded) || decoded.right.from === self) return Option.none()
          const { from: _from, ...cooldown } = decoded.right
          return Option.some<SharedCooldown>(cooldown)
        })
      ),
      table.changes
    )
  }
}
