/**
 * Server-sent events: text or bytes to events and back (WHATWG event-stream rules).
 * The parser is a plain stateful function robust to any chunking: events split across
 * reads, many events per read, CRLF / LF / CR line ends (a CR at the end of one read and
 * the LF at the start of the next count once), comments, multi-line data, `event:`,
 * `id:`, `retry:` fields and a leading BOM.
 */
import { Stream } from "effect"
import { toStream, type Transducer } from "./transducer.js"

/** One server-sent event. @category models */
export interface SseEvent {
  readonly event?: string
  readonly data: string
  readonly id?: string
  readonly retry?: number
}

const LF = 10
const CR = 13

/**
 * A parser over text chunks. Deviation from WHATWG, on purpose: an event that has data
 * but no terminating blank line is still delivered at `flush` (upstreams that close
 * right after their last `data:` line must not lose it).
 * @category parsing
 */
export const makeParser = (): Transducer<string, SseEvent> => {
  let pending: Array<string> = []
  let skipLF = false
  let first = true
  let done = false
  let dataLines: Array<string> = []
  let hasData = false
  let eventName: string | undefined
  let id: string | undefined
  let retry: number | undefined

  const reset = () => {
    dataLines = []
    hasData = false
    eventName = undefined
    id = undefined
    retry = undefined
  }

  const dispatch = (out: Array<SseEvent>) => {
    if (hasData) {
      const ev: { event?: string; data: string; id?: string; retry?: number } = { data: dataLines.join("\n") }
      if (eventName !== undefined && eventName !== "") ev.event = eventName
      if (id !== undefined) ev.id = id
      if (retry !== undefined) ev.retry = retry
      out.push(ev)
    }
    reset()
  }

  const line = (text: string, out: Array<SseEvent>) => {
    if (text.length === 0) return dispatch(out)
    if (text.charCodeAt(0) === 58 /* ":" */) return
    const colon = text.indexOf(":")
    let field: string
    let value: string
    if (colon === -1) {
      field = text
      value = ""
    } else {
      field = text.slice(0, colon)
      value = text.charCodeAt(colon + 1) === 32 ? text.slice(colon + 2) : text.slice(colon + 1)
    }
    switch (field) {
      case "data":
        dataLines.push(value)
        hasData = true
        return
      case "event":
        eventName = value
        return
      case "id":
        if (!value.includes("\u0000")) id = value
        return
      case "retry":
        if (/^\d+$/.test(value)) retry = Number(value)
        return
    }
  }

  return {
    step: (chunk) => {
      if (done) return []
      let text = chunk
      if (first && text.length > 0) {
        first = false
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
      }
      const out: Array<SseEvent> = []
      let pos = 0
      const n = text.length
      if (skipLF && n > 0) {
        skipLF = false
        if (text.charCodeAt(0) === LF) pos = 1
      }
      let start = pos
      while (pos < n) {
        const c = text.charCodeAt(pos)
        if (c === LF || c === CR) {
          let lineText = text.slice(start, pos)
          if (pending.length > 0) {
            pending.push(lineText)
            lineText = pending.join("")
            pending = []
          }
          line(lineText, out)
          if (c === CR) {
            if (pos + 1 < n) {
              if (text.charCodeAt(pos + 1) === LF) pos++
            } else skipLF = true
          }
          start = pos + 1
        }
        pos++
      }
      if (start < n) pending.push(text.slice(start))
      return out
    },
    flush: () => {
      if (done) return []
      done = true
      const out: Array<SseEvent> = []
      if (pending.length > 0) {
        line(pending.join(""), out)
        pending = []
      }
      dispatch(out)
      return out
    }
  }
}

/** A parser over UTF-8 byte chunks (multi-byte characters may straddle reads). @category parsing */
export const makeByteParser = (): Transducer<Uint8Array, SseEvent> => {
  const decoder = new TextDecoder("utf-8")
  const text = makeParser()
  return {
    step: (bytes) => text.step(decoder.decode(bytes, { stream: true })),
    flush: () => {
      const tail = decoder.decode()
      const out = tail.length > 0 ? [...text.step(tail)] : []
      for (const e of text.flush()) out.push(e)
      return out
    }
  }
}

/** Parses a complete SSE text at once. @category parsing */
export const parseAll = (text: string): Array<SseEvent> => {
  const p = makeParser()
  return [...p.step(text), ...p.flush()]
}

/** Writes one event as SSE text, ending with the blank line. @category encoding */
export const encodeEvent = (ev: SseEvent): string => {
  let s = ""
  if (ev.id !== undefined) s += `id: ${ev.id}\n`
  if (ev.event !== undefined) s += `event: ${ev.event}\n`
  if (ev.retry !== undefined) s += `retry: ${ev.retry}\n`
  const data = ev.data
  if (data.indexOf("\n") === -1 && data.indexOf("\r") === -1) return s + `data: ${data}\n\n`
  for (const l of data.split(/\r\n|\r|\n/)) s += `data: ${l}\n`
  return s + "\n"
}

/** Writes a comment line (keep-alive). @category encoding */
export const encodeComment = (text: string): string => `: ${text.replace(/[\r\n]+/g, " ")}\n\n`

/** Writes many events as one string. @category encoding */
export const encodeAll = (events: Iterable<SseEvent>): string => {
  let s = ""
  for (const e of events) s += encodeEvent(e)
  return s
}

/** Stream transform: text chunks to events. @category streams */
export const decodeText: <E, R>(self: Stream.Stream<string, E, R>) => Stream.Stream<SseEvent, E, R> = toStream(
  makeParser
)

/** Stream transform: UTF-8 byte chunks to events. @category streams */
export const decodeBytes: <E, R>(self: Stream.Stream<Uint8Array, E, R>) => Stream.Stream<SseEvent, E, R> =
  toStream(makeByteParser)

/** Stream transform: events to SSE text. @category streams */
export const encode = <E, R>(self: Stream.Stream<SseEvent, E, R>): Stream.Stream<string, E, R> =>
  Stream.map(self, encodeEvent)
