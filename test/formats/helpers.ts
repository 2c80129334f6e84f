/** Shared test helpers: content-shape normalisation and stream piping. */
import { Either } from "effect"
import type * as IR from "../../src/formats/ir.js"
import type { Json } from "../../src/formats/json.js"
import type { SseEvent } from "../../src/formats/sse.js"
import { compose, runAll, type Transducer } from "../../src/formats/transducer.js"

/** Unwraps a Right or fails the test with the Left. */
export const right = <A, E>(e: Either.Either<A, E>): A => Either.getOrThrowWith(e, (l) => new Error(String(l)))

/**
 * `content: "x"` and `content: [{type:"text",text:"x"}]` mean the same on the Claude and
 * OpenAI wires: normalise message contents (recursively) to the array form.
 */
export const canon = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(canon)
  if (typeof v !== "object" || v === null) return v
  const o: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) {
    o[k] = k === "content" && typeof x === "string" && "role" in v ? [{ type: "text", text: x }] : canon(x)
  }
  return o
}

/** Data payloads to SSE events. */
export const dataEvents = (payloads: ReadonlyArray<string | object>): Array<SseEvent> =>
  payloads.map((p) => ({ data: typeof p === "string" ? p : JSON.stringify(p) }))

/** Runs decoder then encoder over events, returning the parsed JSON payloads with their event names. */
export const translate = (
  decoder: Transducer<SseEvent, IR.StreamEvent>,
  encoder: Transducer<IR.StreamEvent, SseEvent>,
  input: ReadonlyArray<SseEvent>
): Array<{ event?: string; data: Json }> =>
  runAll(compose(decoder, encoder), input).map((e) => ({
    ...(e.event === undefined ? {} : { event: e.event }),
    data: e.data === "[DONE]" ? "[DONE]" : (JSON.parse(e.data) as Json)
  }))
