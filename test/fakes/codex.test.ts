import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Client from "./client.js"
import { CodexFake } from "./codex.js"
import * as Codex from "./codex.js"
import * as Script from "./script.js"
import * as Sse from "./sse.js"

const withFake = <A, E>(self: Effect.Effect<A, E, CodexFake>, options: Codex.Options = {}) =>
  Effect.provide(self, Codex.layer(options))

const body = (extra: Record<string, unknown> = {}) => ({
  model: "gpt-5-codex",
  instructions: "You are Codex.",
  input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
  stream: true,
  store: false,
  include: ["reasoning.encrypted_content"],
  ...extra
})

const post = (url: string, extra: Record<string, unknown> = {}) => Client.postJson(`${url}/responses`, body(extra))

describe("Codex Responses fake", () => {
  it.scoped("streams the Responses event sequence for a default text answer", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* CodexFake
        yield* fake.enqueue({ parts: [Script.text(["Hi", "!"])], usage: { inputTokens: 10, outputTokens: 2, cachedInputTokens: 3 } })
        const res = yield* post(fake.url)
        expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8")
        const events = yield* Client.events(res)
        expect(events.map((e) => e.event)).toEqual([
          "response.created",
          "response.in_progress",
          "response.output_item.added",
          "response.content_part.added",
          "response.output_text.delta",
          "response.output_text.delta",
          "response.output_text.done",
          "response.content_part.done",
          "response.output_item.done",
          "response.completed"
        ])
        const data = Sse.dataOf(events)
        data.forEach((d, i) => {
          expect(Client.at(d, "type")).toBe(events[i]?.event)
          expect(Client.at(d, "sequence_number")).toBe(i)
        })
        expect(data[0]).toMatchObject({ response: { object: "response", status: "in_progress", model: "gpt-5-codex", instructions: "You are Codex.", output: [] } })
        expect(data[4]).toMatchObject({ output_index: 0, content_index: 0, delta: "Hi", item_id: expect.stringMatching(/^msg_/) })
        expect(data[6]).toMatchObject({ text: "Hi!" })
        expect(data[9]).toMatchObject({
          response: {
            status: "completed",
            output: [{ type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text: "Hi!" }] }],
            usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 3 }, output_tokens: 2, total_tokens: 12 }
          }
        })
      })
    ))

  it.scoped("renders scripted reasoning and function_call items with their own output indices", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* CodexFake
        yield* fake.enqueue({ parts: [Script.reasoning("Think"), Script.toolCall("shell", { cmd: ["ls"] }, { id: "call_9" })] })
        const data = Sse.dataOf(yield* Effect.flatMap(post(fake.url), Client.events))
        const types = data.map((d) => Client.at(d, "type"))
        expect(types).toEqual([
          "response.created",
          "response.in_progress",
          "response.output_item.added",
          "response.reasoning_summary_part.added",
          "response.reasoning_summary_text.delta",
          "response.reasoning_summary_text.done",
          "response.reasoning_summary_part.done",
          "response.output_item.done",
          "response.output_item.added",
          ...types.slice(9, -3).map(() => "response.function_call_arguments.delta"),
          "response.function_call_arguments.done",
          "response.output_item.done",
          "response.completed"
        ])
        expect(data[7]).toMatchObject({ output_index: 0, item: { type: "reasoning", encrypted_content: expect.any(String), summary: [{ type: "summary_text", text: "Think" }] } })
        expect(data[8]).toMatchObject({ output_index: 1, item: { type: "function_call", status: "in_progress", arguments: "", call_id: "call_9", name: "shell" } })
        const args = data.filter((d) => Client.at(d, "type") === "response.function_call_arguments.delta").map((d) => Client.at(d, "delta")).join("")
        expect(JSON.parse(args)).toEqual({ cmd: ["ls"] })
        expect(Client.at(data[data.length - 1], "response", "output", 1)).toMatchObject({ type: "function_call", status: "completed", arguments: '{"cmd":["ls"]}' })
      })
    ))

  it.scoped("a length finish ends with response.incomplete; end: -1 drops the terminal event", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* CodexFake
        yield* fake.enqueue({ finishReason: "length" }, { end: { afterEvents: -1 } })
        const data = Sse.dataOf(yield* Effect.flatMap(post(fake.url), Client.events))
        expect(data[data.length - 1]).toMatchObject({ type: "response.incomplete", response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } } })
        const cut = (yield* Effect.flatMap(post(fake.url), Client.events)).map((e) => e.event)
        expect(cut[cut.length - 1]).toBe("response.output_item.done")
      })
    ))

  it.scoped("rejects non-stream bodies like the ChatGPT backend without consuming the script", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* CodexFake
        yield* fake.enqueue({ status: 500 })
        const res = yield* post(fake.url, { stream: false })
        expect(res.status).toBe(400)
        expect(yield* Client.json(res)).toEqual({ detail: "Stream must be set to true" })
        expect(yield* fake.pending).toBe(1)
      })
    ))

  it.scoped("with requireStream false a non-stream body gets the response object as JSON", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* CodexFake
        const json = yield* Effect.flatMap(Client.postJson(`${fake.url}/v1/responses`, body({ stream: false })), Client.json)
        expect(json).toMatchObject({ object: "response", status: "completed", model: "gpt-5-codex", output: [{ type: "message" }], usage: { total_tokens: expect.any(Number) } })
      }),
      { requireStream: false }
    ))

  it.scoped("scripted errors carry the backend's error JSON and Retry-After; the token is checked", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* CodexFake
        const auth = { headers: { authorization: "Bearer at-good" } }
        yield* fake.enqueue(Codex.errorReply(429, { retryAfter: 30 }))
        const limited = yield* Client.postJson(`${fake.url}/backend-api/codex/responses`, body(), auth)
        expect(limited.status).toBe(429)
        expect(limited.headers.get("retry-after")).toBe("30")
        expect(yield* Client.json(limited)).toMatchObject({ error: { type: "usage_limit_reached" } })
        const denied = yield* post(fake.url)
        expect(denied.status).toBe(401)
        expect(yield* Client.json(denied)).toMatchObject({ detail: expect.any(String) })
      }),
      { token: "at-good" }
    ))

  it.scoped("byte-at-a-time chunking yields the same stream; a reset mid-stream breaks it", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* CodexFake
        const reply = { id: "resp_same", parts: [Script.text("x y")] }
        yield* fake.enqueue(reply, { ...reply, chunking: 1 }, { reset: { afterBytes: 100 } })
        const read = Effect.flatMap(post(fake.url), Client.text)
        const normal = (s: string) => s.replace(/"created_at":\d+/g, "").replace(/_fake[0-9a-z]+/g, "_id")
        expect(normal(yield* read)).toBe(normal(yield* read))
        expect((yield* Effect.flip(read))._tag).toBe("FetchFailed")
      })
    ))

  it.live("a stall after two events holds until the client aborts; the scope closes promptly", () =>
    Effect.gen(function*() {
      const controller = new AbortController()
      yield* withFake(
        Effect.gen(function*() {
          const fake = yield* CodexFake
          yield* fake.enqueue({ stall: { afterEvents: 2 }, chunkDelayMs: 1 })
          const res = yield* Client.postJson(`${fake.url}/responses`, body(), {
            headers: { originator: "codex_cli_rs", "chatgpt-account-id": "acc_1", Session_id: "s-1" },
            signal: controller.signal
          })
          const head = yield* Client.readUntil(res, (s) => Sse.parse(s).length >= 2 && s.endsWith("\n\n"))
          expect(Sse.parse(head).map((e) => e.event)).toEqual(["response.created", "response.in_progress"])
          const recorded = yield* fake.request(0)
          expect(recorded.headers).toMatchObject({ originator: "codex_cli_rs", "chatgpt-account-id": "acc_1", session_id: "s-1" })
          expect(recorded.json).toMatchObject({ stream: true, store: false })
          controller.abort()
          expect((yield* Effect.flip(Client.text(res)))._tag).toBe("FetchFailed")
        })
      ).pipe(Effect.timeout("2 seconds"))
    }))
})
