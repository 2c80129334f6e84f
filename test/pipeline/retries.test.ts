import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Claude from "../fakes/claude.js"
import * as Compat from "../fakes/openai-chat.js"
import { startServer } from "../support/server.js"
import { chat, errorOf, generate, inPoolOrder, messages, posts } from "./helpers.js"

const model = "claude-sonnet-4-5-20250929"

const claudeKeys = (fakes: ReadonlyArray<{ readonly url: string }>, retry: number) =>
  [`request-retry: ${retry}`, "claude-api-key:", ...fakes.map((f, i) => `  - {api-key: sk-${i}, base-url: "${f.url}"}`)].join("\n")

describe("retries and failover", () => {
  it.scopedLive("403, 408, 500, 502, 503 and 504 from the first credential move on to the next", () =>
    Effect.gen(function*() {
      const a = yield* Claude.make()
      const b = yield* Claude.make()
      const s = yield* startServer(claudeKeys([a, b], 0))
      const [first, second] = inPoolOrder(s, [a, b])
      const statuses = [403, 408, 500, 502, 503, 504]
      for (const [i, status] of statuses.entries()) {
        yield* first!.enqueue(Claude.errorReply(status))
        const r = yield* chat(s, model)
        expect(r.status, `after ${status}`).toBe(200)
        expect((yield* posts(first!)).length).toBe(i + 1)
        expect((yield* posts(second!)).length).toBe(i + 1)
      }
      expect(yield* first!.pending).toBe(0)
    }))

  it.scopedLive("one credential and request-retry 2: the same one is tried three times, then the client gets its status and message", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.make()
      const s = yield* startServer(claudeKeys([fake], 2))
      const overloaded = Claude.errorReply(503, { message: "upstream overloaded, try later" })
      yield* fake.enqueue(overloaded, overloaded, overloaded)
      const r = yield* chat(s, model)
      expect(r.status).toBe(503)
      expect(errorOf(r.json())).toMatchObject({ message: "upstream overloaded, try later" })
      expect((yield* posts(fake)).length).toBe(3)
      expect(yield* fake.pending).toBe(0)
    }))

  it.scopedLive("request-retry 0 with one credential: a single attempt, its error in each client's dialect", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.make()
      const s = yield* startServer(claudeKeys([fake], 0))
      const bad = Claude.errorReply(502, { message: "bad gateway upstream" })
      yield* fake.enqueue(bad, bad, bad)
      const r = yield* chat(s, model)
      expect(r.status).toBe(502)
      expect(errorOf(r.json())).toMatchObject({ message: "bad gateway upstream" })
      expect((yield* posts(fake)).length).toBe(1)
      // the Claude client gets the upstream's own body verbatim, the Gemini client a Google-shaped one
      const m = yield* messages(s, model)
      expect(m.status).toBe(502)
      expect(m.text).toBe(bad.body)
      const g = yield* generate(s, model)
      expect(g.status).toBe(502)
      expect(errorOf(g.json())).toMatchObject({ code: 502, message: "bad gateway upstream" })
      expect((yield* posts(fake)).length).toBe(3)
    }))

  it.scopedLive("request-retry 1 over two failing credentials: each is tried twice, taking turns", () =>
    Effect.gen(function*() {
      const a = yield* Compat.make()
      const b = yield* Compat.make()
      const s = yield* startServer([
        "request-retry: 1",
        "openai-compatibility:",
        ...[a, b].flatMap((f, i) => [`  - name: p${i}`, `    base-url: ${f.url}/v1`, `    api-key-entries: [{api-key: k${i}}]`, "    models: [{name: up, alias: m}]"])
      ].join("\n"))
      yield* a.setFallback(Compat.errorReply(500))
      yield* b.setFallback(Compat.errorReply(500))
      const r = yield* chat(s, "m")
      expect(r.status).toBe(500)
      const all = [...(yield* posts(a)).map((q) => ({ fake: "a", at: q.receivedAt })), ...(yield* posts(b)).map((q) => ({ fake: "b", at: q.receivedAt }))]
      expect(all).toHaveLength(4)
      const order = all.sort((x, y) => x.at - y.at).map((x) => x.fake)
      expect(order[0]).not.toBe(order[1])
      expect(order.slice(2)).toEqual(order.slice(0, 2))
    }))

  it.scopedLive("a 400 the request caused is returned at once; no other credential is asked, none is sidelined", () =>
    Effect.gen(function*() {
      const fakes = [yield* Claude.make(), yield* Claude.make(), yield* Claude.make()]
      const s = yield* startServer(claudeKeys(fakes, 3))
      const [first, ...others] = inPoolOrder(s, fakes)
      yield* first!.enqueue(Claude.errorReply(400, { message: "prompt is too long: 250000 tokens > 200000 maximum" }))
      const r = yield* chat(s, model)
      expect(r.status).toBe(400)
      expect(errorOf(r.json()).message).toBe("prompt is too long: 250000 tokens > 200000 maximum")
      expect((yield* posts(first!)).length).toBe(1)
      for (const f of others) expect(yield* posts(f)).toEqual([])
      // the same credential still serves its next turn: a 400 does not block it
      for (let i = 0; i < 3; i++) expect((yield* chat(s, model)).status).toBe(200)
      expect((yield* posts(first!)).length).toBe(2)
    }))

  it.scopedLive("401 moves on and keeps the credential out of the rotation", () =>
    Effect.gen(function*() {
      const a = yield* Claude.make()
      const b = yield* Claude.make()
      const s = yield* startServer(claudeKeys([a, b], 0))
      const [first, second] = inPoolOrder(s, [a, b])
      yield* first!.enqueue(Claude.errorReply(401))
      for (let i = 0; i < 3; i++) expect((yield* chat(s, model)).status).toBe(200)
      expect((yield* posts(first!)).length).toBe(1)
      expect((yield* posts(second!)).length).toBe(3)
    }))
})
