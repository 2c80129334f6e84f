import * as PgClient from "@effect/sql-pg/PgClient"
import { SqlError as SqlErrorClass, type SqlError } from "@effect/sql/SqlError"
import * as Cause from "effect/Cause"
import * as Reactivity from "@effect/experimental/Reactivity"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import pg from "pg"
import type { PgTarget } from "./dsn.js"

/** The channel every replica listens on; payloads say which schema and what happened. @category constants */
export const CHANNEL = "cliproxy_store"

/** The PostgreSQL connection of the store, shared with what else keeps data there (usage). @category models */
export interface Database {
  readonly sql: PgClient.PgClient
  readonly target: PgTarget
  /** The schema the tables live in, or undefined for the search path's default. */
  readonly schema: string | undefined
  /** A table name, schema-qualified and quoted. */
  readonly table: (name: string) => string
  /**
   * Messages on CHANNEL for this schema, from a connection of their own, starting with a
   * `store` message once listening; the stream fails when the connection drops.
   */
  readonly listen: Stream.Stream<string, Error>
  /** The reason of a failed query in plain words (the driver's own message, not the wrapper's). */
  readonly reason: (e: SqlError) => string
  /** The same for whatever a database call ended with (failure or driver defect). */
  readonly explain: (cause: Cause.Cause<unknown>) => string
}

/** The store's database, when the PostgreSQL store is in use. @category tags */
export class PgDatabase extends Context.Tag("cli-proxy-api/PgDatabase")<PgDatabase, Database>() {}

const quote = (id: string) => `"${id.replace(/"/g, "\"\"")}"`

/**
 * Opens a pool to PGSTORE_DSN without touching the server: the store decides what an
 * unreachable database means (a clear stop, or a start from the mirror).
 * @category constructors
 */
export const makeDatabase = (target: PgTarget, schema: string | undefined): Effect.Effect<Database, never, Scope.Scope> =>
  Effect.gen(function*() {
    // the schema in the name tells an operator (and pg_stat_activity) whose connections these are
    const applicationName = `cli-proxy-api${schema === undefined ? "" : ` ${schema}`}`.slice(0, 63)
    const pool = new pg.Pool({ ...target.config, max: 4, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000, application_name: applicationName })
    // a dropped idle connection must not crash the process: the next query reconnects
    pool.on("error", () => {})
    const sql = yield* PgClient.fromPool({
      acquire: Effect.acquireRelease(Effect.succeed(pool), (p) => Effect.promise(() => p.end()).pipe(Effect.timeoutOption("1 second")))
    }).pipe(Effect.provide(Reactivity.layer), Effect.orDie)
    const payloadPrefix = `${schema ?? ""}:`
    const reason = (e: SqlError) => (e.cause instanceof Error && e.cause.message !== "" ? e.cause.message : e.message)

    const listen = Stream.asyncScoped<string, Error>((emit) =>
      Effect.acquireRelease(
        Effect.tryPromise({
          try: async () => {
            const client = new pg.Client({ ...target.config, connectionTimeoutMillis: 5000, application_name: applicationName })
            client.on("error", (e) => void emit.fail(e))
            client.on("end", () => void emit.fail(new Error("listen connection closed")))
            client.on("notification", (m) => {
              if (m.payload?.startsWith(payloadPrefix) === true) void emit.single(m.payload.slice(payloadPrefix.length))
            })
            await client.connect()
            await client.query(`LISTEN ${quote(CHANNEL)}`)
            // (re)connected: whatever was notified while not listening is missed, so say "look now"
            void emit.single("store")
            return client
          },
          catch: (e) => (e instanceof Error ? e : new Error(String(e)))
        }),
        (client) => Effect.promise(() => client.end().catch(() => undefined)).pipe(Effect.timeoutOption("1 second"))
      ).pipe(Effect.tapError((e) => Effect.sync(() => void emit.fail(e))), Effect.ignore)
    )

    return {
      sql,
      target,
      schema,
      table: (name) => (schema === undefined ? quote(name) : `${quote(schema)}.${quote(name)}`),
      listen,
      reason,
      explain: (cause) => {
        const e = Cause.squash(cause)
        return e instanceof SqlErrorClass ? reason(e) : e instanceof Error ? e.message : String(e)
      }
    }
  })

/** The payload of a change notification for this schema. @category notifications */
export const notifyPayload = (schema: string | undefined, message: string) => `${schema ?? ""}:${message}`

/** Runs `self` until it has succeeded once, then never again: creating a table the first time it is needed. @category combinators */
export const onceDone = <E, R>(self: Effect.Effect<unknown, E, R>): Effect.Effect<void, E, R> => {
  let done = false
  return Effect.suspend(() => (done ? Effect.void : Effect.asVoid(Effect.tap(self, () => Effect.sync(() => void (done = true))))))
}
