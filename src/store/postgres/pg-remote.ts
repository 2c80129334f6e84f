import { SqlError as SqlErrorClass, type SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { type Remote, RemoteError } from "../remote.js"
import { CHANNEL, type Database, notifyPayload, onceDone } from "./pg-database.js"

/** The Go version's tables, unchanged, so an existing database keeps working (spec/03 B.6). @category schema */
export const ensureTables = (db: Database) =>
  Effect.gen(function*() {
    if (db.schema !== undefined) yield* db.sql.unsafe(`CREATE SCHEMA IF NOT EXISTS "${db.schema.replace(/"/g, "\"\"")}"`)
    // the two tables differ only in the content's type: config text, auth JSONB
    for (const [name, content] of [["config_store", "TEXT"], ["auth_store", "JSONB"]] as const) {
      yield* db.sql.unsafe(`CREATE TABLE IF NOT EXISTS ${db.table(name)} (
  id TEXT PRIMARY KEY,
  content ${content} NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
)`)
    }
  })

/**
 * Failures and defects alike as a RemoteError: the driver turns some failures (a rollback
 * on a dropped connection) into defects, which must not escape as crashes.
 */
const orFail = (f: (e: SqlError) => RemoteError) => <A, R>(self: Effect.Effect<A, SqlError, R>): Effect.Effect<A, RemoteError, R> =>
  self.pipe(
    Effect.mapError(f),
    Effect.catchAllDefect((d) => Effect.fail(f(d instanceof SqlErrorClass ? d : new SqlErrorClass({ cause: d, message: "driver failure" }))))
  )

/** The config's row id in config_store. @category schema */
export const CONFIG_ROW = "config"

/**
 * The PostgreSQL backend: config in `config_store` (row `config`, LF line endings), each auth
 * record in `auth_store` as JSONB by its file name. Writes go in one transaction that also
 * notifies every replica listening on the same schema, so they pull at once.
 * @category constructors
 */
export const makePgRemote = (db: Database, pollInterval: Remote["pollInterval"]): Remote => {
  const name = `PostgreSQL at ${db.target.display}${db.schema !== undefined ? ` (schema ${db.schema})` : ""}`
  const fail = (what: string) => (e: SqlError) => new RemoteError({ message: `${what}: ${db.reason(e)}` })
  const ready = onceDone(ensureTables(db))

  return {
    kind: "postgres",
    name,
    pollInterval,
    snapshot: Effect.gen(function*() {
      yield* ready
      const configRows = yield* db.sql.unsafe<{ content: string }>(`SELECT content FROM ${db.table("config_store")} WHERE id = $1`, [CONFIG_ROW])
      const authRows = yield* db.sql.unsafe<{ id: string; content: string }>(`SELECT id, content::text AS content FROM ${db.table("auth_store")} ORDER BY id`)
      return { config: configRows[0]?.content, auths: new Map(authRows.map((r) => [r.id, r.content])) }
    }).pipe(orFail(fail("cannot read the store"))),
    push: (changes) =>
      Effect.gen(function*() {
        yield* ready
        for (const c of changes) {
          const [table, id] = c.kind === "config" ? [db.table("config_store"), CONFIG_ROW] : [db.table("auth_store"), c.id]
          if (c.text === undefined) {
            yield* db.sql.unsafe(`DELETE FROM ${table} WHERE id = $1`, [id])
          } else {
            const content = c.kind === "config" ? c.text.replace(/\r\n?/g, "\n") : c.text
            yield* db.sql.unsafe(
              `INSERT INTO ${table} (id, content, created_at, updated_at) VALUES ($1, $2${c.kind === "auth" ? "::jsonb" : ""}, NOW(), NOW())
ON CONFLICT (id) DO UPDATE SET content = EXCLUDED.content, updated_at = NOW()`,
              [id, content]
            )
          }
        }
        // delivered on commit, to every replica on this schema
        yield* db.sql.unsafe(`SELECT pg_notify($1, $2)`, [CHANNEL, notifyPayload(db.schema, "store")])
      }).pipe(db.sql.withTransaction, orFail(fail("cannot write the store"))),
    // NOTIFY is the fast path; a one-row version check each second covers what it cannot
    // reach (PgBouncer in transaction mode, PGlite, a writer that does not notify)
    changes: Stream.merge(
      db.listen.pipe(Stream.filter((m) => m === "store"), Stream.as(undefined)),
      versionChanges(db)
    )
  }
}

/** How often the version check runs. @category constants */
export const VERSION_CHECK = "1 second"

/**
 * A signal whenever the tables' version changes: the newest `updated_at` and the row count
 * of each (a delete lowers the count, an insert or update moves the time).
 * @category notifications
 */
export const versionChanges = (db: Database): Stream.Stream<void> => {
  let last: string | undefined
  const check = Effect.gen(function*() {
    const rows = yield* db.sql.unsafe<{ v: string }>(
      `SELECT (SELECT coalesce(max(updated_at)::text, '') || '/' || count(*) FROM ${db.table("auth_store")}) || '|' ||
       (SELECT coalesce(max(updated_at)::text, '') || '/' || count(*) FROM ${db.table("config_store")}) AS v`
    )
    const v = rows[0]?.v
    const changed = last !== undefined && v !== last
    last = v
    return changed
  }).pipe(Effect.catchAllCause(() => Effect.succeed(false)))
  return Stream.repeatEffectWithSchedule(check, Schedule.spaced(VERSION_CHECK)).pipe(Stream.filter((changed) => changed), Stream.as(undefined))
}
