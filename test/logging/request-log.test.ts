/**
 * The request log (issue 10, point 2): a file per /v1 call with the client's request, each
 * upstream attempt and the answer, secrets masked; switchable at run time; pruned to its
 * size budget.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Claude from "../fakes/claude.js"
import { eventually, http, startServer, type TestServer } from "../support/server.js"

const CLIENT = "client-key-123456"
const UPSTREAM = ["sk-ant-upstream-aaaa1111", "sk-ant-upstream-bbbb2222"]

const config = (url: string, extra = "") => [
  `api-keys: [${CLIENT}]`,
  "request-log: true",
  "claude-api-key:",
  ...UPSTREAM.map((k) => `  - {api-key: ${k}, base-url: "${url}", models: [{name: claude-sonnet-4-5-20250929, alias: claude-mx}]}`),
  extra
].join("\n")

const logsOf = (s: TestServer) => {
  const dir = path.join(path.dirname(s.configFile), "logs")
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith("v1-")).sort().map((f) => path.join(dir, f)) : []
}

const chat = (s: TestServer, stream: boolean) =>
  http(`${s.url}/v1/chat/completions?key=${CLIENT}`, {
    method: "POST",
    headers: { authorization: `Bearer ${CLIENT}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "claude-mx", stream, messages: [{ role: "user", content: "log me please" }] })
  })

describe("request log", () => {
  it.scopedLive("writes each call's request, upstream attempts and answer, with every secret masked", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.ClaudeFake
      const s = yield* startServer(config(fake.url))
      yield* fake.enqueue(Claude.errorReply(429, { retryAfter: 30 }), { parts: [{ type: "text", text: "logged answer" }] })
      expect((yield* chat(s, false)).status).toBe(200)
      const [file] = yield* eventually(() => logsOf(s).length === 1 && logsOf(s))
      expect(path.basename(file!)).toMatch(/^v1-chat-completions-\d{4}-\d{2}-\d{2}T\d{6}-\d+\.log$/)
      const text = fs.readFileSync(file!, "utf8")
      for (const section of ["=== REQUEST INFO ===", "=== HEADERS ===", "=== REQUEST BODY ===", "=== API REQUEST 1 ===", "=== API RESPONSE 1 ===", "=== API REQUEST 2 ===", "=== API RESPONSE 2 ===", "=== RESPONSE ==="]) {
        expect(text).toContain(section)
      }
      expect(text).toContain("log me please")
      expect(text).toContain(`Upstream URL: ${fake.url}/v1/messages?beta=true`)
      expect(text).toMatch(/=== API RESPONSE 1 ===\nTimestamp: \S+\nStatus: 429/)
      expect(text).toMatch(/=== API RESPONSE 2 ===\nTimestamp: \S+\nStatus: 200/)
      expect(text).toContain("logged answer")
      expect(text).toMatch(/=== RESPONSE ===\nStatus: 200/)
      expect(text).toContain("authorization: Bearer clie...3456")
      expect(text).toContain("key=clie...3456")
      expect(text).toMatch(/x-api-key: sk-a\.\.\.(1111|2222)/)
      for (const secret of [CLIENT, ...UPSTREAM]) expect(text).not.toContain(secret)
    }).pipe(Effect.provide(Claude.layer({ models: [] }))))

  it.scopedLive("streams are logged too; turning request-log off stops it at once; old files go past the size budget", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.ClaudeFake
      const s = yield* startServer(config(fake.url, "request-log-max-size: 6000"))
      for (let i = 0; i < 4; i++) expect((yield* chat(s, true)).status).toBe(200)
      yield* eventually(() => logsOf(s).length > 0 && logsOf(s))
      yield* Effect.sleep("200 millis")
      const kept = logsOf(s)
      const total = kept.reduce((a, f) => a + fs.statSync(f).size, 0)
      expect(total).toBeLessThanOrEqual(6000)
      expect(kept.length).toBeLessThan(4)
      const last = fs.readFileSync(kept.at(-1)!, "utf8")
      expect(last).toContain("data: ")
      expect(last).toMatch(/=== RESPONSE ===\nStatus: 200/)

      fs.writeFileSync(s.configFile, fs.readFileSync(s.configFile, "utf8").replace("request-log: true", "request-log: false"))
      yield* s.config.reload
      const before = logsOf(s).length
      expect((yield* chat(s, false)).status).toBe(200)
      yield* Effect.sleep("200 millis")
      expect(logsOf(s).length).toBe(before)
    }).pipe(Effect.provide(Claude.layer({ models: [] }))))
})
