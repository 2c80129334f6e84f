import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { ClaudeFake } from "./claude.js"
import * as Claude from "./claude.js"
import * as Client from "./client.js"
import * as Script from "./script.js"
import * as Sse from "./sse.js"

const withFake = <A, E>(self: Effect.Effect<A, E, ClaudeFake>, options: Claude.Options = {}) =>
  Effect.provide(self, Claude.layer(options))

const body = (extra: Record<string, unknown> = {}) => ({
  model: "claude-test",
  max_tokens: 1024,
  messages: [{ role: "user", content: "hi" }],
  ...extra
})

const messagesUrl = (url: string) => `${url}/v1/messages?beta=true`

describe("Claude Messages fake", () => {
  it.scoped("answers a default non-stream message mentioning the model", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* ClaudeFake
        const res = yield* Client.postJson(messagesUrl(fake.url), body())
        expect(res.status).toBe(200)
        expect(res.headers.get("request-id")).toMatch(/^req_/)
        const message = yield* Client.json(res)
        expect(message).toMatchObject({
          type: "message",
          role: "assistant",
          model: "claude-test",
          content: [{ type: "text", text: expect.stringContaining("claude-test") }],
          stop_reason: "end_turn",
          stop_sequence: null,
          usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number), cache_read_input_tokens: 0 }
        })
        expect(Client.at(message, "id")).toMatch(/^msg_01/)
      })
    ))

  it.scoped("streams the full event sequence with usage on message_start and message_delta", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* ClaudeFake
        yield* fake.enqueue({ parts: [Script.text(["Hi", " there"])], usage: { inputTokens: 12, outputTokens: 3, cachedInputTokens: 4 } })
        const res = yield* Client.postJson(messagesUrl(fake.url), body({ stream: true }))
        expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8")
        const events = yield* Client.events(res)
        expect(events.map((e) => e.event)).toEqual([
          "message_start",
          "content_block_start",
          "ping",
          "content_block_delta",
          "content_block_delta",
          "content_block_stop",
          "message_delta",
          "message_stop"
        ])
        const data = Sse.dataOf(events)
        data.forEach((d, i) => expect(Client.at(d, "type")).toBe(events[i]?.event))
        expect(data[0]).toMatchObject({
          message: { model: "claude-test", role: "assistant", content: [], stop_reason: null, usage: { input_tokens: 8, cache_read_input_tokens: 4, output_tokens: 1 } }
        })
        expect(data[1]).toEqual({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } })
        expect(data[3]).toEqual({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } })
        expect(data[5]).toEqual({ type: "content_block_stop", index: 0 })
        expect(data[6]).toEqual({
          type: "message_delta",
          delta: { stop_reason: "end_turn", stop_sequence: null },
          usage: { input_tokens: 8, cache_creation_input_tokens: 0, cache_read_input_tokens: 4, output_tokens: 3 }
        })
        expect(data[7]).toEqual({ type: "message_stop" })
      })
    ))

  it.scoped("renders scripted thinking and tool_use blocks, streamed and not", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* ClaudeFake
        const reply: Script.Reply = {
          parts: [Script.reasoning("Let me think", "sig-1"), Script.text("Checking."), Script.toolCall("Bash", { command: "ls" }, { id: "toolu_1" })]
        }
        yield* fake.enqueue(reply, reply)
        const data = Sse.dataOf(yield* Effect.flatMap(Client.postJson(messagesUrl(fake.url), body({ stream: true })), Client.events))
        const starts = data.filter((d) => Client.at(d, "type") === "content_block_start")
        expect(starts).toEqual([
          { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
          { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
          { type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "toolu_1", name: "Bash", input: {} } }
        ])
        const deltas = (i: number) => data.filter((d) => Client.at(d, "type") === "content_block_delta" && Client.at(d, "index") === i).map((d) => Client.at(d, "delta"))
        expect(deltas(0)).toEqual([
          { type: "thinking_delta", thinking: "Let" },
          { type: "thinking_delta", thinking: " me" },
          { type: "thinking_delta", thinking: " think" },
          { type: "signature_delta", signature: "sig-1" }
        ])
        const fragments = deltas(2).map((d) => Client.at(d, "partial_json"))
        expect(fragments[0]).toBe("")
        expect(JSON.parse(fragments.join(""))).toEqual({ command: "ls" })
        expect(data.find((d) => Client.at(d, "type") === "message_delta")).toMatchObject({ delta: { stop_reason: "tool_use" } })

        const message = yield* Effect.flatMap(Client.postJson(messagesUrl(fake.url), body()), Client.json)
        expect(message).toMatchObject({
          stop_reason: "tool_use",
          content: [
            { type: "thinking", thinking: "Let me think", signature: "sig-1" },
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "ls" } }
          ]
        })
      })
    ))

  it.scoped("scripted errors carry Anthropic's error JSON and Retry-After", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* ClaudeFake
        yield* fake.enqueue(Claude.errorReply(429, { retryAfter: 1 }), { status: 529 })
        const limited = yield* Client.postJson(messagesUrl(fake.url), body({ stream: true }))
        expect(limited.status).toBe(429)
        expect(limited.headers.get("retry-after")).toBe("1")
        expect(yield* Client.json(limited)).toMatchObject({ type: "error", error: { type: "rate_limit_error", message: expect.any(String) } })
        const overloaded = yield* Client.postJson(messagesUrl(fake.url), body())
        expect(overloaded.status).toBe(529)
        expect(yield* Client.json(overloaded)).toMatchObject({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } })
      })
    ))

  it.scoped("byte-at-a-time and uneven chunk sizes yield the same events", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* ClaudeFake
        const reply: Script.Reply = { id: "msg_same", parts: [Script.reasoning("hmm"), Script.text("a b c")] }
        yield* fake.enqueue(reply, { ...reply, chunking: 1 }, { ...reply, chunking: [3, 7, 1, 50] })
        const read = Effect.flatMap(Client.postJson(messagesUrl(fake.url), body({ stream: true })), Client.text)
        const [a, b, c] = [yield* read, yield* read, yield* read]
        expect(b).toBe(a)
        expect(c).toBe(a)
        expect(Sse.parse(a).map((e) => e.event)).toContain("message_stop")
      })
    ))

  it.scoped("gzip and brotli encoded bodies decode to the same events", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* ClaudeFake
        const reply: Script.Reply = { id: "msg_same", parts: [Script.text("zip me")] }
        yield* fake.enqueue(reply, { ...reply, encoding: "gzip", chunking: 5 }, { ...reply, encoding: "br" }, { ...Claude.errorReply(500), encoding: "gzip" })
        const read = Effect.flatMap(Client.postJson(messagesUrl(fake.url), body({ stream: true })), Client.text)
        const plain = yield* read
        const gzipped = yield* Client.postJson(messagesUrl(fake.url), body({ stream: true }))
        expect(gzipped.headers.get("content-encoding")).toBe("gzip")
        expect(yield* Client.text(gzipped)).toBe(plain)
        expect(yield* read).toBe(plain)
        const error = yield* Client.postJson(messagesUrl(fake.url), body())
        expect(error.status).toBe(500)
        expect(yield* Client.json(error)).toMatchObject({ type: "error", error: { type: "api_error" } })
      })
    ))

  it.scoped("a reset after three events breaks the body; a clean early end drops message_stop", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* ClaudeFake
        yield* fake.enqueue({ reset: { afterEvents: 3 } }, { end: { afterEvents: 3 } })
        const reset = yield* Client.postJson(messagesUrl(fake.url), body({ stream: true }))
        expect((yield* Effect.flip(Client.text(reset)))._tag).toBe("FetchFailed")
        const ended = yield* Client.postJson(messagesUrl(fake.url), body({ stream: true }))
        expect((yield* Client.events(ended)).map((e) => e.event)).toEqual(["message_start", "content_block_start", "ping"])
      })
    ))

  it.live("a stall after message_start holds until the client aborts; the scope closes promptly", () =>
    Effect.gen(function*() {
      const controller = new AbortController()
      yield* withFake(
        Effect.gen(function*() {
          const fake = yield* ClaudeFake
          yield* fake.enqueue({ stall: { afterEvents: 1 } })
          const res = yield* Client.postJson(messagesUrl(fake.url), body({ stream: true }), { signal: controller.signal })
          const head = yield* Client.readUntil(res, (s) => s.includes("\n\n"))
          expect(Sse.parse(head).map((e) => e.event)).toEqual(["message_start"])
          expect((yield* fake.request(0)).query).toEqual({ beta: "true" })
          controller.abort()
          expect((yield* Effect.flip(Client.text(res)))._tag).toBe("FetchFailed")
        })
      ).pipe(Effect.timeout("2 seconds"))
    }))

  it.scoped("records headers and query; serves count_tokens and models; checks the key when configured", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* ClaudeFake
        const auth = { authorization: "Bearer sk-ant-good", "anthropic-version": "2023-06-01", "Anthropic-Beta": "oauth-2025-04-20" }
        yield* fake.enqueue({ usage: { inputTokens: 42 } })
        const count = yield* Client.postJson(`${fake.url}/v1/messages/count_tokens?beta=true`, body(), { headers: auth })
        expect(yield* Client.json(count)).toEqual({ input_tokens: 42 })
        const byApiKey = yield* Client.postJson(messagesUrl(fake.url), body(), { headers: { "x-api-key": "sk-ant-good" } })
        expect(byApiKey.status).toBe(200)
        const denied = yield* Client.postJson(messagesUrl(fake.url), body(), { headers: { "x-api-key": "nope" } })
        expect(denied.status).toBe(401)
        expect(yield* Client.json(denied)).toMatchObject({ type: "error", error: { type: "authentication_error" } })
        const models = yield* Effect.flatMap(Client.get(`${fake.url}/v1/models`, auth), Client.json)
        expect(Client.at(models, "data", 0, "id")).toBe("claude-sonnet-4-5-20250929")
        const [first] = yield* fake.requests
        expect(first).toMatchObject({ method: "POST", path: "/v1/messages/count_tokens", query: { beta: "true" }, json: body() })
        expect(first?.headers).toMatchObject({ authorization: "Bearer sk-ant-good", "anthropic-version": "2023-06-01", "anthropic-beta": "oauth-2025-04-20" })
        expect((yield* fake.requests).length).toBe(4)
      }),
      { apiKey: "sk-ant-good" }
    ))
})
