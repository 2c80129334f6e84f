import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Claude from "../fakes/claude.js"
import * as Codex from "../fakes/codex.js"
import * as Gemini from "../fakes/gemini.js"
import * as Compat from "../fakes/openai-chat.js"
import { http, startServer, type TestServer } from "../support/server.js"
import { posts } from "./helpers.js"

const post = (url: string, body: unknown) =>
  http(url, { method: "POST", headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" }, body: JSON.stringify(body) })

// The two count endpoints, with the same text; each answers the count in its own field.
const claudeCount = (s: TestServer, model: string, text: string) =>
  Effect.map(post(`${s.url}/v1/messages/count_tokens`, { model, system: "Be brief.", messages: [{ role: "user", content: text }] }), (r) => {
    expect(r.status, r.text).toBe(200)
    return (r.json() as { input_tokens: number }).input_tokens
  })
const geminiCount = (s: TestServer, model: string, text: string) =>
  Effect.map(post(`${s.url}/v1beta/models/${model}:countTokens`, { contents: [{ role: "user", parts: [{ text }] }] }), (r) => {
    expect(r.status, r.text).toBe(200)
    return (r.json() as { totalTokens: number }).totalTokens
  })

const short = "How many tokens is this?"
const long = `${short} ${"The quick brown fox jumps over the lazy dog. ".repeat(40)}`

describe("count tokens", () => {
  it.scopedLive("Claude and Gemini upstreams are asked, in their own dialect, from both count endpoints", () =>
    Effect.gen(function*() {
      const claude = yield* Claude.make()
      const gemini = yield* Gemini.make()
      const s = yield* startServer([
        "claude-api-key:",
        `  - {api-key: sk-a, base-url: "${claude.url}"}`,
        "gemini-api-key:",
        `  - {api-key: g-1, base-url: "${gemini.url}"}`
      ].join("\n"))
      const sonnet = "claude-sonnet-4-5-20250929"
      yield* claude.enqueue({ usage: { inputTokens: 4242 } }, { usage: { inputTokens: 4343 } })
      expect(yield* claudeCount(s, sonnet, short)).toBe(4242)
      expect(yield* geminiCount(s, sonnet, short)).toBe(4343)
      const claudeSeen = yield* posts(claude)
      expect(claudeSeen.map((r) => r.path)).toEqual(["/v1/messages/count_tokens", "/v1/messages/count_tokens"])
      expect(claudeSeen[0]?.json).toMatchObject({ model: sonnet, messages: [{ role: "user", content: short }] })
      expect(claudeSeen[1]?.json).toMatchObject({ model: sonnet, messages: [{ role: "user" }] })
      expect(claudeSeen[1]?.body).toContain(short)
      for (const r of claudeSeen) expect(r.json).not.toHaveProperty("max_tokens")

      yield* gemini.enqueue({ usage: { inputTokens: 77 } }, { usage: { inputTokens: 78 } })
      expect(yield* geminiCount(s, "gemini-2.5-pro", short)).toBe(77)
      expect(yield* claudeCount(s, "gemini-2.5-pro", short)).toBe(78)
      const geminiSeen = yield* posts(gemini)
      expect(geminiSeen.map((r) => r.path)).toEqual(["/v1beta/models/gemini-2.5-pro:countTokens", "/v1beta/models/gemini-2.5-pro:countTokens"])
      for (const r of geminiSeen) {
        expect(r.headers["x-goog-api-key"]).toBe("g-1")
        expect(r.body).toContain(short)
        expect(JSON.stringify(r.json)).toContain("contents")
      }
    }))

  it.scopedLive("Codex and OpenAI-compatible upstreams are counted locally: positive, growing with the input, nothing sent", () =>
    Effect.gen(function*() {
      const codex = yield* Codex.make()
      const compat = yield* Compat.make()
      const s = yield* startServer([
        "codex-api-key:",
        `  - {api-key: x-1, base-url: "${codex.url}"}`,
        "openai-compatibility:",
        "  - name: router",
        `    base-url: ${compat.url}/v1`,
        "    api-key-entries: [{api-key: c-1}]",
        "    models: [{name: up, alias: m}]"
      ].join("\n"))
      for (const model of ["gpt-5", "m"]) {
        for (const count of [claudeCount, geminiCount]) {
          const small = yield* count(s, model, short)
          const big = yield* count(s, model, long)
          expect(small).toBeGreaterThan(3)
          expect(small).toBeLessThan(30)
          // 40 repetitions of a 10-token sentence
          expect(big - small).toBeGreaterThan(300)
          expect(big - small).toBeLessThan(600)
        }
      }
      expect(yield* posts(codex)).toEqual([])
      expect(yield* posts(compat)).toEqual([])
    }))

  it.scopedLive("an unknown model is a 400 naming it, from both count endpoints", () =>
    Effect.gen(function*() {
      const claude = yield* Claude.make()
      const s = yield* startServer(["claude-api-key:", `  - {api-key: sk-a, base-url: "${claude.url}"}`].join("\n"))
      const a = yield* post(`${s.url}/v1/messages/count_tokens`, { model: "no-such-model", messages: [{ role: "user", content: "x" }] })
      expect(a.status).toBe(400)
      expect(a.text).toContain("no-such-model")
      const b = yield* post(`${s.url}/v1beta/models/no-such-model:countTokens`, { contents: [{ role: "user", parts: [{ text: "x" }] }] })
      expect(b.status).toBe(400)
      expect(b.text).toContain("no-such-model")
    }))
})
