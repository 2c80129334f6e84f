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
import { query, postgresUrl, testSchema } from "../support/postgres.js"
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

describe("replicas on one PostgreSQL", () => {
  it.scopedLive("a credential uploaded through one replica serves on the other; a key added and a credential deleted reach it too; usage survives a restart", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.make({ models: [] })
      const schema = yield* testSchema
      const dsn = yield* postgresUrl
      yield* query(`CREATE SCHEMA "${schema}"`)
      yield* query(`CREATE TABLE "${schema}"."config_store" (id TEXT PRIMARY KEY, content TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(), updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW())`)
      yield* query(`INSERT INTO "${schema}"."config_store" (id, content) VALUES ('config', $1)`, [
        ["api-keys: [client-one]", "logging-to-file: false", "remote-management:", `  secret-key: ${SECRET}`, "upstream-endpoints:", `  claude: ${fake.url}`, ""].join("\n")
      ])
      const envFor = (dir: string) => ({ PGSTORE_DSN: dsn, PGSTORE_SCHEMA: schema, PGSTORE_LOCAL_PATH: dir })
      const dirA = yield* tempDir
      const dirB = yield* tempDir
      const a = yield* startServer(undefined, { env: envFor(dirA) })
      const b = yield* Effect.scoped(Effect.gen(function*() {
        const b = yield* startServer(undefined, { env: envFor(dirB) })
        expect(yield* ask(b.url, "client-one")).not.toBe(200)

        const uploaded = yield* manage(a.url, "POST", "/auth-files?name=claude-replica@example.com.json", credential)
        expect(uploaded.status).toBe(200)
        yield* eventuallyEffect(Effect.map(ask(b.url, "client-one"), (s) => s === 200), "B serves with the credential uploaded to A", 2000)

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

describe("store faults at start", () => {
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
