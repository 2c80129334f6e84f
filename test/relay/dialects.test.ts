/**
 * Every client dialect through an AI Studio tab (spec/03 C.5, C.8), with the official
 * SDKs: non-stream answers come back as one `http_response`, streams as `stream_start` /
 * `stream_chunk` / `stream_end`; the tab sees a Gemini request for Google's URL.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import Anthropic from "@anthropic-ai/sdk"
import { describe, expect, it } from "@effect/vitest"
import { GoogleGenAI } from "@google/genai"
import { Effect } from "effect"
import OpenAI from "openai"
import * as Script from "../fakes/script.js"
import { eventuallyEffect, type TestServer } from "../support/server.js"
import { connected } from "./helpers.js"

const MODEL = "gemini-2.5-pro"
const GOOGLE = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro"
const reply: Script.Reply = { parts: [Script.text(["Hi ", "from ", "the tab."])], usage: { inputTokens: 9, outputTokens: 4 } }
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

type Drive = (s: TestServer) => (stream: boolean) => Promise<string>

const drivers: Record<string, Drive> = {
  "OpenAI chat": (s) => async (stream) => {
    const client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: "k", maxRetries: 0 })
    const messages = [{ role: "user" as const, content: "hi" }]
    if (!stream) return (await client.chat.completions.create({ model: MODEL, messages })).choices[0]?.message.content ?? ""
    let text = ""
    for await (const c of await client.chat.completions.create({ model: MODEL, messages, stream: true })) text += c.choices[0]?.delta.content ?? ""
    return text
  },
  "OpenAI Responses": (s) => async (stream) => {
    const client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: "k", maxRetries: 0 })
    if (!stream) return (await client.responses.create({ model: MODEL, input: "hi" })).output_text
    let text = ""
    for await (const e of await client.responses.create({ model: MODEL, input: "hi", stream: true })) if (e.type === "response.output_text.delta") text += e.delta
    return text
  },
  "Claude messages": (s) => async (stream) => {
    const client = new Anthropic({ baseURL: s.url, apiKey: "k", maxRetries: 0 })
    const params = { model: MODEL, max_tokens: 100, messages: [{ role: "user" as const, content: "hi" }] }
    const m = stream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params)
    return m.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("")
  },
  Gemini: (s) => async (stream) => {
    const ai = new GoogleGenAI({ apiKey: "k", httpOptions: { baseUrl: s.url } })
    const params = { model: MODEL, contents: "hi" }
    if (!stream) return (await ai.models.generateContent(params)).text ?? ""
    let text = ""
    for await (const c of await ai.models.generateContentStream(params)) text += c.text ?? ""
    return text
  }
}

describe("AI Studio relay: every client dialect", () => {
  for (const [name, drive] of Object.entries(drivers)) {
    it.scopedLive(`${name}: non-stream and stream through a tab`, () =>
      Effect.gen(function*() {
        const { s, tab } = yield* connected()
        tab.enqueue({ reply }, { reply })
        expect(yield* Effect.promise(() => drive(s)(false))).toBe("Hi from the tab.")
        const whole = yield* tab.request(0)
        expect(whole.id).toMatch(uuid)
        expect(whole.method).toBe("POST")
        expect(whole.url).toBe(`${GOOGLE}:generateContent`)
        expect(whole.headers).toEqual({ "content-type": ["application/json"] })
        expect(whole.json).toMatchObject({ contents: [{ role: "user", parts: [{ text: "hi" }] }] })
        expect(Date.parse(whole.sentAt)).not.toBeNaN()
        expect(tab.frames.filter((f) => f.type === "http_request")).toHaveLength(1)

        expect(yield* Effect.promise(() => drive(s)(true))).toBe("Hi from the tab.")
        const streamed = yield* tab.request(1)
        expect(streamed.url).toBe(`${GOOGLE}:streamGenerateContent?alt=sse`)
        expect(streamed.id).not.toBe(whole.id)
      }))
  }

  it.scopedLive("a non-stream call answered as a stream is gathered into one answer; countTokens goes through the tab", () =>
    Effect.gen(function*() {
      const { s, tab } = yield* connected()
      tab.enqueue({ reply, as: "stream" })
      expect(yield* Effect.promise(() => drivers["OpenAI chat"]!(s)(false))).toBe("Hi from the tab.")

      tab.enqueue({ frames: [{ type: "http_response", payload: { status: 200, body: JSON.stringify({ totalTokens: 42 }) } }] })
      const client = new Anthropic({ baseURL: s.url, apiKey: "k", maxRetries: 0 })
      const count = yield* Effect.promise(() =>
        client.messages.countTokens({ model: MODEL, messages: [{ role: "user", content: "hi" }], tools: [{ name: "t", input_schema: { type: "object" } }] })
      )
      expect(count.input_tokens).toBe(42)
      const counted = yield* tab.request(1)
      expect(counted.url).toBe(`${GOOGLE}:countTokens`)
      expect(counted.json).toHaveProperty("contents")
      expect(counted.json).not.toHaveProperty("tools")
      expect(counted.json).not.toHaveProperty("generationConfig")
    }))

  it.scopedLive("with request-log on, a relayed stream reaches the client whole and is logged with Google's URL", () =>
    Effect.gen(function*() {
      const { s } = yield* connected("request-log: true")
      expect(yield* Effect.promise(() => drivers["OpenAI chat"]!(s)(true))).toContain("Hello from the fake upstream")
      const dir = path.join(path.dirname(s.configFile), "logs")
      const text = yield* Effect.map(
        eventuallyEffect(Effect.sync(() => fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.startsWith("v1-"))), "a request log"),
        () => fs.readdirSync(dir).filter((f) => f.startsWith("v1-")).map((f) => fs.readFileSync(path.join(dir, f), "utf8")).join("")
      )
      expect(text).toContain(`${GOOGLE}:streamGenerateContent?alt=sse`)
      expect(text).toContain("provider=aistudio")
    }))
})
