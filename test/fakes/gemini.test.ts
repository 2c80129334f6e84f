import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Client from "./client.js"
import { GeminiFake } from "./gemini.js"
import * as Gemini from "./gemini.js"
import * as Script from "./script.js"
import * as Sse from "./sse.js"

const withFake = <A, E>(self: Effect.Effect<A, E, GeminiFake>, options: Gemini.Options = {}) =>
  Effect.provide(self, Gemini.layer(options))

const body = { contents: [{ role: "user", parts: [{ text: "hi" }] }] }
const model = "gemini-test"
const url = (base: string, action: string, query = "") => `${base}/v1beta/models/${model}:${action}${query}`

describe("Gemini API fake", () => {
  it.scoped("answers a default pretty-printed GenerateContentResponse for the path's model", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* GeminiFake
        const res = yield* Client.postJson(url(fake.url, "generateContent"), body)
        expect(res.headers.get("content-type")).toBe("application/json; charset=UTF-8")
        const text = yield* Client.text(res)
        expect(text.startsWith('{\n  "candidates"')).toBe(true)
        const json: unknown = JSON.parse(text)
        expect(json).toMatchObject({
          candidates: [{ content: { role: "model", parts: [{ text: expect.stringContaining(model) }] }, finishReason: "STOP", index: 0 }],
          usageMetadata: { promptTokenCount: expect.any(Number), candidatesTokenCount: expect.any(Number), totalTokenCount: expect.any(Number) },
          modelVersion: model,
          responseId: expect.any(String)
        })
      })
    ))

  it.scoped("streams CRLF-framed SSE chunks with alt=sse; the last carries finishReason and the full usage", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* GeminiFake
        yield* fake.enqueue({ parts: [Script.text(["Hel", "lo"])], usage: { inputTokens: 5, outputTokens: 2 } })
        const res = yield* Client.postJson(url(fake.url, "streamGenerateContent", "?alt=sse"), body)
        expect(res.headers.get("content-type")).toBe("text/event-stream")
        const raw = yield* Client.text(res)
        expect(raw.split("\r\n\r\n").filter((s) => s !== "")).toHaveLength(2)
        const chunks = Sse.dataOf(Sse.parse(raw))
        expect(chunks[0]).toEqual({
          candidates: [{ content: { parts: [{ text: "Hel" }], role: "model" } }],
          usageMetadata: { promptTokenCount: 5, totalTokenCount: 5, promptTokensDetails: [{ modality: "TEXT", tokenCount: 5 }] },
          modelVersion: model,
          responseId: expect.any(String)
        })
        expect(chunks[1]).toMatchObject({
          candidates: [{ content: { parts: [{ text: "lo" }], role: "model" }, finishReason: "STOP" }],
          usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7 }
        })
      })
    ))

  it.scoped("without alt the stream is one JSON array of the same chunks", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* GeminiFake
        yield* fake.enqueue({ id: "r1" }, { id: "r1" })
        const sse = Sse.dataOf(yield* Effect.flatMap(Client.postJson(url(fake.url, "streamGenerateContent", "?alt=sse"), body), Client.events))
        const array = yield* Effect.flatMap(Client.postJson(url(fake.url, "streamGenerateContent"), body), Client.json)
        expect(array).toEqual(sse)
      })
    ))

  it.scoped("renders thoughts, signatures and whole functionCall parts; the finish comes in its own chunk", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* GeminiFake
        const reply: Script.Reply = {
          parts: [Script.reasoning("plan it", "sig-A"), Script.toolCall("list_files", { dir: "." })],
          usage: { inputTokens: 10, outputTokens: 9, reasoningTokens: 4 }
        }
        yield* fake.enqueue(reply, reply)
        const chunks = Sse.dataOf(yield* Effect.flatMap(Client.postJson(url(fake.url, "streamGenerateContent", "?alt=sse"), body), Client.events))
        expect(chunks.map((c) => Client.at(c, "candidates", 0, "content", "parts", 0))).toEqual([
          { text: "plan", thought: true },
          { text: " it", thought: true },
          { functionCall: { name: "list_files", args: { dir: "." } }, thoughtSignature: "sig-A" },
          { text: "" }
        ])
        expect(chunks.map((c) => Client.at(c, "candidates", 0, "finishReason"))).toEqual([undefined, undefined, undefined, "STOP"])
        expect(Client.at(chunks[3], "usageMetadata")).toMatchObject({ candidatesTokenCount: 5, thoughtsTokenCount: 4, totalTokenCount: 19 })

        const whole = yield* Effect.flatMap(Client.postJson(url(fake.url, "generateContent"), body), Client.json)
        expect(Client.at(whole, "candidates", 0, "content", "parts")).toEqual([
          { text: "plan it", thought: true },
          { functionCall: { name: "list_files", args: { dir: "." } }, thoughtSignature: "sig-A" }
        ])
      })
    ))

  it.scoped("scripted errors carry Google's error JSON and Retry-After", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* GeminiFake
        yield* fake.enqueue(Gemini.errorReply(429, { retryAfter: 7 }), { status: 503 })
        const limited = yield* Client.postJson(url(fake.url, "generateContent"), body)
        expect(limited.status).toBe(429)
        expect(limited.headers.get("retry-after")).toBe("7")
        expect(yield* Client.json(limited)).toEqual({ error: { code: 429, message: expect.any(String), status: "RESOURCE_EXHAUSTED" } })
        const unavailable = yield* Client.postJson(url(fake.url, "streamGenerateContent", "?alt=sse"), body)
        expect(unavailable.status).toBe(503)
        expect(yield* Client.json(unavailable)).toMatchObject({ error: { code: 503, status: "UNAVAILABLE" } })
      })
    ))

  it.scoped("byte-at-a-time chunking yields the same body; a reset after one event breaks it", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* GeminiFake
        yield* fake.enqueue({ id: "same" }, { id: "same", chunking: 1 }, { reset: { afterEvents: 1 } })
        const read = Effect.flatMap(Client.postJson(url(fake.url, "streamGenerateContent", "?alt=sse"), body), Client.text)
        expect(yield* read).toBe(yield* read)
        expect((yield* Effect.flip(read))._tag).toBe("FetchFailed")
      })
    ))

  it.live("a stall before the headers leaves fetch pending until it aborts; the scope closes promptly", () =>
    Effect.gen(function*() {
      const controller = new AbortController()
      yield* withFake(
        Effect.gen(function*() {
          const fake = yield* GeminiFake
          yield* fake.enqueue({ stall: "before-headers" })
          const pending = yield* Effect.fork(Client.postJson(url(fake.url, "generateContent"), body, { signal: controller.signal }))
          expect((yield* fake.request(0)).path).toBe(`/v1beta/models/${model}:generateContent`)
          controller.abort()
          const error = yield* Effect.flip(pending.await.pipe(Effect.flatten))
          expect(error._tag).toBe("FetchFailed")
        })
      ).pipe(Effect.timeout("2 seconds"))
    }))

  it.scoped("records key and query, serves countTokens and the model list, checks the API key", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* GeminiFake
        const key = { "x-goog-api-key": "AIza-good" }
        yield* fake.enqueue({ usage: { inputTokens: 42 } })
        const count = yield* Client.postJson(`${fake.url}/v1/models/${model}:countTokens`, body, { headers: key })
        expect(yield* Client.json(count)).toEqual({ totalTokens: 42, promptTokensDetails: [{ modality: "TEXT", tokenCount: 42 }] })
        expect((yield* Client.postJson(url(fake.url, "generateContent", "?key=AIza-good"), body)).status).toBe(200)
        const wrong = yield* Client.postJson(url(fake.url, "generateContent"), body, { headers: { "x-goog-api-key": "bad" } })
        expect(wrong.status).toBe(400)
        expect(yield* Client.json(wrong)).toMatchObject({ error: { status: "INVALID_ARGUMENT", details: [{ reason: "API_KEY_INVALID" }] } })
        expect((yield* Client.postJson(url(fake.url, "generateContent"), body)).status).toBe(403)
        const list = yield* Effect.flatMap(Client.get(`${fake.url}/v1beta/models`, key), Client.json)
        expect(Client.at(list, "models", 0, "name")).toBe("models/gemini-2.5-pro")
        const [first, second] = yield* fake.requests
        expect(first).toMatchObject({ path: `/v1/models/${model}:countTokens`, headers: key, json: body })
        expect(second?.query).toEqual({ key: "AIza-good" })
      }),
      { apiKey: "AIza-good" }
    ))
})
