import Anthropic from "@anthropic-ai/sdk"
import { GoogleGenAI } from "@google/genai"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import OpenAI from "openai"
import * as Claude from "../fakes/claude.js"
import * as Compat from "../fakes/openai-chat.js"
import * as Script from "../fakes/script.js"
import * as Sse from "../fakes/sse.js"
import { http, startServer } from "../support/server.js"
import { chat, inPoolOrder, posts } from "./helpers.js"

const sonnet = "claude-sonnet-4-5-20250929"
const words = ["one", " two", " three", " four", " five", " six", " seven", " eight"]
// enough events go out before the reset that the client has some text, and not the end
const broken: Script.Reply = { parts: [Script.text(words)], reset: { afterEvents: 5 } }

const post = (url: string, body: unknown) =>
  http(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const claudeAndCompat = (claude: { readonly url: string }, compat: { readonly url: string }) =>
  [
    "claude-api-key:",
    `  - {api-key: sk-a, base-url: "${claude.url}"}`,
    "openai-compatibility:",
    "  - name: router",
    `    base-url: ${compat.url}/v1`,
    "    api-key-entries: [{api-key: c-1}]",
    "    models: [{name: up, alias: m}]"
  ].join("\n")

describe("upstream failure mid-stream", () => {
  it.scopedLive("raw SSE: the events so far, then the dialect's error event, no [DONE]; not failed over; the server keeps serving", () =>
    Effect.gen(function*() {
      const a = yield* Claude.make()
      const b = yield* Claude.make()
      const s = yield* startServer(["claude-api-key:", `  - {api-key: sk-a, base-url: "${a.url}"}`, `  - {api-key: sk-b, base-url: "${b.url}"}`].join("\n"))
      const [first, second] = inPoolOrder(s, [a, b])
      // OpenAI chat client on a Claude upstream (translated)
      yield* first!.enqueue(broken)
      const r = yield* post(`${s.url}/v1/chat/completions`, { model: sonnet, stream: true, messages: [{ role: "user", content: "hi" }] })
      expect(r.status).toBe(200)
      const events = Sse.dataOf(Sse.parse(r.text))
      expect(events).not.toContain("[DONE]")
      const text = events.map((e) => (e as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]?.delta?.content ?? "").join("")
      expect(text.length).toBeGreaterThan(0)
      expect(events.at(-1)).toMatchObject({ error: { code: 502 } })
      expect((events.at(-1) as { error: { message: string } }).error.message).toContain("broke off")
      expect(yield* posts(second!)).toEqual([])
      // Claude client on the Claude upstream (passthrough): the upstream bytes, then an error event
      yield* first!.enqueue(broken)
      yield* second!.enqueue(broken)
      const m = yield* post(`${s.url}/v1/messages`, { model: sonnet, stream: true, max_tokens: 50, messages: [{ role: "user", content: "hi" }] })
      const claudeEvents = Sse.parse(m.text)
      expect(claudeEvents.map((e) => e.event)).toContain("content_block_delta")
      expect(claudeEvents.at(-1)?.event).toBe("error")
      expect(JSON.parse(claudeEvents.at(-1)!.data)).toMatchObject({ type: "error", error: { type: "api_error" } })
      expect(claudeEvents.map((e) => e.event)).not.toContain("message_stop")
      const brokenAttempts = (yield* posts(a)).length + (yield* posts(b)).length
      expect(brokenAttempts).toBe(2)
      // the server keeps serving: the same credentials answer the next calls in full
      yield* a.clear
      yield* b.clear
      expect((yield* chat(s, sonnet)).status).toBe(200)
      const after = yield* post(`${s.url}/v1/chat/completions`, { model: sonnet, stream: true, messages: [{ role: "user", content: "hi" }] })
      expect(Sse.parse(after.text).at(-1)?.data).toBe("[DONE]")
    }))

  it.scopedLive("Responses and Gemini clients get their own error event after the events so far", () =>
    Effect.gen(function*() {
      const claude = yield* Claude.make()
      const compat = yield* Compat.make()
      const s = yield* startServer(claudeAndCompat(claude, compat))
      yield* claude.enqueue(broken)
      const r = yield* post(`${s.url}/v1/responses`, { model: sonnet, stream: true, input: "hi" })
      const events = Sse.parse(r.text)
      expect(events.map((e) => e.event)).toContain("response.output_text.delta")
      expect(events.map((e) => e.event)).not.toContain("response.completed")
      const last = events.at(-1)!
      expect(["error", "response.failed"]).toContain(last.event)
      yield* compat.enqueue(broken)
      const g = yield* post(`${s.url}/v1beta/models/m:streamGenerateContent?alt=sse`, { contents: [{ role: "user", parts: [{ text: "hi" }] }] })
      const chunks = Sse.dataOf(Sse.parse(g.text))
      expect(chunks.length).toBeGreaterThan(1)
      expect(chunks[0]).toHaveProperty("candidates")
      expect(chunks.at(-1)).toMatchObject({ error: { code: 502 } })
    }))

  it.scopedLive("through the SDKs: the text so far arrives, then the stream throws", () =>
    Effect.gen(function*() {
      const claude = yield* Claude.make()
      const compat = yield* Compat.make()
      const s = yield* startServer(claudeAndCompat(claude, compat))
      const sdkRun = (iterate: () => AsyncIterable<string>) =>
        Effect.promise(async () => {
          let text = ""
          try {
            for await (const piece of iterate()) text += piece
            return { text, error: undefined }
          } catch (error) {
            return { text, error: String(error) }
          }
        })
      const openai = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: "x", maxRetries: 0 })
      yield* compat.enqueue(broken)
      const o = yield* sdkRun(async function*() {
        const stream = await openai.chat.completions.create({ model: "m", stream: true, messages: [{ role: "user", content: "hi" }] })
        for await (const c of stream) yield c.choices[0]?.delta.content ?? ""
      })
      expect(o.text.startsWith("one")).toBe(true)
      expect(o.text).not.toContain("eight")
      expect(o.error).toContain("broke off")
      const anthropic = new Anthropic({ baseURL: s.url, apiKey: "x", maxRetries: 0 })
      yield* claude.enqueue(broken)
      const c = yield* sdkRun(async function*() {
        const stream = await anthropic.messages.create({ model: sonnet, max_tokens: 50, stream: true, messages: [{ role: "user", content: "hi" }] })
        for await (const e of stream) if (e.type === "content_block_delta" && e.delta.type === "text_delta") yield e.delta.text
      })
      expect(c.text.startsWith("one")).toBe(true)
      expect(c.error).toContain("broke off")
      const genai = new GoogleGenAI({ apiKey: "x", httpOptions: { baseUrl: s.url } })
      yield* compat.enqueue(broken)
      const g = yield* sdkRun(async function*() {
        const stream = await genai.models.generateContentStream({ model: "m", contents: "hi" })
        for await (const chunk of stream) yield chunk.text ?? ""
      })
      expect(g.text.startsWith("one")).toBe(true)
      expect(g.error).toBeDefined()
    }))

  it.scopedLive("a connection reset before any byte fails over to the next credential", () =>
    Effect.gen(function*() {
      const a = yield* Claude.make()
      const b = yield* Claude.make()
      const s = yield* startServer(["claude-api-key:", `  - {api-key: sk-a, base-url: "${a.url}"}`, `  - {api-key: sk-b, base-url: "${b.url}"}`].join("\n"))
      const [first, second] = inPoolOrder(s, [a, b])
      yield* first!.enqueue({ reset: "before-headers" })
      const r = yield* post(`${s.url}/v1/chat/completions`, { model: sonnet, stream: true, messages: [{ role: "user", content: "hi" }] })
      expect(Sse.parse(r.text).at(-1)?.data).toBe("[DONE]")
      expect((yield* posts(second!)).length).toBe(1)
    }))
})
