import * as path from "node:path"
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Fiber, Layer, Option, Schedule, Stream } from "effect"
import * as PostgresStore from "../../src/store/postgres/postgres-store.js"
import { Replicas } from "../../src/store/replicas.js"
import { Store } from "../../src/store/store.js"
import { eventuallyEffect, tempDir } from "../support/server.js"
import { isRealServer, postgresUrl, query, tcpRelay, testSchema } from "../support/postgres.js"
import { goAuthFiles } from "./fixtures.js"
import { describeMirrorContract, openIn, type TestBackend } from "./store-contract.js"

/** A fresh schema on the test database, reached through a relay the test can cut. */
const pgBackend = Effect.gen(function*() {
  const url = new URL(yield* postgresUrl)
  const schema = yield* testSchema
  const relay = yield* tcpRelay({ host: url.hostname, port: Number(url.port) })
  const through = new URL(url)
  through.port = String(relay.port)
  const table = (name: string) => `"${schema}"."${name}"`
  const openPg = (root: string) =>
      PostgresStore.layer({
        dsn: through.toString(),
        schema,
        root,
        pollInterval: "1 second",
        startTimeout: "3 seconds",
        retry: Schedule.spaced("200 millis")
      }).pipe(Layer.provide(NodeFileSystem.layer))
  const backend: TestBackend & { readonly schema: string; readonly openPg: typeof openPg } = {
    schema,
    openPg,
    open: openPg,
    down: relay.down,
    up: relay.up,
    peek: Effect.gen(function*() {
      const exists = yield* query<{ t: string | null }>(`SELECT to_regclass($1) AS t`, [table("auth_store")])
      if (exists[0]?.t === null) return { config: undefined, auths: new Map() }
      const config = yield* query<{ content: string }>(`SELECT content FROM ${table("config_store")} WHERE id = 'config'`)
      const auths = yield* query<{ id: string; content: string }>(`SELECT id, content::text AS content FROM ${table("auth_store")}`)
      return { config: config[0]?.content, auths: new Map(auths.map((r) => [r.id, r.content])) }
    }),
    put: (id, text) =>
      Effect.gen(function*() {
        yield* query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`)
        yield* query(`CREATE TABLE IF NOT EXISTS ${table("auth_store")} (id TEXT PRIMARY KEY, content JSONB NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(), updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW())`)
        if (text === undefined) yield* query(`DELETE FROM ${table("auth_store")} WHERE id = $1`, [id])
        else yield* query(`INSERT INTO ${table("auth_store")} (id, content) VALUES ($1, $2::jsonb) ON CONFLICT (id) DO UPDATE SET content = EXCLUDED.content, updated_at = NOW()`, [id, text])
      })
  }
  return backend
})

describeMirrorContract("PostgreSQL store", pgBackend)

const codex = JSON.parse(goAuthFiles["codex-user@example.com.json"]!) as Record<string, string>

describe("PostgreSQL store: the Go tables, connection loss and replicas", () => {
  it.scopedLive("creates the Go version's tables with the same columns, and keeps the config as LF text", () =>
    Effect.gen(function*() {
      const backend = yield* pgBackend
      const { context } = yield* openIn(backend.open(yield* tempDir))
      const store = Context.get(context, Store)
      yield* Effect.orDie(store.config.write("port: 8317\r\ndebug: true\r\n"))
      yield* eventuallyEffect(Effect.map(backend.peek, (s) => s.config === "port: 8317\ndebug: true\n"), "config row", 3000)
      const columns = yield* query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
        `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
        [backend.schema]
      )
      expect(columns.map((c) => `${c.table_name}.${c.column_name} ${c.data_type} ${c.is_nullable}`)).toEqual([
        "auth_store.id text NO",
        "auth_store.content jsonb NO",
        "auth_store.created_at timestamp with time zone NO",
        "auth_store.updated_at timestamp with time zone NO",
        "config_store.id text NO",
        "config_store.content text NO",
        "config_store.created_at timestamp with time zone NO",
        "config_store.updated_at timestamp with time zone NO"
      ])
      const pk = yield* query<{ table_name: string }>(
        `SELECT tc.table_name FROM information_schema.table_constraints tc WHERE tc.table_schema = $1 AND tc.constraint_type = 'PRIMARY KEY' ORDER BY 1`,
        [backend.schema]
      )
      expect(pk.map((r) => r.table_name)).toEqual(["auth_store", "config_store"])
    }))

  it.scopedLive("connections killed with pg_terminate_backend: the store reconnects, listens again and carries on", () =>
    Effect.gen(function*() {
      const backend = yield* pgBackend
      const a = Context.get((yield* openIn(backend.open(yield* tempDir))).context, Store)
      const b = Context.get((yield* openIn(backend.open(yield* tempDir))).context, Store)
      yield* a.save("codex-user@example.com.json", codex)
      yield* eventuallyEffect(Effect.map(b.list, (rs) => rs.length === 1), "B sees A's record", 3000)
      if (yield* isRealServer) {
        const killed = yield* query<{ n: string }>(
          // only this test's connections: other tests run beside it on the same server
          `SELECT count(pg_terminate_backend(pid))::text AS n FROM pg_stat_activity WHERE application_name = $1`,
          [`cli-proxy-api ${backend.schema}`]
        )
        expect(Number(killed[0]?.n)).toBeGreaterThan(0)
      } else {
        // PGlite has no server processes to terminate: drop every connection on the way instead
        yield* backend.down
        yield* backend.up
      }
      yield* a.save("codex-user@example.com.json", { ...codex, access_token: "after-the-kill" })
      yield* eventuallyEffect(Effect.map(backend.peek, (s) => s.auths.get("codex-user@example.com.json")?.includes("after-the-kill") === true), "A's write reached the database", 5000)
      yield* eventuallyEffect(Effect.map(b.list, (rs) => rs[0]?.metadata.access_token === "after-the-kill"), "B sees it again", 5000)
    }))

  it.scopedLive("exclusive work runs on one replica at a time and sees what the previous holder wrote", () =>
    Effect.gen(function*() {
      const backend = yield* pgBackend
      const one = (yield* openIn(backend.openPg(yield* tempDir))).context
      const two = (yield* openIn(backend.openPg(yield* tempDir))).context
      const spans: Array<[string, number, number]> = []
      const seen: Array<string | undefined> = []
      const work = (ctx: typeof one, name: string) =>
        Context.get(ctx, Replicas).exclusive("refresh:codex-user@example.com.json", Effect.gen(function*() {
          const store = Context.get(ctx, Store)
          seen.push((yield* store.list).find((r) => r.id === "codex-user@example.com.json")?.metadata.access_token as string | undefined)
          const start = Date.now()
          yield* Effect.sleep("300 millis")
          yield* Effect.orDie(store.save("codex-user@example.com.json", { ...codex, access_token: `by-${name}` }))
          spans.push([name, start, Date.now()])
        }))
      const f1 = yield* Effect.fork(work(one, "one"))
      const f2 = yield* Effect.fork(work(two, "two"))
      yield* Fiber.join(f1)
      yield* Fiber.join(f2)
      spans.sort((x, y) => x[1] - y[1])
      expect(spans[1]![1]).toBeGreaterThanOrEqual(spans[0]![2])
      // the second holder read the first holder's token, not a stale one
      expect(seen).toContain(`by-${spans[0]![0]}`)
    }))

  it.scopedLive("a cooldown published by one replica reaches the others (and those started later), not itself", () =>
    Effect.gen(function*() {
      const backend = yield* pgBackend
      const one = Context.get((yield* openIn(backend.openPg(yield* tempDir))).context, Replicas)
      const two = Context.get((yield* openIn(backend.openPg(yield* tempDir))).context, Replicas)
      const atTwo = yield* Effect.fork(Stream.runHead(two.cooldowns))
      const atOne = yield* Effect.fork(Stream.runHead(one.cooldowns).pipe(Effect.timeout("1500 millis"), Effect.option))
      yield* Effect.sleep("300 millis")
      const cooldown = { credential: "codex-user@example.com.json", model: "gpt-5", until: Date.now() + 60_000, reason: "quota" as const, level: 2 }
      yield* one.publishCooldown(cooldown)
      expect(Option.getOrUndefined(yield* Fiber.join(atTwo).pipe(Effect.timeout("3 seconds")))).toEqual(cooldown)
      const own = yield* Fiber.join(atOne)
      expect(own._tag === "None" || own.value._tag === "None").toBe(true)
      // a replica that starts afterwards learns the cooldowns still running
      const late = Context.get((yield* openIn(backend.openPg(yield* tempDir))).context, Replicas)
      expect(Option.getOrUndefined(yield* Stream.runHead(late.cooldowns).pipe(Effect.timeout("3 seconds")))).toEqual(cooldown)
    }))

  it.scopedLive("an existing Go database is mirrored as it is", () =>
    Effect.gen(function*() {
      const backend = yield* pgBackend
      yield* backend.put("codex-user@example.com.json", goAuthFiles["codex-user@example.com.json"]!)
      yield* query(`CREATE TABLE "${backend.schema}"."config_store" (id TEXT PRIMARY KEY, content TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(), updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW())`)
      yield* query(`INSERT INTO "${backend.schema}"."config_store" (id, content) VALUES ('config', 'port: 8317\napi-keys:\n  - from-go\n')`)
      const root = yield* tempDir
      const store = Context.get((yield* openIn(backend.open(root))).context, Store)
      expect(yield* Effect.orDie(store.config.read)).toBe("port: 8317\napi-keys:\n  - from-go\n")
      expect(store.config.path).toBe(path.join(root, "config", "config.yaml"))
      expect((yield* store.list).map((r) => [r.id, r.metadata])).toEqual([["codex-user@example.com.json", codex]])
    }))
})
