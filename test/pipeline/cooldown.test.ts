import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Claude from "../fakes/claude.js"
import * as Codex from "../fakes/codex.js"
import * as Gemini from "../fakes/gemini.js"
import * as Compat from "../fakes/openai-chat.js"
import type { Reply } from "../fakes/script.js"
import { http, startServer } from "../support/server.js"
import { chat, errorOf, generate, inPoolOrder, messages, posts } from "./helpers.js"

const sonnet = "claude-sonnet-4-5-20250929"

const retryAfter = (r: { readonly headers: Headers }) => Number(r.headers.get("retry-after"))

// One credential: its 429 reaches the client as is; the next call finds it cooling and is
// answered by the proxy without asking upstream, with Retry-After from the upstream's hint.
const coolingAfter = (fake: { readonly requests: Effect.Effect<ReadonlyArray<{ readonly method: string }>> }, call: Effect.Effect<{ readonly status: number; readonly headers: Headers; readonly json: () => unknown }>) =>
  Effect.gen(function*() {
    const first = yield* call
    expect(first.status).toBe(429)
    const second = yield* call
    expect(second.status).toBe(429)
    expect(errorOf(second.json()).message).toContain("are cooling down")
    expect((yield* fake.requests).filter((r) => r.method === "POST")).toHaveLength(1)
    return retryAfter(second)
  })

describe("429 cooldown", () => {
  it.scopedLive("a 429 cools that credential down and the request moves on at once; it stays skipped", () =>
    Effect.gen(function*() {
      const a = yield* Claude.make()
      const b = yield* Claude.make()
      const s = yield* startServer(["claude-api-key:", `  - {api-key: sk-a, base-url: "${a.url}"}`, `  - {api-key: sk-b, base-url: "${b.url}"}`].join("\n"))
      const [first, second] = inPoolOrder(s, [a, b])
      yield* first!.enqueue(Claude.errorReply(429, { retryAfter: 60 }))
      const started = Date.now()
      expect((yield* chat(s, sonnet)).status).toBe(200)
      expect(Date.now() - started).toBeLessThan(3000) // not the 60 s the hint asks for
      for (let i = 0; i < 3; i++) expect((yield* chat(s, sonnet)).status).toBe(200)
      expect((yield* posts(first!)).length).toBe(1)
      expect((yield* posts(second!)).length).toBe(4)
      // the cooldown is per model: another model still uses the cooled credential in its turn
      expect((yield* chat(s, "claude-opus-4-1-20250805")).status).toBe(200)
      expect((yield* chat(s, "claude-opus-4-1-20250805")).status).toBe(200)
      expect((yield* posts(first!)).length).toBe(2)
    }))

  it.scopedLive("Retry-After in seconds (Claude) and as an HTTP date (OpenAI-compatible) set the cooldown", () =>
    Effect.gen(function*() {
      const claude = yield* Claude.make()
      const compat = yield* Compat.make()
      const s = yield* startServer([
        "claude-api-key:",
        `  - {api-key: sk-a, base-url: "${claude.url}"}`,
        "openai-compatibility:",
        "  - name: router",
        `    base-url: ${compat.url}/v1`,
        "    api-key-entries: [{api-key: c-1}]",
        "    models: [{name: up, alias: m}]"
      ].join("\n"))
      yield* claude.enqueue(Claude.errorReply(429, { retryAfter: 42 }))
      expect(yield* coolingAfter(claude, messages(s, sonnet))).toBe(42)
      const date = new Date(Math.ceil(Date.now() / 1000) * 1000 + 300_000).toUTCString()
      yield* compat.enqueue({ ...Compat.errorReply(429), headers: { "retry-after": date } })
      const seconds = yield* coolingAfter(compat, chat(s, "m"))
      expect(seconds).toBeGreaterThan(290)
      expect(seconds).toBeLessThanOrEqual(301)
    }))

  it.scopedLive("Google's retryDelay and Codex's resets_in_seconds set the cooldown; without a hint it is 1 s", () =>
    Effect.gen(function*() {
      const gemini = yield* Gemini.make()
      const codex = yield* Codex.make()
      const plain = yield* Claude.make()
      const s = yield* startServer([
        "gemini-api-key:",
        `  - {api-key: g-1, base-url: "${gemini.url}"}`,
        "codex-api-key:",
        `  - {api-key: x-1, base-url: "${codex.url}"}`,
        "claude-api-key:",
        `  - {api-key: sk-a, base-url: "${plain.url}"}`
      ].join("\n"))
      const retryInfo = { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "37s" }
      yield* gemini.enqueue({ status: 429, body: Gemini.errorBody(429, "Quota exceeded for metric", [retryInfo]) })
      expect(yield* coolingAfter(gemini, generate(s, "gemini-2.5-pro"))).toBe(37)
      const usageLimit: Reply = {
        status: 429,
        body: JSON.stringify({ error: { type: "usage_limit_reached", message: "The usage limit has been reached", resets_in_seconds: 1234 } })
      }
      yield* codex.enqueue(usageLimit)
      expect(yield* coolingAfter(codex, chat(s, "gpt-5"))).toBe(1234)
      yield* plain.enqueue(Claude.errorReply(429))
      expect(yield* coolingAfter(plain, chat(s, sonnet))).toBe(1)
    }))

  it.scopedLive("disable-cooling: true sends the next request to the same credential again", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.make()
      const s = yield* startServer(["disable-cooling: true", "claude-api-key:", `  - {api-key: sk-a, base-url: "${fake.url}"}`].join("\n"))
      yield* fake.enqueue(Claude.errorReply(429, { retryAfter: 600 }))
      expect((yield* chat(s, sonnet)).status).toBe(429)
      expect((yield* chat(s, sonnet)).status).toBe(200)
      expect((yield* posts(fake)).length).toBe(2)
    }))

  it.scopedLive("every credential cooling: 429 with Retry-After, model_cooldown for OpenAI clients, the same status in Claude and Gemini shapes", () =>
    Effect.gen(function*() {
      const a = yield* Claude.make()
      const b = yield* Claude.make()
      const s = yield* startServer(["claude-api-key:", `  - {api-key: sk-a, base-url: "${a.url}"}`, `  - {api-key: sk-b, base-url: "${b.url}"}`].join("\n"))
      yield* a.enqueue(Claude.errorReply(429, { retryAfter: 90 }))
      yield* b.enqueue(Claude.errorReply(429, { retryAfter: 125 }))
      expect((yield* chat(s, sonnet)).status).toBe(429) // both tried, the last upstream 429 comes back
      const r = yield* chat(s, sonnet)
      expect(r.status).toBe(429)
      expect(r.headers.get("content-type")).toContain("application/json")
      expect(retryAfter(r)).toBe(90)
      expect(r.json()).toMatchObject({
        error: {
          code: "model_cooldown",
          message: `All credentials for model ${sonnet} are cooling down via provider claude`,
          model: sonnet,
          provider: "claude",
          reset_seconds: 90,
          reset_time: "1m30s"
        }
      })
      const responses = yield* http(`${s.url}/v1/responses`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: sonnet, input: "hi" })
      })
      expect(responses.status).toBe(429)
      expect(errorOf(responses.json())).toMatchObject({ code: "model_cooldown", reset_seconds: 90 })
      const m = yield* messages(s, sonnet)
      expect(m.status).toBe(429)
      expect(retryAfter(m)).toBe(90)
      expect(m.json()).toMatchObject({ type: "error", error: { type: "rate_limit_error" } })
      expect(errorOf(m.json()).message).toContain("cooling down")
      const g = yield* generate(s, sonnet)
      expect(g.status).toBe(429)
      expect(retryAfter(g)).toBe(90)
      expect(g.json()).toMatchObject({ error: { code: 429, status: "RESOURCE_EXHAUSTED" } })
      expect((yield* posts(a)).length + (yield* posts(b)).length).toBe(2)
    }))
})
