import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import fc from "fast-check"
import * as Sse from "../../src/formats/sse.js"

const splitAt = (text: string, cuts: ReadonlyArray<number>): Array<string> => {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)
  const out: Array<string> = []
  let prev = 0
  for (const p of points) {
    out.push(text.slice(prev, p))
    prev = p
  }
  out.push(text.slice(prev))
  return out
}

const parseChunks = (chunks: ReadonlyArray<string>) => {
  const p = Sse.makeParser()
  const out: Array<Sse.SseEvent> = []
  for (const c of chunks) out.push(...p.step(c))
  out.push(...p.flush())
  return out
}

const eventArb: fc.Arbitrary<Sse.SseEvent> = fc.record(
  {
    event: fc.constantFrom("message_start", "content_block_delta", "x"),
    data: fc.string({ unit: fc.constantFrom("a", "{", "}", "\"", ":", " ", "é", "😀", "\n", "\r\n", "data: ") }),
    id: fc.constantFrom("1", "abc"),
    retry: fc.nat(10000)
  },
  { requiredKeys: ["data"] }
)

const normalise = (e: Sse.SseEvent): Sse.SseEvent => ({ ...e, data: e.data.replace(/\r\n|\r/g, "\n") })

describe("sse parser", () => {
  it("parses fields, comments, multi-line data, CRLF and CR", () => {
    const text = "\uFEFF: comment\r\nevent: a\r\nid: 7\r\nretry: 150\r\ndata: one\r\ndata:two\r\n\r\n" +
      "data: x\r\rdata\n\nevent: ignored-without-data\n\n"
    expect(Sse.parseAll(text)).toEqual([
      { event: "a", id: "7", retry: 150, data: "one\ntwo" },
      { data: "x" },
      { data: "" }
    ])
  })

  it("strips exactly one leading space of a value", () => {
    expect(Sse.parseAll("data:  two spaces\n\n")).toEqual([{ data: " two spaces" }])
  })

  it("delivers a final event lacking the blank line at flush", () => {
    expect(Sse.parseAll("data: [DONE]")).toEqual([{ data: "[DONE]" }])
  })

  it("a CR at the end of one read and LF at the start of the next is one line end", () => {
    expect(parseChunks(["data: a\r", "\n\r", "\n", "data: b\n\n"])).toEqual([{ data: "a" }, { data: "b" }])
  })

  it("round-trips encoded events through any chunking (property)", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), (events, cuts) => {
        const text = Sse.encodeAll(events)
        const expected = events.map(normalise)
        expect(parseChunks([text])).toEqual(expected)
        expect(parseChunks(splitAt(text, cuts))).toEqual(expected)
      }),
      { numRuns: 300 }
    )
  })

  it("any chunking of arbitrary SSE text yields the same events (property)", () => {
    const lineArb = fc.constantFrom("data: x", "data:{\"a\":1}", "event: e", ": c", "", "id: 3", "retry: 9", "data", "junk")
    const sepArb = fc.constantFrom("\n", "\r\n", "\r")
    const textArb = fc.array(fc.tuple(lineArb, sepArb), { maxLength: 20 }).map((ls) => ls.map(([l, s]) => l + s).join(""))
    fc.assert(
      fc.property(textArb, fc.array(fc.nat(), { maxLength: 10 }), (text, cuts) => {
        expect(parseChunks(splitAt(text, cuts))).toEqual(parseChunks([text]))
      }),
      { numRuns: 500 }
    )
  })

  it("byte parser handles multi-byte characters split across reads (property)", () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 }), (events, cuts) => {
        const bytes = new TextEncoder().encode("\uFEFF" + Sse.encodeAll(events))
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
        const p = Sse.makeByteParser()
        const out: Array<Sse.SseEvent> = []
        let prev = 0
        for (const pt of [...points, bytes.length]) {
          out.push(...p.step(bytes.slice(prev, pt)))
          prev = pt
        }
        out.push(...p.flush())
        expect(out).toEqual(events.map(normalise))
      }),
      { numRuns: 200 }
    )
  })

  it.effect("works as an Effect Stream transform", () =>
    Effect.gen(function*() {
      const out = yield* Stream.fromIterable(["event: a\nda", "ta: 1\n\ndata: 2"]).pipe(
        Sse.decodeText,
        Stream.runCollect
      )
      expect(Chunk.toReadonlyArray(out)).toEqual([{ event: "a", data: "1" }, { data: "2" }])
      const text = yield* Stream.fromIterable([{ event: "a", data: "x\ny" }]).pipe(Sse.encode, Stream.mkString)
      expect(text).toBe("event: a\ndata: x\ndata: y\n\n")
    }))
})
