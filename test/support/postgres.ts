/**
 * PostgreSQL for tests: the machine's server on 127.0.0.1:5432 (required on CI), else PGlite
 * served over its socket so the test command passes anywhere. Each test gets a schema of its
 * own, dropped afterwards.
 */
import { randomBytes } from "node:crypto"
import * as net from "node:net"
import { Effect } from "effect"
import pg from "pg"

const REAL = "postgres://postgres@127.0.0.1:5432/test"

const reachable = (url: string) =>
  new Promise<boolean>((resolve) => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
    client.connect().then(
      () => client.end().then(() => resolve(true), () => resolve(true)),
      () => resolve(false)
    )
  })

const startPglite = async (): Promise<string> => {
  const { PGlite } = await import("@electric-sql/pglite")
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket")
  const db = await PGlite.create()
  const server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1", maxConnections: 100 })
  await server.start()
  const address = (server as unknown as { server?: net.Server }).server?.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  return `postgres://postgres@127.0.0.1:${port}/postgres`
}

let url: Promise<string> | undefined

/** The PostgreSQL URL tests use; on CI (CI=true) a missing server fails the test instead of falling back. */
export const postgresUrl: Effect.Effect<string> = Effect.promise(() =>
  (url ??= (async () => {
    if (process.env.CPA_TEST_PGLITE !== "1" && await reachable(REAL)) return REAL
    if (process.env.CI === "true") throw new Error(`PostgreSQL is required on CI and is not reachable at ${REAL}`)
    return startPglite()
  })())
)

/** Whether the tests run on a real server: PGlite has one session for every connection, so no NOTIFY between them and no backends to terminate. */
export const isRealServer = Effect.map(postgresUrl, (u) => u === REAL)

/** A fresh schema name, dropped (with everything in it) when the test's scope closes. */
export const testSchema = Effect.acquireRelease(
  Effect.sync(() => `cpa_test_${randomBytes(5).toString("hex")}`),
  (schema) =>
    Effect.flatMap(postgresUrl, (u) =>
      Effect.promise(async () => {
        const client = new pg.Client({ connectionString: u })
        try {
          await client.connect()
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
        } catch {
          // best effort: a leftover schema is harmless
        } finally {
          await client.end().catch(() => undefined)
        }
      }))
)

/** Runs one query on its own connection. */
export const query = <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: ReadonlyArray<unknown> = []) =>
  Effect.flatMap(postgresUrl, (u) =>
    Effect.promise(async () => {
      const client = new pg.Client({ connectionString: u })
      await client.connect()
      try {
        return (await client.query<R>(text, values as Array<unknown>)).rows
      } finally {
        await client.end().catch(() => undefined)
      }
    }))

/** A TCP relay in front of a server that a test can cut (connections refused and dropped) and restore. */
export interface TcpRelay {
  readonly port: number
  readonly down: Effect.Effect<void>
  readonly up: Effect.Effect<void>
}

/** Starts a relay to `target` (host:port) on a free port, closed with the scope. */
export const tcpRelay = (target: { host: string; port: number }) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const sockets = new Set<net.Socket>()
      let open = true
      const server = net.createServer((client) => {
        if (!open) return client.destroy()
        const upstream = net.connect(target.port, target.host)
        sockets.add(client).add(upstream)
        const drop = () => {
          client.destroy()
          upstream.destroy()
          sockets.delete(client)
          sockets.delete(upstream)
        }
        client.on("error", drop).on("close", drop)
        upstream.on("error", drop).on("close", drop)
        client.pipe(upstream).pipe(client)
      })
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
      const port = (server.address() as net.AddressInfo).port
      const relay: TcpRelay & { close: () => void } = {
        port,
        down: Effect.sync(() => {
          open = false
          for (const s of sockets) s.destroy()
          sockets.clear()
        }),
        up: Effect.sync(() => void (open = true)),
        close: () => {
          for (const s of sockets) s.destroy()
          server.close()
        }
      }
      return relay
    }),
    (relay) => Effect.sync(() => relay.close())
  )
