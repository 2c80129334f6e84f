import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import * as Client from "./client.js"
import { OpenAiChatFake } from "./openai-chat.js"
import * as OpenAiChat from "./openai-chat.js"
import * as Script from "./script.js"
import * as Sse from "./sse.js"

const withFake = <A, E>(self: Effect.Effect<A, E, OpenAiChatFake>, options: OpenAiChat.Options = {}) =>
  Effect.provide(self, OpenAiChat.layer(options))

const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: "gpt-test",
  messages: [{ role: "user", content: "hi" }],
  ...extra
})

type Chunk = {
  readonly object?: string
  readonly choices: ReadonlyArray<{ readonly delta: Record<string, unknown>; readonly finish_reason: string | null }>
  readonly usage?: unknown
}

const chunks = (events: ReadonlyArray<Sse.SseEvent>) => Sse.dataOf(events) as ReadonlyArray<Chunk | string>

describe("OpenAI-compatible chat fake", () => {
  it.scoped("answers a default non-stream chat.completion mentioning the model", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* OpenAiChatFake
        const res = yield* Client.postJson(`${fake.url}/v1/chat/completions`, chatBody())
        expect(res.status).toBe(200)
        expect(res.headers.get("content-type")).toBe("application/json")
        const body = yield* Client.json(res)
        expect(body).toMatchObject({
          object: "chat.completion",
          model: "gpt-test",
          choices: [{ index: 0, message: { role: "assistant" }, finish_reason: "stop", logprobs: null }]
        })
        expect(Client.at(body, "id")).toMatch(/^chatcmpl-/)
        expect(Client.at(body, "choices", 0, "message", "content")).toContain("gpt-test")
        const usage = (key: string) => Client.at(body, "usage", key) as number
        expect(usage("total_tokens")).toBe(usage("prompt_tokens") + usage("completion_tokens"))
        expect(Client.at(body, "usage", "prompt_tokens_details", "cached_tokens")).toBe(0)
      })
    ))

  it.scoped("streams chunks: role first, content deltas, finish chunk, [DONE], no usage by default", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* OpenAiChatFake
        yield* fake.enqueue({ parts: [Script.text(["Hel", "lo"])] })
        const res = yield* Client.postJson(`${fake.url}/chat/completions`, chatBody({ stream: true }))
        expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8")
        const data = chunks(yield* Client.events(res))
        expect(data.map((c) => (typeof c === "string" ? c : c.choices[0]?.delta))).toEqual([
          { role: "assistant", content: "", refusal: null },
          { content: "Hel" },
          { content: "lo" },
          {},
          "[DONE]"
        ])
        expect(data.slice(0, 4).map((c) => typeof c !== "string" && c.choices[0]?.finish_reason)).toEqual([null, null, null, "stop"])
        expect(data.slice(0, 4).every((c) => typeof c !== "string" && c.object === "chat.completion.chunk" && !("usage" in c))).toBe(true)
      })
    ))

  it.scoped("with stream_options.include_usage, a choices:[] usage chunk precedes [DONE]", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* OpenAiChatFake
        yield* fake.enqueue({ usage: { inputTokens: 10, outputTokens: 4, cachedInputTokens: 2 } })
        const res = yield* Client.postJson(`${fake.url}/chat/completions`, chatBody({ stream: true, stream_options: { include_usage: true } }))
        const data = chunks(yield* Client.events(res))
        expect(data[data.length - 1]).toBe("[DONE]")
        const usageChunk = data[data.length - 2] as Chunk
        expect(usageChunk.choices).toEqual([])
        expect(usageChunk.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 4, total_tokens: 14, prompt_tokens_details: { cached_tokens: 2 } })
        expect(data.slice(0, -2).every((c) => typeof c !== "string" && c.usage === null)).toBe(true)
      })
    ))

  it.scoped("renders scripted tool calls, streamed by index and in the non-stream message", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* OpenAiChatFake
        const call = Script.toolCall("get_weather", { city: "Paris" }, { id: "call_1" })
        yield* fake.enqueue({ parts: [call] }, { parts: [Script.text("ok"), call] })
        const data = chunks(yield* Effect.flatMap(Client.postJson(`${fake.url}/chat/completions`, chatBody({ stream: true })), Client.events))
        const deltas = data.flatMap((c) => (typeof c === "string" ? [] : [c.choices[0]?.delta ?? {}]))
        expect(deltas[0]).toMatchObject({ role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "get_weather", arguments: "" } }] })
        const args = deltas.map((d) => Client.at(d, "tool_calls", 0, "function", "arguments") ?? "").join("")
        expect(JSON.parse(args)).toEqual({ city: "Paris" })
        expect(deltas.slice(1).filter((d) => "tool_calls" in d).length).toBeGreaterThan(1)
        expect((data[data.length - 2] as Chunk).choices[0]?.finish_reason).toBe("tool_calls")

        const body = yield* Effect.flatMap(Client.postJson(`${fake.url}/chat/completions`, chatBody()), Client.json)
        expect(Client.at(body, "choices", 0, "finish_reason")).toBe("tool_calls")
        expect(Client.at(body, "choices", 0, "message")).toMatchObject({
          content: "ok",
          tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }]
        })
      })
    ))

  it.scoped("renders scripted reasoning as reasoning_content, streamed before the content and in the message", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* OpenAiChatFake
        const reply: Script.Reply = { parts: [Script.reasoning("think"), Script.text("done")], finishReason: "length" }
        yield* fake.enqueue(reply, reply)
        const data = chunks(yield* Effect.flatMap(Client.postJson(`${fake.url}/chat/completions`, chatBody({ stream: true })), Client.events))
        expect(data.map((c) => (typeof c === "string" ? c : c.choices[0]?.delta))).toEqual([
          { role: "assistant", content: "", refusal: null },
          { reasoning_content: "think" },
          { content: "done" },
          {},
          "[DONE]"
        ])
        expect((data[3] as Chunk).choices[0]?.finish_reason).toBe("length")
        const body = yield* Effect.flatMap(Client.postJson(`${fake.url}/chat/completions`, chatBody()), Client.json)
        expect(Client.at(body, "choices", 0)).toMatchObject({ message: { content: "done", reasoning_content: "think" }, finish_reason: "length" })
      })
    ))

  it.scoped("scripted error: status, OpenAI error body and Retry-After, then back to defaults", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* OpenAiChatFake
        yield* fake.enqueue(OpenAiChat.errorReply(429, { retryAfter: 2 }), { status: 500 })
        const first = yield* Client.postJson(`${fake.url}/chat/completions`, chatBody())
        expect(first.status).toBe(429)
        expect(first.headers.get("retry-after")).toBe("2")
        expect(yield* Client.json(first)).toEqual({
          error: { message: expect.any(String), type: "requests", param: null, code: "rate_limit_exceeded" }
        })
        const second = yield* Client.postJson(`${fake.url}/chat/completions`, chatBody())
        expect(second.status).toBe(500)
        expect(yield* Client.json(second)).toMatchObject({ error: { type: "server_error" } })
        const third = yield* Client.postJson(`${fake.url}/chat/completions`, chatBody())
        expect(third.status).toBe(200)
        expect(yield* fake.pending).toBe(0)
      })
    ))

  it.scoped("byte-at-a-time and one-write chunking yield the same events", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* OpenAiChatFake
        const reply = { id: "chatcmpl-same", parts: [Script.text("one two three")] } as const
        yield* fake.enqueue(reply, { ...reply, chunking: 1 }, { ...reply, chunking: "whole" })
        const read = Effect.flatMap(Client.postJson(`${fake.url}/chat/completions`, chatBody({ stream: true })), Client.text)
        const normal = (s: string) => s.replace(/"created":\d+/g, "")
        const [a, b, c] = [yield* read, yield* read, yield* read]
        expect(normal(b)).toBe(normal(a))
        expect(normal(c)).toBe(normal(a))
        expect(Sse.parse(a).length).toBe(6)
      })
    ))

  it.scoped("a reset mid-stream breaks the client's body after the first events", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* OpenAiChatFake
        yield* fake.enqueue({ reset: { afterEvents: 2 } })
        const res = yield* Client.postJson(`${fake.url}/chat/completions`, chatBody({ stream: true }))
        expect(res.status).toBe(200)
        const error = yield* Effect.flip(Client.text(res))
        expect(error._tag).toBe("FetchFailed")
        expect((yield* fake.requests).length).toBe(1)
      })
    ))

  it.live("a stall keeps the request open until the client aborts; the scope still closes promptly", () =>
    Effect.gen(function*() {
      const controller = new AbortController()
      yield* withFake(
        Effect.gen(function*() {
          const fake = yield* OpenAiChatFake
          yield* fake.enqueue({ stall: { afterEvents: 1 } })
          const res = yield* Client.postJson(`${fake.url}/chat/completions`, chatBody({ stream: true }), { signal: controller.signal })
          const head = yield* Client.readUntil(res, (s) => s.includes("\n\n"))
          expect(Sse.parse(head)).toHaveLength(1)
          const recorded = yield* fake.request(0)
          expect(recorded.json).toMatchObject({ stream: true })
          controller.abort()
          expect((yield* Effect.flip(Client.text(res)))._tag).toBe("FetchFailed")
        }).pipe(Effect.scoped)
      ).pipe(Effect.timeout("2 seconds"))
    }))

  it.live("closing the scope ends a stalled response the client still waits on", () =>
    Effect.gen(function*() {
      const pending = yield* withFake(
        Effect.gen(function*() {
          const fake = yield* OpenAiChatFake
          yield* fake.enqueue({ stall: "before-headers" }, { stall: { afterBytes: 0 } })
          const noHeaders = yield* Effect.forkDaemon(Client.postJson(`${fake.url}/chat/completions`, chatBody()))
          yield* fake.request(0)
          const res = yield* Client.postJson(`${fake.url}/chat/completions`, chatBody({ stream: true }))
          expect(res.status).toBe(200)
          return { noHeaders, res }
        })
      ).pipe(Effect.timeout("2 seconds"))
      // The server and its sockets are gone now: both waiting clients fail instead of hanging.
      expect((yield* Effect.flip(Fiber.join(pending.noHeaders)))._tag).toBe("FetchFailed")
      expect((yield* Effect.flip(Client.text(pending.res)))._tag).toBe("FetchFailed")
    }).pipe(Effect.timeout("2 seconds")))

  it.live("a scripted delay holds the headers back at least that long", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* OpenAiChatFake
        yield* fake.enqueue({ delayMs: 50, chunkDelayMs: 5 })
        const started = Date.now()
        const res = yield* Client.postJson(`${fake.url}/chat/completions`, chatBody({ stream: true }))
        expect(Date.now() - started).toBeGreaterThanOrEqual(45)
        expect(Sse.parse(yield* Client.text(res)).length).toBeGreaterThan(3)
      })
    ))

  it.scoped("records method, path, query, lower-cased headers and body; request(n) waits for arrival", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* OpenAiChatFake
        const waiting = yield* Effect.fork(fake.request(1))
        yield* Client.postJson(`${fake.url}/v1/chat/completions?trace=1`, chatBody(), { headers: { Authorization: "Bearer sk-x", "X-Custom": "A" } })
        yield* Client.postJson(`${fake.url}/chat/completions`, chatBody({ n: 2 }))
        const second = yield* Fiber.join(waiting)
        expect(second.json).toMatchObject({ n: 2 })
        const [first] = yield* fake.requests
        expect(first).toMatchObject({
          index: 0,
          method: "POST",
          path: "/v1/chat/completions",
          url: "/v1/chat/completions?trace=1",
          query: { trace: "1" },
          json: chatBody()
        })
        expect(first?.headers).toMatchObject({ authorization: "Bearer sk-x", "x-custom": "A", "content-type": "application/json" })
        expect(first?.body).toBe(JSON.stringify(chatBody()))
        expect(typeof first?.receivedAt).toBe("number")
      })
    ))

  it.scoped("serves GET /models and /v1/models, checks the key when configured, 404s unknown paths", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* OpenAiChatFake
        const auth = { authorization: "Bearer sk-good" }
        const models = yield* Effect.flatMap(Client.get(`${fake.url}/v1/models`, auth), Client.json)
        expect(models).toEqual({ object: "list", data: [{ id: "m-1", object: "model", created: expect.any(Number), owned_by: "system" }] })
        expect((yield* Client.get(`${fake.url}/models`, auth)).status).toBe(200)
        const denied = yield* Client.postJson(`${fake.url}/chat/completions`, chatBody(), { headers: { authorization: "Bearer sk-bad" } })
        expect(denied.status).toBe(401)
        expect(yield* Client.json(denied)).toMatchObject({ error: { code: "invalid_api_key" } })
        const missing = yield* Client.postJson(`${fake.url}/v1/embeddings`, {}, { headers: auth })
        expect(missing.status).toBe(404)
      }),
      { apiKey: "sk-good", models: ["m-1"] }
    ))
})
