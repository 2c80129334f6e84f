import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Client from "./client.js"
import { CodeAssistFake } from "./gemini-code-assist.js"
import * as CodeAssist from "./gemini-code-assist.js"
import * as Script from "./script.js"
import * as Sse from "./sse.js"

const withFake = <A, E>(self: Effect.Effect<A, E, CodeAssistFake>, options: CodeAssist.Options = {}) =>
  Effect.provide(self, CodeAssist.layer(options))

const envelope = (model = "gemini-2.5-pro") => ({
  model,
  project: "p1",
  request: { contents: [{ role: "user", parts: [{ text: "hi" }] }] }
})

describe("Gemini CLI Code Assist fake", () => {
  it.scoped("wraps a non-stream answer as {response, traceId} with the envelope's model", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* CodeAssistFake
        const res = yield* Client.postJson(`${fake.url}/v1internal:generateContent`, envelope())
        const json = yield* Client.json(res)
        expect(json).toMatchObject({
          response: {
            candidates: [{ content: { role: "model", parts: [{ text: expect.stringContaining("gemini-2.5-pro") }] }, finishReason: "STOP" }],
            usageMetadata: { totalTokenCount: expect.any(Number) },
            modelVersion: "gemini-2.5-pro",
            createTime: expect.any(String),
            responseId: expect.any(String)
          },
          traceId: expect.any(String)
        })
      })
    ))

  it.scoped("streams data: {response} events with alt=sse, finishReason on the last", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* CodeAssistFake
        yield* fake.enqueue({ parts: [Script.text(["a", "b", "c"])] })
        const res = yield* Client.postJson(`${fake.url}/v1internal:streamGenerateContent?alt=sse`, envelope())
        const events = Sse.dataOf(yield* Client.events(res))
        expect(events).toHaveLength(3)
        expect(events.map((e) => Client.at(e, "response", "candidates", 0, "content", "parts", 0, "text"))).toEqual(["a", "b", "c"])
        expect(events.map((e) => Client.at(e, "response", "candidates", 0, "finishReason"))).toEqual([undefined, undefined, "STOP"])
        expect(events.every((e) => typeof Client.at(e, "traceId") === "string")).toBe(true)
      })
    ))

  it.scoped("a forwarded $alt=json stream answers a JSON array of wrapped chunks", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* CodeAssistFake
        const res = yield* Client.postJson(`${fake.url}/v1internal:streamGenerateContent?$alt=json`, envelope())
        const array = yield* Client.json(res)
        expect(Array.isArray(array)).toBe(true)
        expect(Client.at(array, 0, "response", "modelVersion")).toBe("gemini-2.5-pro")
      })
    ))

  it.scoped("scripted 429 then success, recording each attempt's model (the preview fallback)", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* CodeAssistFake
        yield* fake.enqueue(CodeAssist.errorReply(429))
        const first = yield* Client.postJson(`${fake.url}/v1internal:generateContent`, envelope("gemini-2.5-pro"))
        expect(first.status).toBe(429)
        expect(yield* Client.json(first)).toMatchObject({ error: { code: 429, status: "RESOURCE_EXHAUSTED" } })
        const second = yield* Client.postJson(`${fake.url}/v1internal:generateContent`, envelope("gemini-2.5-pro-preview-05-06"))
        expect(second.status).toBe(200)
        expect((yield* fake.requests).map((r) => Client.at(r.json, "model"))).toEqual(["gemini-2.5-pro", "gemini-2.5-pro-preview-05-06"])
      })
    ))

  it.scoped("countTokens answers {totalTokens}", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* CodeAssistFake
        yield* fake.enqueue({ usage: { inputTokens: 42 } })
        const res = yield* Client.postJson(`${fake.url}/v1internal:countTokens`, { request: envelope().request })
        expect(yield* Client.json(res)).toEqual({ totalTokens: 42 })
      })
    ))

  it.scoped("a reset mid-stream breaks the body after the first event", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* CodeAssistFake
        yield* fake.enqueue({ reset: { afterEvents: 1 }, parts: [Script.text(["a", "b"])] })
        const res = yield* Client.postJson(`${fake.url}/v1internal:streamGenerateContent?alt=sse`, envelope())
        expect((yield* Effect.flip(Client.text(res)))._tag).toBe("FetchFailed")
      })
    ))

  it.scoped("loadCodeAssist and onboardUser follow the login flow without consuming the script", () =>
    withFake(
      Effect.gen(function*() {
        const fake = yield* CodeAssistFake
        const auth = { headers: { authorization: "Bearer ya29.good" } }
        yield* fake.enqueue({ status: 500 })
        const load = yield* Effect.flatMap(Client.postJson(`${fake.url}/v1internal:loadCodeAssist`, { metadata: {} }, auth), Client.json)
        expect(load).toMatchObject({ allowedTiers: [{ id: "free-tier", isDefault: true }], cloudaicompanionProject: "p9" })
        expect(Client.at(load, "currentTier")).toBeUndefined()
        const onboard = () => Effect.flatMap(Client.postJson(`${fake.url}/v1internal:onboardUser`, { tierId: "free-tier" }, auth), Client.json)
        expect(yield* onboard()).toMatchObject({ done: false })
        expect(yield* onboard()).toMatchObject({ done: false })
        expect(yield* onboard()).toMatchObject({ done: true, response: { cloudaicompanionProject: { id: "p9" } } })
        const polled = yield* Effect.flatMap(Client.get(`${fake.url}/v1internal/operations/fake-onboard-operation`, auth.headers), Client.json)
        expect(polled).toMatchObject({ done: true })
        expect((yield* Client.postJson(`${fake.url}/v1internal:listExperiments`, {}, auth)).status).toBe(404)
        expect((yield* Client.postJson(`${fake.url}/v1internal:loadCodeAssist`, {})).status).toBe(401)
        expect(yield* fake.pending).toBe(1)
      }),
      { accessToken: "ya29.good", project: "p9", onboarded: false, onboardPolls: 2 }
    ))
})
