/**
 * The AI Studio relay under failure (spec/03 C.5, C.7 and the Go version's hazards fixed):
 * round-robin over tabs, failover before the first byte, errors inside a stream, a client
 * that cancels, malformed frames, and a slow consumer that must not lose a frame.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type * as Tab from "../fakes/aistudio-tab.js"
import * as Script from "../fakes/script.js"
import * as Sse from "../fakes/sse.js"
import { http, type TestServer } from "../support/server.js"
import { chat, errorOf, startCall } from "../pipeline/helpers.js"
import { connected, tabsServing } from "./helpers.js"

const MODEL = "gemini-2.5-pro"
const said = (text: string): Tab.Answer => ({ reply: { parts: [Script.text(text)] } })
const requestsOf = (tab: Tab.Tab) => tab.frames.filter((f) => f.type === "http_request").length
const contentOf = (json: unknown) => (json as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content

/** Sends one call so the pool's cursor moves; returns the tabs in the order the next calls reach them. */
const inTurnOrder = (s: TestServer, tabs: ReadonlyArray<Tab.Tab>) =>
  Effect.gen(function*() {
    expect((yield* chat(s, MODEL)).status).toBe(200)
    const first = tabs.find((t) => requestsOf(t) === 1)!
    return { next: tabs.find((t) => t !== first)!, after: first }
  })

const chatStream = (s: TestServer) =>
  http(`${s.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: MODEL, stream: true, messages: [{ role: "user", content: "hi" }] })
  })

const geminiChunk = (text: string, finish = false) =>
  `data: ${JSON.stringify({ candidates: [{ content: { role: "model", parts: [{ text }] }, ...(finish ? { finishReason: "STOP" } : {}), index: 0 }] })}\r\n\r\n`

describe("AI Studio relay: failover and flow", () => {
  it.scopedLive("two tabs share the calls round-robin", () =>
    Effect.gen(function*() {
      const { s, tabs } = yield* connected("", 2)
      const { next, after } = yield* inTurnOrder(s, tabs)
      next.enqueue(said("from next"), said("from next"))
      after.enqueue(said("from after"), said("from after"))
      const seen: Array<unknown> = []
      for (let i = 0; i < 4; i++) seen.push(contentOf((yield* chat(s, MODEL)).json()))
      expect(seen).toEqual(["from next", "from after", "from next", "from after"])
    }))

  it.scopedLive("a tab that disconnects before the first byte: a non-stream call fails over to the other tab", () =>
    Effect.gen(function*() {
      const { s, tabs } = yield* connected("", 2)
      const { next, after } = yield* inTurnOrder(s, tabs)
      // half streamed, then the tab goes away
      next.enqueue({ reply: { parts: [Script.text(["a", "b", "c"])] }, as: "stream", disconnectAfter: 2 })
      after.enqueue(said("rescued"))
      const r = yield* chat(s, MODEL)
      expect(r.status).toBe(200)
      expect(contentOf(r.json())).toBe("rescued")
      expect(requestsOf(next)).toBe(1)
      yield* tabsServing(s, 1)
    }))

  it.scopedLive("a tab that disconnects after stream_start but before any chunk: the stream fails over", () =>
    Effect.gen(function*() {
      const { s, tabs } = yield* connected("", 2)
      const { next, after } = yield* inTurnOrder(s, tabs)
      next.enqueue({ reply: { parts: [Script.text(["lost"])] }, disconnectAfter: 1 })
      after.enqueue({ reply: { parts: [Script.text(["re", "scued"])] } })
      const r = yield* chatStream(s)
      expect(r.status).toBe(200)
      const text = Sse.dataOf(Sse.parse(r.text)).map((d) => (d as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]?.delta?.content ?? "").join("")
      expect(text).toBe("rescued")
    }))

  it.scopedLive("a tab that disconnects mid-stream ends the client's stream with its dialect's error event", () =>
    Effect.gen(function*() {
      const { s, tabs } = yield* connected("", 2)
      const { next } = yield* inTurnOrder(s, tabs)
      next.enqueue({ reply: { parts: [Script.text(["one", " two", " three"])] }, disconnectAfter: 3 })
      const r = yield* chatStream(s)
      expect(r.status).toBe(200)
      const events = Sse.dataOf(Sse.parse(r.text))
      expect(JSON.stringify(events)).toContain("one")
      expect(errorOf(events.at(-1)).message).toContain("wsrelay: connection closed")
      expect(r.text).not.toContain("three")
    }))

  it.scopedLive("an error frame fails the call with 500 after trying the other tab; a 429 answer reaches the client as 429", () =>
    Effect.gen(function*() {
      const { s, tabs } = yield* connected("", 2)
      const boom: Tab.Answer = { frames: [{ type: "error", payload: { error: "fetch failed" } }] }
      for (const t of tabs) t.enqueue(boom)
      const r = yield* chat(s, MODEL)
      expect(r.status).toBe(500)
      expect(errorOf(r.json()).message).toContain("fetch failed")
      expect(tabs.map(requestsOf)).toEqual([1, 1])

      for (const t of tabs) t.enqueue({ reply: { status: 429 } })
      const limited = yield* chat(s, MODEL)
      expect(limited.status).toBe(429)
      expect(errorOf(limited.json()).message).toContain("Resource has been exhausted")
    }))

  it.scopedLive("an error inside a stream is reported as a stream error, not passed on as data", () =>
    Effect.gen(function*() {
      const { s, tab } = yield* connected()
      const start = { type: "stream_start", payload: { status: 200, headers: { "Content-Type": "text/event-stream" } } }
      tab.enqueue(
        { frames: [start, { type: "stream_chunk", payload: { data: geminiChunk("partial") } }, { type: "error", payload: { error: "quota gone", status: 429 } }] },
        { frames: [start, { type: "stream_chunk", payload: { data: geminiChunk("partial") } }, { type: "http_response", payload: { status: 503, body: "{\"error\":{\"message\":\"overloaded\"}}" } }] }
      )
      for (const cause of ["quota gone", "upstream answered 503"]) {
        const r = yield* http(`${s.url}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] })
        })
        const events = Sse.dataOf(Sse.parse(r.text)) as Array<{ error?: { message: string }; candidates?: unknown }>
        expect(events[0]?.candidates).toBeDefined()
        expect(events.at(-1)?.error?.message).toContain(cause)
      }
    }))

  it.scopedLive("a client that cancels: the tab receives a cancel frame for the request id (waiting, and mid-stream)", () =>
    Effect.gen(function*() {
      const { s, tab } = yield* connected()
      tab.enqueue({ stallAfter: 0 }, { reply: { parts: [Script.text(["a", "b", "c"])] }, stallAfter: 2 })
      const waiting = yield* startCall(`${s.url}/v1/chat/completions`, { model: MODEL, messages: [{ role: "user", content: "hi" }] })
      const first = yield* tab.request(0)
      waiting.abort()
      expect(yield* tab.frame((f) => f.type === "cancel")).toEqual({ id: first.id, type: "cancel" })

      const streaming = yield* startCall(`${s.url}/v1/chat/completions`, { model: MODEL, stream: true, messages: [{ role: "user", content: "hi" }] })
      const second = yield* tab.request(1)
      expect(yield* streaming.firstBytes).toContain("data:")
      streaming.abort()
      expect(yield* tab.frame((f) => f.type === "cancel" && f.id === second.id)).toEqual({ id: second.id, type: "cancel" })
      // late frames of a cancelled request are ignored, and the tab keeps serving
      tab.send({ id: second.id, type: "stream_end" })
      expect((yield* chat(s, MODEL)).status).toBe(200)
    }))

  it.scopedLive("a malformed frame is answered with an error frame and the session stays open", () =>
    Effect.gen(function*() {
      const { s, tab } = yield* connected()
      tab.send("this is not json")
      const notJson = yield* tab.frame((f) => f.type === "error")
      expect((notJson.payload as { error: string }).error).toContain("not JSON")
      tab.send({ id: "x1", type: "stream_chunk", payload: { data: 5 } })
      const badShape = yield* tab.frame((f) => f.type === "error" && f.id === "x1")
      expect((badShape.payload as { error: string }).error).toContain("does not match")
      tab.send({ id: "x2", type: "teleport" })
      yield* tab.frame((f) => f.type === "error" && f.id === "x2")
      expect((yield* chat(s, MODEL)).status).toBe(200)
      yield* tabsServing(s, 1)
    }))

  it.scopedLive("1000 stream chunks to a client that reads slowly all arrive, in order", () =>
    Effect.gen(function*() {
      const { s, tab } = yield* connected()
      // 16 MB: more than the loopback socket buffers hold, so the relay has to stop reading the tab
      const pad = "x".repeat(16_000)
      const chunks = Array.from({ length: 1000 }, (_, i) => ({ type: "stream_chunk", payload: { data: geminiChunk(`<${i}>${pad}`, i === 999) } }))
      tab.enqueue({ frames: [{ type: "stream_start", payload: { status: 200 } }, ...chunks, { type: "stream_end" }] })
      const text = yield* Effect.promise(async () => {
        const res = await fetch(`${s.url}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] })
        })
        const reader = res.body!.getReader()
        const decoder = new TextDecoder()
        let out = ""
        // let every buffer between the tab and this client fill before reading, then read slowly
        await new Promise((r) => setTimeout(r, 300))
        for (let n = 0; ; n++) {
          const { done, value } = await reader.read()
          if (done) return out
          out += decoder.decode(value, { stream: true })
          if (n % 20 === 0) await new Promise((r) => setTimeout(r, 5))
        }
      })
      const seen = [...text.matchAll(/<(\d+)>/g)].map((m) => Number(m[1]))
      expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i))
      expect(text).toContain("STOP")
    }))
})
