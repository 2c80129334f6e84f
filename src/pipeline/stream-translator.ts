import * as Completions from "../formats/openai-chat/completions.js"
import { codecs, type CodecContext } from "../formats/codecs.js"
import type * as IR from "../formats/ir.js"
import { mergeUsage } from "../formats/ir.js"
import { encodeEvent, makeByteParser, type SseEvent } from "../formats/sse.js"
import { compose, type Transducer } from "../formats/transducer.js"

/** Bytes of an upstream stream in, bytes for the client out; plain functions for the hot path. @category models */
export interface ByteTranslator {
  readonly step: (chunk: Uint8Array) => string
  readonly flush: () => string
  /** Ends the stream with the client dialect's error event (the upstream broke off). */
  readonly fail: (message: string) => string
  /** The usage the upstream reported so far (later reports win). */
  readonly usage: () => IR.Usage | undefined
}

/** How the client wants its stream framed. @category models */
export interface Framing {
  /** Legacy /v1/completions chunks. */
  readonly completions: boolean
  /** Gemini with a non-SSE `alt`: one JSON array, written as it grows. */
  readonly jsonArray: boolean
}

/**
 * SSE parser -> upstream dialect decoder -> client dialect encoder -> SSE text, all stateful
 * and per request. No Effect runs per chunk (DESIGN "The hot path").
 * @category constructors
 */
export const makeByteTranslator = (
  upstream: IR.Dialect,
  client: IR.Dialect,
  ctx: CodecContext,
  framing: Framing
): ByteTranslator => {
  const parser = makeByteParser()
  const decoder = codecs[upstream].streamDecoder(ctx)
  const encoder: Transducer<IR.StreamEvent, SseEvent> = framing.completions
    ? compose(codecs[client].streamEncoder(ctx), Completions.makeChunkAdapter())
    : codecs[client].streamEncoder(ctx)
  let first = true
  const frame = (events: ReadonlyArray<SseEvent>): string => {
    let out = ""
    for (const e of events) {
      if (!framing.jsonArray) out += encodeEvent(e)
      else if (e.data !== "[DONE]") {
        out += `${first ? "[" : ",\n"}${e.data}`
        first = false
      }
    }
    return out
  }
  const encodeAll = (irs: ReadonlyArray<IR.StreamEvent>): Array<SseEvent> => {
    const out: Array<SseEvent> = []
    for (const ev of irs) for (const e of encoder.step(ev)) out.push(e)
    return out
  }
  let usage: IR.Usage | undefined
  const decodeAll = (sse: ReadonlyArray<SseEvent>): Array<IR.StreamEvent> => {
    const out: Array<IR.StreamEvent> = []
    for (const ev of sse) {
      for (const e of decoder.step(ev)) {
        if (e.type === "usage" || (e.type === "start" && e.usage !== undefined)) usage = mergeUsage(usage, e.usage)
        out.push(e)
      }
    }
    return out
  }
  let closed = false
  const close = () => (framing.jsonArray && !closed ? ((closed = true), first ? "[]" : "]") : "")
  return {
    step: (chunk) => frame(encodeAll(decodeAll(parser.step(chunk)))),
    flush: () => {
      const tail = decodeAll(parser.flush())
      for (const e of decoder.flush()) {
        if (e.type === "usage") usage = mergeUsage(usage, e.usage)
        tail.push(e)
      }
      const out = encodeAll(tail)
      for (const e of encoder.flush()) out.push(e)
      return frame(out) + close()
    },
    fail: (message) => {
      // no errorType: each encoder names the failure in its own dialect
      const out = encodeAll([{ type: "error", message, status: 502 }])
      for (const e of encoder.flush()) out.push(e)
      return frame(out) + close()
    },
    usage: () => usage
  }
}

/** The error event a passthrough stream ends with when its upstream breaks off. @category errors */
export const passthroughStreamError = (dialect: IR.Dialect, message: string): string => {
  switch (dialect) {
    case "claude":
      return encodeEvent({ event: "error", data: JSON.stringify({ type: "error", error: { type: "api_error", message } }) })
    case "openai-responses":
      return encodeEvent({ event: "error", data: JSON.stringify({ type: "error", code: "server_error", message, param: null }) })
    case "gemini":
      return encodeEvent({ data: JSON.stringify({ error: { code: 502, message, status: "UNAVAILABLE" } }) })
    case "openai-chat":
      return encodeEvent({ data: JSON.stringify({ error: { message, type: "server_error", param: null, code: null } }) })
  }
}
