/**
 * Two servers on one PostgreSQL, as replicas behind a load balancer: what one is told (a
 * credential uploaded or deleted, a client key added) is in force on the other within 2 s,
 * and usage survives a restart.
 */
import { spawn } from "node:child_process"
import * as path from "node:path"
import Anthropic from "@anthropic-ai/sdk"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Claude from "../fakes/claude.js"
import { tokenEndpoint } from "../fakes/oauth-token.js"
import { isRealServer, postgresUrl, query, tcpRelay, testSchema } from "../support/postgres.js"
import { freePort, type Running, start as startProcess } from "../support/process.js"
import { eventuallyEffect, http, startServer, tempDir } from "../support/server.js"

const SECRET = "replica-mgmt-secret"
const MODEL = "claude-opus-4-1-20250805"
const later = new Date(Date.now() + 24 * 3600_000).toISOString()
const credential = JSON.stringify({ type: "claude", access_token: "up-claude-oauth-token", refresh_token: "r", email: "replica@example.com", expired: later })

const manage = (url: string, method: string, route: string, body?: string) =>
  http(`${url}/v0/management${route}`, { method, headers: { authorization: `Bearer ${SECRET}` }, ...(body !== undefined ? { body } : {}) })

/** Asks a replica for one short answer; the status, or 0 when the SDK could not reach it. */
const ask = (url: string, key: string) =>
  Effect.promise(() =>
    new Anthropic({ baseURL: url, apiKey: key, maxRetries: 0 }).messages
      .create({ model: MODEL, max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
      .then(() => 200, (e: { status?: number }) => e.status ?? 0)
  )

/** A fresh schema holding the given config, and the environment that puts a replica on it. */
const sharedDatabase = (configLines: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const schema = yield* testSchema
    const dsn = yield* postgresUrl
    yield* query(`CREATE SCHEMA "${schema}"`)
    yield* query(`CREATE TABLE "${schema}"."config_store" (id TEXT PRIMARY KEY, content TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(), updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW())`)
    yield* query(`INSERT INTO "${schema}"."config_store" (id, content) VALUES ('config', $1)`, [[...configLines, ""].join("\n")])
    return { schema, envFor: (dir: string) => ({ PGSTORE_DSN: dsn, PGSTORE_SCHEMA: schema, PGSTORE_LOCAL_PATH: dir }) }
  })

/** The model calls a fake received (not the model listings each replica makes). */
const messages = (fake: { readonly requests: Effect.Effect<ReadonlyArray<{ readonly path: string; readonly headers: Readonly<Record<string, string>> }>> }) =>
  Effect.map(fake.requests, (rs) => rs.filter((r) => r.path === "/v1/messages"))

/** Starts a replica with a mirror folder of its own. */
const replica = (envFor: (dir: string) => Record<string, string>) =>
  Effect.flatMap(tempDir, (dir) => startServer(undefined, { env: envFor(dir) }))

describe("replicas on one PostgreSQL", () => {
  it.scopedLive("a credential uploaded through one replica serves on the other; a key added and a credential deleted reach it too; usage survives a restart", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.make({ models: [] })
      const { envFor, schema } = yield* sharedDatabase(["api-keys: [client-one]", "logging-to-file: false", "remote-management:", `  secret-key: ${SECRET}`, "upstream-endpoints:", `  claude: ${fake.url}`])
      const dirB = yield* tempDir
      const a = yield* replica(envFor)
      const b = yield* Effect.scoped(Effect.gen(function*() {
        const b = yield* startServer(undefined, { env: envFor(dirB) })
        expect(yield* ask(b.url, "client-one")).not.toBe(200)

        // the database drops every connection first: the replicas reconnect and carry on
        if (yield* isRealServer) {
          // only this test's connections: other tests run beside it on the same server
          yield* query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [`cli-proxy-api ${schema}`])
        }
        const uploaded = yield* manage(a.url, "POST", "/auth-files?name=claude-replica@example.com.json", credential)
        expect(uploaded.status).toBe(200)
        yield* eventuallyEffect(Effect.map(ask(b.url, "client-one"), (s) => s === 200), "B serves with the credential uploaded to A", 3000)

        const keys = yield* manage(a.url, "PUT", "/api-keys", JSON.stringify(["client-one", "client-two"]))
        expect(keys.status).toBe(200)
        yield* eventuallyEffect(Effect.map(ask(b.url, "client-two"), (s) => s === 200), "B accepts the key added on A", 2000)

        const usage = (yield* manage(b.url, "GET", "/usage")).json() as { usage: { total_requests: number } }
        expect(usage.usage.total_requests).toBeGreaterThanOrEqual(2)
        return usage.usage.total_requests
      }))

      // B restarts on its mirror: the usage it recorded is read back from PostgreSQL
      const again = yield* startServer(undefined, { env: envFor(dirB) })
      const restored = (yield* manage(again.url, "GET", "/usage")).json() as { usage: { total_requests: number; apis: Record<string, unknown> } }
      expect(restored.usage.total_requests).toBeGreaterThanOrEqual(b)
      expect(Object.keys(restored.usage.apis).join(" ")).not.toContain("client-one")

      const removed = yield* manage(a.url, "DELETE", "/auth-files?name=claude-replica@example.com.json")
      expect(removed.status).toBe(200)
      yield* eventuallyEffect(Effect.map(ask(again.url, "client-one"), (s) => s !== 200), "the restarted B stops serving once A deleted the credential", 2000)
      expect((yield* fake.requests).length).toBeGreaterThanOrEqual(2)
    }))
})

describe("replicas share token refreshes and cooldowns", () => {
  it.scopedLive("an expired token asked for on two replicas at once is refreshed once, and both use the new token", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.make({ models: [] })
      // slow enough that both replicas ask while the first refresh is still running
      const tokens = yield* tokenEndpoint({ delayMs: 600 })
      const { envFor, schema } = yield* sharedDatabase([
        "api-keys: [client-one]", "logging-to-file: false",
        "upstream-endpoints:", `  claude: ${fake.url}`, `  claude-oauth: ${tokens.url}`
      ])
      const a = yield* replica(envFor)
      const b = yield* replica(envFor)
      const expired = JSON.stringify({ type: "claude", access_token: "old-token", refresh_token: "r0", email: "once@example.com", expired: new Date(Date.now() - 60_000).toISOString() })
      // written straight into the database, as another tool would: the replicas pick it up
      yield* query(`INSERT INTO "${schema}"."auth_store" (id, content) VALUES ('claude-once@example.com.json', $1::jsonb)`, [expired])
      yield* query(`SELECT pg_notify('cliproxy_store', $1)`, [`${schema}:store`])
      yield* eventuallyEffect(Effect.map(http(`${b.url}/v1/models`, { headers: { authorization: "Bearer client-one" } }), (r) => r.text.includes(MODEL)), "B lists the credential's models", 12_000)
      yield* eventuallyEffect(Effect.map(http(`${a.url}/v1/models`, { headers: { authorization: "Bearer client-one" } }), (r) => r.text.includes(MODEL)), "A lists the credential's models", 12_000)
      const both = yield* Effect.all([ask(a.url, "client-one"), ask(b.url, "client-one")], { concurrency: 2 })
      expect(both).toEqual([200, 200])
      expect(tokens.calls().length).toBe(1)
      const used = (yield* messages(fake)).map((r) => r.headers.authorization)
      expect(used).toEqual(["Bearer at-1", "Bearer at-1"])
    }), 40_000)

  it.scopedLive("a credential one replica saw exhausted (429) is not tried by the other until it recovers", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.make({ models: [] })
      const { envFor, schema } = yield* sharedDatabase(["api-keys: [client-one]", "logging-to-file: false", "upstream-endpoints:", `  claude: ${fake.url}`])
      const a = yield* replica(envFor)
      const b = yield* replica(envFor)
      const account = (name: string) => JSON.stringify({ type: "claude", access_token: `token-${name}`, refresh_token: "r", email: `${name}@example.com`, expired: later })
      for (const name of ["x", "y"]) {
        yield* query(`INSERT INTO "${schema}"."auth_store" (id, content) VALUES ($1, $2::jsonb)`, [`claude-${name}@example.com.json`, account(name)])
      }
      yield* query(`SELECT pg_notify('cliproxy_store', $1)`, [`${schema}:store`])
      for (const s of [a, b]) {
        yield* eventuallyEffect(Effect.map(http(`${s.url}/v1/models`, { headers: { authorization: "Bearer client-one" } }), (r) => r.text.includes(MODEL)), "models listed", 12_000)
      }
      // A's first attempt is told the account is exhausted for a minute; it fails over
      yield* fake.enqueue(Claude.errorReply(429, { retryAfter: 60 }))
      expect(yield* ask(a.url, "client-one")).toBe(200)
      const [first, second] = (yield* messages(fake)).map((r) => r.headers.authorization)
      expect(first).not.toBe(second)
      const exhausted = first!
      yield* Effect.sleep("500 millis")
      yield* fake.clear
      for (let i = 0; i < 4; i++) expect(yield* ask(b.url, "client-one")).toBe(200)
      const onB = (yield* messages(fake)).map((r) => r.headers.authorization)
      expect(onB).toHaveLength(4)
      expect(onB).not.toContain(exhausted)
    }), 40_000)
})

describe("serve as a process on a store backend", () => {
  it.scopedLive("the banner names the backend; SIGTERM stops it cleanly", () =>
    Effect.gen(function*() {
      const port = yield* Effect.promise(freePort)
      const { envFor, schema } = yield* sharedDatabase([`port: ${port}`, "host: 127.0.0.1", "logging-to-file: false"])
      const dir = yield* tempDir
      const children: Array<Running> = []
      yield* Effect.addFinalizer(() => Effect.sync(() => children.forEach((c) => c.stop("SIGKILL"))))
      const p = startProcess(children, process.execPath, [path.resolve("dist/main.js"), "serve"], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? "", HOME: dir, ...envFor(dir) }
      })
      yield* Effect.promise(() => p.waitFor(`listening on http://127.0.0.1:${port}`, 20_000))
      yield* Effect.promise(() => p.waitFor("store:       PostgreSQL at 127.0.0.1:"))
      expect(p.out()).toContain(`(schema ${schema}) (in step)`)
      expect(p.out()).toContain(`auth-dir:    ${path.join(dir, "pgstore", "auths")}`)
      p.stop("SIGTERM")
      expect(yield* Effect.promise(() => p.exited)).toBe(0)
    }), 40_000)

  it.scopedLive("PostgreSQL unreachable and no mirror: `serve` says so and exits non-zero", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const result = yield* Effect.promise(() =>
        new Promise<{ code: number | null; err: string }>((resolve) => {
          const child = spawn(process.execPath, [path.resolve("dist/main.js"), "serve"], {
            cwd: dir,
            env: { PATH: process.env.PATH ?? "", PGSTORE_DSN: "postgres://postgres@127.0.0.1:1/nowhere", HOME: dir }
          })
          let err = ""
          child.stderr.on("data", (d: Buffer) => (err += d.toString()))
          child.stdout.on("data", (d: Buffer) => (err += d.toString()))
          child.on("exit", (code) => resolve({ code, err }))
        })
      )
      expect(result.code).not.toBe(0)
      expect(result.err).toMatch(/store error: PostgreSQL at 127\.0\.0\.1:1\/nowhere is unreachable: .*ECONNREFUSED.*no local mirror/)
    }), 60_000)
})

describe("the store's state for operators", () => {
  it.scopedLive("PostgreSQL going away: the proxy keeps serving, /store and /metrics show it down with the change waiting, and the change lands when it returns", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.make({ models: [] })
      const { schema } = yield* sharedDatabase(["api-keys: [client-one]", "logging-to-file: false", "remote-management:", `  secret-key: ${SECRET}`, "upstream-endpoints:", `  claude: ${fake.url}`])
      const real = new URL(yield* postgresUrl)
      const relay = yield* tcpRelay({ host: real.hostname, port: Number(real.port) })
      const through = new URL(real)
      through.port = String(relay.port)
      const s = yield* startServer(undefined, { env: { PGSTORE_DSN: through.toString(), PGSTORE_SCHEMA: schema, PGSTORE_LOCAL_PATH: yield* tempDir } })
      const store = () => Effect.map(manage(s.url, "GET", "/store"), (r) => (r.json() as { store: { kind: string; online: boolean; pending: number } }).store)
      // the management secret is hashed in place at start: that change goes out first
      yield* eventuallyEffect(Effect.map(store(), (st) => st.kind === "postgres" && st.online && st.pending === 0), "in step at start", 3000)
      expect((yield* manage(s.url, "POST", "/auth-files?name=claude-first@example.com.json", credential)).status).toBe(200)
      yield* eventuallyEffect(Effect.map(ask(s.url, "client-one"), (c) => c === 200), "serving", 3000)
      yield* eventuallyEffect(Effect.map(store(), (st) => st.pending === 0), "the first credential is in the database", 3000)

      yield* relay.down
      const second = credential.replace("replica@example.com", "second@example.com")
      expect((yield* manage(s.url, "POST", "/auth-files?name=claude-second@example.com.json", second)).status).toBe(200)
      expect(yield* ask(s.url, "client-one")).toBe(200)
      yield* eventuallyEffect(Effect.map(store(), (st) => !st.online && st.pending === 1), "/store shows the backend down, one change waiting", 5000)
      const metrics = (yield* http(`${s.url}/metrics`, { headers: { authorization: "Bearer client-one" } })).text
      expect(metrics).toContain(`cli_proxy_store_up{kind="postgres"} 0`)
      expect(metrics).toContain(`cli_proxy_store_pending_changes{kind="postgres"} 1`)

      yield* relay.up
      yield* eventuallyEffect(Effect.map(store(), (st) => st.online && st.pending === 0), "/store shows it back, nothing waiting", 10_000)
      const rows = yield* query<{ id: string }>(`SELECT id FROM "${schema}"."auth_store" ORDER BY id`)
      expect(rows.map((r) => r.id)).toEqual(["claude-first@example.com.json", "claude-second@example.com.json"])
    }), 40_000)

  it.scopedLive("the file store: /store says so", () =>
    Effect.gen(function*() {
      const s = yield* startServer(`remote-management:\n  secret-key: ${SECRET}`)
      const answer = (yield* manage(s.url, "GET", "/store")).json() as { store: { kind: string; online: boolean; pending: number } }
      expect(answer.store).toMatchObject({ kind: "file", online: true, pending: 0 })
    }))
})
