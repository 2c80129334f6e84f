import type { Readable } from "node:stream"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import * as Pending from "../../src/relay/pending.js"
import type { SentResponse } from "../../src/providers/shared/send.js"

/** One request with recording hooks; `result` is what the session would have resumed with. */
const track = (whole = false) => {
  const log: Array<string> = []
  let result: Effect.Effect<SentResponse, Pending.RelayError> | undefined
  const p = Pending.make("r1", whole, {
    send: (t) => log.push(`send ${t}`),
    pause: () => log.push("pause"),
    unpause: () => log.push("unpause"),
    release: () => log.push("release")
  }, (r) => (result = r))
  return { p, log, result: () => (result === undefined ? undefined : Effect.runSyncExit(result)) }
}

const chunk = (data: string) => ({ id: "r1", type: "stream_chunk" as const, payload: { data } })
const read = (body: Readable) =>
  new Promise<{ data: string; error: string | undefined }>((resolve) => {
    let data = ""
    body.on("data", (c: Buffer) => (data += c.toString("utf8")))
    body.on("end", () => resolve({ data, error: undefined }))
    body.on("error", (e) => resolve({ data, error: e.message }))
  })

describe("a relayed request's reply queue", () => {
  it("a stream is handed over with its first chunk; a full queue pauses the socket and reading it resumes it; nothing is lost", () =>
    Effect.runPromise(Effect.gen(function*() {
      const { p, log, result } = track()
      p.deliver({ id: "r1", type: "stream_start", payload: { status: 200, headers: { "Content-Encoding": "gzip", "Content-Type": "text/event-stream" } } })
      expect(result()).toBeUndefined()
      const big = "x".repeat(100 * 1024)
      for (let i = 0; i < 5; i++) p.deliver(chunk(`<${i}>${big}`))
      const exit = result()!
      expect(Exit.isSuccess(exit)).toBe(true)
      const res = (exit as Exit.Success<SentResponse, never>).value
      expect(res.headers).toEqual({ "content-type": "text/event-stream" })
      expect(log).toEqual(["pause"])
      const reading = read(res.body)
      while (!log.includes("unpause")) yield* Effect.promise(() => new Promise((r) => setImmediate(r)))
      p.deliver({ id: "r1", type: "stream_end" })
      const { data } = yield* Effect.promise(() => reading)
      expect([...data.matchAll(/<(\d)>/g)].map((m) => m[1])).toEqual(["0", "1", "2", "3", "4"])
      expect(log).toEqual(["pause", "unpause", "release"])
    })))

  it("an error after the first byte ends the body with an error, after every chunk queued before it", () =>
    Effect.runPromise(Effect.gen(function*() {
      const { p, result } = track()
      p.deliver(chunk("one "))
      p.deliver(chunk("two"))
      p.deliver({ id: "r1", type: "error", payload: { error: "boom" } })
      const res = (result() as Exit.Success<SentResponse, never>).value
      expect(yield* Effect.promise(() => read(res.body))).toEqual({ data: "one two", error: "boom (status=0)" })
    })))

  it("before the first byte, failures fail the attempt: error frames with their status (else 500), a lost tab without one", () => {
    const framed = track()
    framed.p.deliver({ id: "r1", type: "stream_start", payload: { status: 200 } })
    framed.p.deliver({ id: "r1", type: "error", payload: { error: "quota", status: 429 } })
    expect(framed.result()).toEqual(Exit.fail(new Pending.RelayError({ message: "quota (status=429)", status: 429 })))
    const bare = track()
    bare.p.deliver({ id: "r1", type: "error" })
    expect(bare.result()).toEqual(Exit.fail(new Pending.RelayError({ message: "wsrelay: upstream error (status=0)", status: 500 })))
    const lost = track()
    lost.p.fail("wsrelay: connection closed")
    expect(lost.result()).toEqual(Exit.fail(new Pending.RelayError({ message: "wsrelay: connection closed", status: undefined })))
  })

  it("a whole answer is gathered from a stream; a non-2xx answer is read whole; a missing payload is a 502", () => {
    const gathered = track(true)
    gathered.p.deliver(chunk("a"))
    gathered.p.deliver(chunk("b"))
    gathered.p.deliver({ id: "r1", type: "stream_end" })
    const ok = (gathered.result() as Exit.Success<SentResponse, never>).value
    expect([ok.status, ok.bytes?.toString()]).toEqual([200, "ab"])
    const refused = track()
    refused.p.deliver({ id: "r1", type: "http_response", payload: { status: 429, body: "slow down" } })
    const r = (refused.result() as Exit.Success<SentResponse, never>).value
    expect([r.status, r.bytes]).toEqual([429, undefined])
    const empty = track(true)
    empty.p.deliver({ id: "r1", type: "http_response" })
    expect((empty.result() as Exit.Success<SentResponse, never>).value.status).toBe(502)
  })

  it("interrupting before the answer, or destroying the stream before its end, sends a cancel frame once", () => {
    const waiting = track()
    waiting.p.interrupt()
    waiting.p.interrupt()
    expect(waiting.log).toEqual([`send {"id":"r1","type":"cancel"}`, "release"])
    const streaming = track()
    streaming.p.deliver(chunk("a"))
    const res = (streaming.result() as Exit.Success<SentResponse, never>).value
    res.body.destroy()
    expect(streaming.log.filter((l) => l.includes("cancel"))).toHaveLength(1)
  })
})
