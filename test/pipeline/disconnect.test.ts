import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Claude from "../fakes/claude.js"
import type * as FakeServer from "../fakes/fake-server.js"
import * as Script from "../fakes/script.js"
import { startServer, type TestServer } from "../support/server.js"
import { chat, nthPost, posts, startCall } from "./helpers.js"

const sonnet = "claude-sonnet-4-5-20250929"
const streamBody = { model: sonnet, stream: true, max_tokens: 50, messages: [{ role: "user", content: "hi" }] }

// Aborts and returns how long the fake took to see its upstream connection close.
const abortAndWatch = (fake: FakeServer.Service, n: number, abort: () => void) =>
  Effect.gen(function*() {
    const { index } = yield* nthPost(fake, n)
    const at = Date.now()
    abort()
    const closed = yield* fake.closed(index)
    expect(closed.complete).toBe(false)
    return closed.at - at
  })

const oneKey = (fake: { readonly url: string }, extra: ReadonlyArray<string> = []) =>
  [...extra, "claude-api-key:", `  - {api-key: sk-a, base-url: "${fake.url}"}`].join("\n")

const stillServes = (s: TestServer) =>
  Effect.gen(function*() {
    expect((yield* chat(s, sonnet)).status).toBe(200)
  })

describe("client disconnect", () => {
  it.scopedLive("aborting a stream mid-way closes the upstream connection within 1 s (translated and passthrough)", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.make()
      const s = yield* startServer(oneKey(fake))
      const stalled: Script.Reply = { parts: [Script.text(["a", " b", " c", " d"])], stall: { afterEvents: 3 } }
      yield* fake.enqueue(stalled, stalled)
      const translated = yield* startCall(`${s.url}/v1/chat/completions`, streamBody)
      expect(yield* translated.firstBytes).toContain("data:")
      expect(yield* abortAndWatch(fake, 0, translated.abort)).toBeLessThan(1000)
      const passthrough = yield* startCall(`${s.url}/v1/messages`, streamBody)
      expect(yield* passthrough.firstBytes).toContain("event:")
      expect(yield* abortAndWatch(fake, 1, passthrough.abort)).toBeLessThan(1000)
      yield* stillServes(s)
    }))

  it.scopedLive("aborting while the upstream has not answered yet (stream and non-stream) closes it within 1 s", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.make()
      const s = yield* startServer(oneKey(fake))
      yield* fake.enqueue({ stall: "before-headers" }, { stall: "before-headers" }, { stall: { afterBytes: 40 }, stream: false })
      const stream = yield* startCall(`${s.url}/v1/chat/completions`, streamBody)
      yield* nthPost(fake, 0)
      expect(yield* abortAndWatch(fake, 0, stream.abort)).toBeLessThan(1000)
      const whole = yield* startCall(`${s.url}/v1/chat/completions`, { ...streamBody, stream: false })
      yield* nthPost(fake, 1)
      expect(yield* abortAndWatch(fake, 1, whole.abort)).toBeLessThan(1000)
      // non-stream with the upstream body half sent: the proxy is reading it when the client leaves
      const half = yield* startCall(`${s.url}/v1/messages`, { ...streamBody, stream: false })
      yield* nthPost(fake, 2)
      expect(yield* abortAndWatch(fake, 2, half.abort)).toBeLessThan(1000)
      yield* stillServes(s)
      expect(s.logs.filter((l) => / 499 /.test(l))).toHaveLength(3)
    }))

  it.scopedLive("a client that leaves during the pause between retry rounds gets no further attempt", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.make()
      const s = yield* startServer(oneKey(fake, ["request-retry: 3"]))
      yield* fake.enqueue({ ...Claude.errorReply(503), delayMs: 50 })
      const call = yield* startCall(`${s.url}/v1/chat/completions`, { ...streamBody, stream: false })
      yield* fake.closed((yield* nthPost(fake, 0)).index) // the 503 was sent; the proxy now waits 250 ms before its next round
      call.abort()
      // proving an absence needs a wait: longer than the round pause, then a marker request
      yield* Effect.sleep("600 millis")
      yield* chat(s, sonnet, { messages: [{ role: "user", content: "marker" }] })
      const seen = yield* posts(fake)
      expect(seen).toHaveLength(2)
      expect(seen[1]?.body).toContain("marker")
    }))
})
