import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Client from "./client.js"
import * as FakeServer from "./fake-server.js"
import * as OpenAiChat from "./openai-chat.js"
import * as Sse from "./sse.js"

const buffers = (...frames: ReadonlyArray<string>) => frames.map((f) => Buffer.from(f))
const strings = (writes: ReadonlyArray<Buffer>) => writes.map((w) => w.toString())

// A minimal upstream: POST /echo answers the request body's `say` field.
const echo: FakeServer.FakeSpec = {
  name: "echo",
  errorBody: (status, message) => JSON.stringify({ status, message: message ?? "err" }),
  route: (request) =>
    request.path === "/echo"
      ? (req) => FakeServer.json(200, { said: (req.json as { say?: unknown } | undefined)?.say ?? null })
      : FakeServer.json(404, "{}")
}

describe("fake-server machinery", () => {
  it("plans writes per event, whole, fixed sizes and repeating size lists, up to a limit", () => {
    const frames = buffers("aaa", "bb", "c")
    expect(strings(FakeServer.plan(frames, "events", 6))).toEqual(["aaa", "bb", "c"])
    expect(strings(FakeServer.plan(frames, "events", 4))).toEqual(["aaa", "b"])
    expect(strings(FakeServer.plan(frames, "whole", 6))).toEqual(["aaabbc"])
    expect(strings(FakeServer.plan(frames, 1, 6))).toEqual(["a", "a", "a", "b", "b", "c"])
    expect(strings(FakeServer.plan(frames, [4, 1], 6))).toEqual(["aaab", "b", "c"])
    expect(FakeServer.plan(frames, "whole", 0)).toEqual([])
  })

  it("picks the earliest cut; negative positions count from the end", () => {
    const frames = buffers("aaa", "bb", "c")
    expect(FakeServer.firstCut({ reset: { afterEvents: 2 }, stall: { afterBytes: 1 } }, frames, 6)).toEqual({ action: "stall", offset: 1 })
    expect(FakeServer.firstCut({ end: { afterEvents: -1 } }, frames, 6)).toEqual({ action: "end", offset: 5 })
    expect(FakeServer.firstCut({ reset: { afterBytes: -2 } }, frames, 6)).toEqual({ action: "reset", offset: 4 })
    expect(FakeServer.firstCut({ stall: "before-headers" }, frames, 6)).toBeUndefined()
  })

  it.live("the plain start/close face works without a scope (bench scripts)", () =>
    Effect.promise(async () => {
      const fake = await OpenAiChat.start({ record: false })
      fake.enqueue({ status: 503 })
      const failed = await fetch(`${fake.url}/v1/chat/completions`, { method: "POST", body: "{}" })
      expect(failed.status).toBe(503)
      await failed.text()
      const ok = await fetch(`${fake.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ model: "m", stream: true }) })
      expect(Sse.parse(await ok.text()).at(-1)?.data).toBe("[DONE]")
      expect(fake.requests()).toEqual([])
      await fake.close()
      await expect(fetch(`${fake.url}/v1/chat/completions`, { method: "POST", body: "{}" })).rejects.toThrow()
    }))

  it.scoped("scripts: FIFO, functions of the request, fallback, raw body and raw events, clear", () =>
    Effect.gen(function*() {
      const fake = yield* FakeServer.make(echo)
      const say = (word: string) => Effect.flatMap(Client.postJson(`${fake.url}/echo`, { say: word }), Client.text)
      yield* fake.enqueue(
        (request) => ({ body: JSON.stringify({ seen: request.index }) }),
        { events: ["data: 1\n\n", "data: 2\n\n"] },
        { status: 418, errorMessage: "teapot" }
      )
      expect(yield* say("a")).toBe('{"seen":0}')
      expect(Sse.parse(yield* say("b")).map((e) => e.data)).toEqual(["1", "2"])
      expect(yield* say("c")).toBe('{"status":418,"message":"teapot"}')
      expect(yield* say("d")).toBe('{"said":"d"}')
      yield* fake.setFallback({ body: "fallback" })
      expect(yield* say("e")).toBe("fallback")
      yield* fake.setFallback(undefined)
      expect((yield* Client.postJson(`${fake.url}/nowhere`, {})).status).toBe(404)
      expect((yield* fake.requests).map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5])
      yield* fake.clear
      expect(yield* fake.requests).toEqual([])
      yield* say("f")
      expect((yield* fake.request(0)).json).toEqual({ say: "f" })
    }))

  it.scoped("a reset before the headers makes fetch itself fail", () =>
    Effect.gen(function*() {
      const fake = yield* FakeServer.make(echo)
      yield* fake.enqueue({ reset: "before-headers", delayMs: 5 })
      const error = yield* Effect.flip(Client.postJson(`${fake.url}/echo`, {}))
      expect(error._tag).toBe("FetchFailed")
      expect((yield* fake.requests).length).toBe(1)
    }))

  it.scoped("an early end of a JSON body sends a shorter, well-framed body; a reset breaks it", () =>
    Effect.gen(function*() {
      const fake = yield* FakeServer.make(echo)
      yield* fake.enqueue({ end: { afterBytes: 5 } }, { reset: { afterBytes: 5 } })
      const ended = yield* Client.postJson(`${fake.url}/echo`, { say: "hello" })
      expect(ended.headers.get("content-length")).toBe("5")
      expect(yield* Client.text(ended)).toBe('{"sai')
      const reset = yield* Client.postJson(`${fake.url}/echo`, { say: "hello" })
      expect((yield* Effect.flip(Client.text(reset)))._tag).toBe("FetchFailed")
    }))

  it.scoped("large streams respect backpressure and arrive whole", () =>
    Effect.gen(function*() {
      const fake = yield* FakeServer.make(echo)
      const big = Array.from({ length: 2000 }, (_, i) => `data: ${"x".repeat(1000)} ${i}\n\n`)
      yield* fake.enqueue({ events: big })
      const res = yield* Client.postJson(`${fake.url}/echo`, {})
      const events = yield* Client.events(res)
      expect(events).toHaveLength(2000)
      expect(events[1999]?.data.endsWith(" 1999")).toBe(true)
    }))

  it.scoped("closed(n) tells a response sent in full from a connection the client dropped", () =>
    Effect.gen(function*() {
      const fake = yield* FakeServer.make(echo)
      yield* fake.enqueue({}, { stall: "before-headers" })
      yield* Effect.flatMap(Client.postJson(`${fake.url}/echo`, { say: "x" }), Client.text)
      expect((yield* fake.closed(0)).complete).toBe(true)
      const abort = new AbortController()
      yield* Effect.fork(Client.postJson(`${fake.url}/echo`, {}, { signal: abort.signal }))
      yield* fake.request(1)
      const aborted = Date.now()
      abort.abort()
      const closed = yield* fake.closed(1)
      expect(closed.complete).toBe(false)
      expect(closed.at - aborted).toBeLessThan(1000)
    }))

  it.scoped("a script that throws answers 500 instead of hanging", () =>
    Effect.gen(function*() {
      const fake = yield* FakeServer.make(echo)
      yield* fake.enqueue(() => {
        throw new Error("broken script")
      })
      const res = yield* Client.postJson(`${fake.url}/echo`, {})
      expect(res.status).toBe(500)
      expect(yield* Client.text(res)).toContain("broken script")
    }))
})
