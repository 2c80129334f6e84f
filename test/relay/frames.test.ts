import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import * as Frames from "../../src/relay/frames.js"

describe("relay frames", () => {
  it("decodes every inbound type; header values may be strings or lists; payloads may be missing", () => {
    const ok = [
      { id: "a", type: "http_response", payload: { status: 200, headers: { "Content-Type": "application/json", "X-A": ["1", "2"] }, body: "{}" } },
      { id: "a", type: "http_response" },
      { id: "a", type: "stream_start", payload: { headers: {} } },
      { id: "a", type: "stream_chunk", payload: { data: "data: {}\n\n" } },
      { id: "a", type: "stream_chunk" },
      { id: "a", type: "stream_end" },
      { id: "a", type: "error", payload: { error: "boom", status: 502 } },
      { id: "p", type: "ping", payload: { anything: true } }
    ]
    for (const f of ok) expect(Either.isRight(Frames.decode(JSON.stringify(f)))).toBe(true)
  })

  it("names the problem of a malformed frame, and the id when it has one", () => {
    expect(Frames.decode("{nope")).toEqual(Either.left({ id: undefined, reason: expect.stringContaining("not JSON") }))
    const bad = Frames.decode(JSON.stringify({ id: "x", type: "stream_chunk", payload: { data: 5 } }))
    expect(Either.isLeft(bad) && bad.left.id).toBe("x")
    const unknown = Frames.decode(JSON.stringify({ id: "y", type: "teleport" }))
    expect(Either.isLeft(unknown) && unknown.left.reason).toContain("does not match")
  })

  it("encodes http_request with list-valued headers and the outbound control frames", () => {
    const text = Frames.httpRequest("r1", { method: "POST", url: "https://x/y", headers: { "content-type": "application/json" }, body: "{}" }, new Date(0))
    expect(JSON.parse(text)).toEqual({
      id: "r1",
      type: "http_request",
      payload: { method: "POST", url: "https://x/y", headers: { "content-type": ["application/json"] }, body: "{}", sent_at: "1970-01-01T00:00:00.000Z" }
    })
    expect(JSON.parse(Frames.pong("p"))).toEqual({ id: "p", type: "pong" })
    expect(JSON.parse(Frames.cancel("r1"))).toEqual({ id: "r1", type: "cancel" })
    expect(JSON.parse(Frames.error(undefined, "bad"))).toEqual({ type: "error", payload: { error: "bad" } })
  })
})
