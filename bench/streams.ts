/** Checks that a streamed answer carries exactly the expected text chunks, in order, and ends properly. */
import { dataOf, parse } from "../test/fakes/sse.js"
import type { Verify } from "./load.js"

/** 200 text chunks of exactly 20 bytes, numbered so that loss or reordering shows. */
export const chunks = Array.from({ length: 200 }, (_, i) => `c${String(i).padStart(3, "0")} abcdefghijklmnopqrstuvwxyz`.slice(0, 20))

/** A check of one whole answer body. */
export type Check = Verify

const field = (v: unknown, key: string): unknown => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[key] : undefined)

const compare = (expected: ReadonlyArray<string>, got: ReadonlyArray<string>, ended: boolean): string | undefined => {
  if (!ended) return `stream did not end properly after ${got.length} chunks`
  for (let i = 0; i < Math.max(expected.length, got.length); i++) {
    if (got[i] !== expected[i]) {
      return got.length !== expected.length
        ? `got ${got.length} chunks, expected ${expected.length} (first difference at ${i})`
        : `chunk ${i} out of order: ${JSON.stringify(got[i])}`
    }
  }
  return undefined
}

/** OpenAI chat chunks: each non-empty `delta.content`; the stream ends with `[DONE]`. */
export const openaiText = (expected: ReadonlyArray<string>): Check => (body) => {
  const data = dataOf(parse(body))
  const got: Array<string> = []
  for (const d of data) {
    const content = field(field(field(d, "choices"), "0"), "delta")
    const text = field(content, "content")
    if (typeof text === "string" && text !== "") got.push(text)
  }
  return compare(expected, got, data[data.length - 1] === "[DONE]")
}

/** Claude events: each `text_delta`; the stream ends with `message_stop`. */
export const claudeText = (expected: ReadonlyArray<string>): Check => (body) => {
  const data = dataOf(parse(body))
  const got: Array<string> = []
  for (const d of data) {
    if (field(d, "type") !== "content_block_delta") continue
    const delta = field(d, "delta")
    if (field(delta, "type") === "text_delta" && typeof field(delta, "text") === "string") got.push(field(delta, "text") as string)
  }
  return compare(expected, got, field(data[data.length - 1], "type") === "message_stop")
}
