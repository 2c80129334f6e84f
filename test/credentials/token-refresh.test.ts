import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Claude from "../fakes/claude.js"
import { tokenEndpoint } from "../fakes/oauth-token.js"
import { posts } from "../pipeline/helpers.js"
import { eventually, http, startServer } from "../support/server.js"

const claudeFile = (token: string, expired: string) =>
  JSON.stringify({ id_token: "", access_token: token, refresh_token: "rt-0", last_refresh: "2026-01-01T00:00:00Z", email: "me@example.com", type: "claude", expired })

const ask = (url: string) =>
  http(`${url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model: "claude-sonnet-4-5-20250929", max_tokens: 20, messages: [{ role: "user", content: "hi" }] })
  })

/** A server whose Claude OAuth file starts with `token` expiring at `expired`, and the fakes it talks to. */
const setup = (token: string, expired: string, delayMs = 0, failFirst: ReadonlyArray<number> = []) =>
  Effect.gen(function*() {
    const fake = yield* Claude.ClaudeFake
    const tokens = yield* tokenEndpoint({ delayMs, failFirst })
    const s = yield* startServer(`upstream-endpoints:\n  claude: ${fake.url}\n  claude-oauth: ${tokens.url}/v1/oauth/token`, { auths: { "claude-me.json": claudeFile(token, expired) } })
    const file = path.join(s.dir, "auths", "claude-me.json")
    return { fake, tokens, s, file }
  })

describe("OAuth token refresh", () => {
  it.scopedLive("100 concurrent requests on an expired token cause exactly one refresh, and the new token is saved", () =>
    Effect.gen(function*() {
      const { fake, tokens, s, file } = yield* setup("old-token", "2020-01-01T00:00:00Z", 200)
      const answers = yield* Effect.forEach(Array.from({ length: 100 }, () => ask(s.url)), (a) => a, { concurrency: "unbounded" })
      expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 100 }, () => 200))
      expect(tokens.calls().length).toBe(1)
      expect(tokens.calls()[0]?.body).toContain("\"grant_type\":\"refresh_token\"")
      const sent = (yield* posts(fake)).map((r) => r.headers.authorization)
      expect(new Set(sent)).toEqual(new Set(["Bearer at-1"]))
      const saved = JSON.parse(fs.readFileSync(file, "utf8"))
      expect(saved.access_token).toBe("at-1")
      expect(saved.refresh_token).toBe("rt-1")
      expect(Date.parse(saved.expired)).toBeGreaterThan(Date.now())
      expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    }).pipe(Effect.provide(Claude.layer())))

  it.scopedLive("a 401 triggers one refresh and one retry of that request", () =>
    Effect.gen(function*() {
      const { fake, tokens, s } = yield* setup("revoked-token", "2099-01-01T00:00:00Z")
      yield* fake.enqueue(Claude.errorReply(401))
      const answer = yield* ask(s.url)
      expect(answer.status).toBe(200)
      expect(tokens.calls().length).toBe(1)
      expect((yield* posts(fake)).map((r) => r.headers.authorization)).toEqual(["Bearer revoked-token", "Bearer at-1"])
    }).pipe(Effect.provide(Claude.layer())))

  it.scopedLive("a token due soon is refreshed in the background before it expires", () =>
    Effect.gen(function*() {
      const soon = new Date(Date.now() + 60 * 60_000).toISOString() // within Claude's 4 h lead
      const { tokens, file } = yield* setup("aging-token", soon)
      yield* eventually(() => tokens.calls().length === 1, 3000)
      yield* eventually(() => JSON.parse(fs.readFileSync(file, "utf8")).access_token === "at-1")
    }).pipe(Effect.provide(Claude.layer())))

  it.scopedLive("a failing refresh is marked and backs off, and the credential is skipped meanwhile instead of retried", () =>
    Effect.gen(function*() {
      const { fake, tokens, s } = yield* setup("old-token", "2020-01-01T00:00:00Z", 0, [500])
      const first = yield* ask(s.url)
      expect(first.status).toBeGreaterThanOrEqual(500)
      expect(first.text).toContain("refresh")
      const second = yield* ask(s.url)
      expect(second.status).toBeGreaterThanOrEqual(500)
      // one failed call, then the backoff holds: no hammering of the token endpoint, nothing sent upstream
      expect(tokens.calls().length).toBe(1)
      expect((yield* posts(fake)).length).toBe(0)
      expect(s.logs.join("")).toContain("token refresh of claude-me.json failed")
    }).pipe(Effect.provide(Claude.layer())))
})
