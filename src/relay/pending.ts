/**
 * One relayed request's reply frames turned into the pipeline's `SentResponse` (spec/03
 * C.5): a whole answer is gathered, a 2xx stream is handed over with its first bytes and
 * then fed frame by frame through a queue the body reads at its own pace. The queue is
 * never trimmed: when it holds too much the session stops reading its socket, so a slow
 * client slows the tab down instead of losing frames. A failure after the first byte ends
 * the body with an error, after every byte queued before it.
 */
import { Readable } from "node:stream"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type { SentResponse } from "../providers/shared/send.js"
import * as Frames from "./frames.js"

/** A relayed call that got no usable answer; `status` when the tab reported one in an `error` frame. @category errors */
export class RelayError extends Data.TaggedError("RelayError")<{
  readonly message: string
  readonly status: number | undefined
}> {}

/** The tab a call was meant for is gone (spec/03 C.7). @category errors */
export const notConnected = (sessionId: string) =>
  new RelayError({ message: `wsrelay: provider ${sessionId} not connected`, status: undefined })

/** What a request needs from its session. @category models */
export interface Hooks {
  /** Sends a frame to the tab. */
  readonly send: (text: string) => void
  /** Stop / restart reading the socket for this request. */
  readonly pause: () => void
  readonly unpause: () => void
  /** Forget the request (its id is free; later frames for it are ignored). */
  readonly release: () => void
}

/** A request in flight, as the session's frame router sees it. @category models */
export interface Pending {
  readonly deliver: (frame: Frames.Reply) => void
  /** The session closed, or the tab sent a frame for it that could not be read. */
  readonly fail: (message: string) => void
  /** The caller was interrupted before the answer was handed over. */
  readonly interrupt: () => void
}

/** Queued stream bytes above which the socket stops being read, and below which it is read again. */
const PAUSE_ABOVE = 256 * 1024
const RESUME_BELOW = 64 * 1024

/** Headers a browser's fetch has already acted on (it decompressed the body, it read it whole). */
const hopHeaders = new Set(["content-encoding", "content-length", "transfer-encoding", "connection"])

const responseHeaders = (headers: Frames.Headers | undefined) => {
  const out: Record<string, string | Array<string>> = {}
  for (const [k, v] of Object.entries(headers ?? {})) {
    const name = k.toLowerCase()
    if (!hopHeaders.has(name)) out[name] = typeof v === "string" ? v : [...v]
  }
  return out
}

const isOk = (status: number) => status >= 200 && status < 300

type Start = { readonly status?: number | undefined; readonly headers?: Frames.Headers | undefined } | null | undefined

/** Status of `http_response` / `stream_start`: missing means 200, a missing payload 502 (spec/03 C.4). */
const statusOf = (payload: Start) => (payload === undefined || payload === null ? 502 : payload.status ?? 200)

const errorOf = (payload: { readonly error?: string | undefined; readonly status?: number | undefined } | null | undefined) =>
  new RelayError({
    message: `${payload?.error || "wsrelay: upstream error"} (status=${payload?.status ?? 0})`,
    status: payload?.status !== undefined && payload.status >= 400 && payload.status < 600 ? payload.status : 500
  })

const bodyOf = (bytes: Buffer) => Readable.from(bytes.length === 0 ? [] : [bytes], { objectMode: false })

/**
 * Starts tracking request `rid`. With `whole`, a 2xx answer is resolved read whole (in
 * `bytes`); otherwise a 2xx stream is resolved with its first chunk (a failure before it
 * still fails over). A non-2xx answer is always resolved whole, as the body to read.
 * @category constructors
 */
export const make = (
  rid: string,
  whole: boolean,
  hooks: Hooks,
  resume: (result: Effect.Effect<SentResponse, RelayError>) => void
): Pending => {
  // waiting: nothing yet; accumulating: a whole answer (or an error body) being gathered;
  // streaming: a 2xx stream; done: answered, failed or cancelled
  let state: "waiting" | "accumulating" | "streaming" | "done" = "waiting"
  let resumed = false
  let status = 200
  let headers: Record<string, string | Array<string>> = {}
  const chunks: Array<Buffer> = []

  // the stream's queue: chunks, then null (the end) or an Error
  const queue: Array<Buffer | Error | null> = []
  let queued = 0
  let starving = false
  let paused = false
  // highWaterMark 1: the body holds at most the chunk being read, the rest waits in the queue
  const body = new Readable({
    highWaterMark: 1,
    read: () => feed(),
    destroy: (err, callback) => {
      // the consumer left before the end: tell the tab to stop
      if (state === "streaming") {
        hooks.send(Frames.cancel(rid))
        release()
      }
      callback(err)
    }
  })
  function feed() {
    const item = queue.shift()
    starving = item === undefined
    if (item === undefined) return
    if (item instanceof Error) return void process.nextTick(() => body.destroy(item))
    if (item !== null) {
      queued -= item.length
      if (paused && queued < RESUME_BELOW) {
        paused = false
        hooks.unpause()
      }
    }
    body.push(item)
  }
  const enqueue = (item: Buffer | Error | null) => {
    queue.push(item)
    if (Buffer.isBuffer(item)) {
      queued += item.length
      if (!paused && queued > PAUSE_ABOVE) {
        paused = true
        hooks.pause()
      }
    }
    if (starving) feed()
    if (!resumed) settle(Effect.succeed({ status, headers, body, bytes: undefined }))
  }

  function release() {
    state = "done"
    paused = false
    hooks.release()
  }
  const settle = (result: Effect.Effect<SentResponse, RelayError>) => {
    resumed = true
    resume(result)
  }
  const answer = (bytes: Buffer) => {
    release()
    settle(Effect.succeed({ status, headers, body: bodyOf(bytes), bytes: whole && isOk(status) ? bytes : undefined }))
  }
  // before the first byte a failure fails the attempt (the pipeline fails over); after it, the stream
  const failWith = (e: RelayError) => {
    const streamed = resumed && state === "streaming"
    release()
    if (streamed) {
      queue.push(new Error(e.message))
      if (starving) feed()
    } else if (!resumed) settle(Effect.fail(e))
  }
  const start = (payload: Start) => {
    status = statusOf(payload)
    headers = responseHeaders(payload?.headers ?? undefined)
    state = whole || !isOk(status) ? "accumulating" : "streaming"
  }
  const end = () => {
    release()
    enqueue(null)
  }

  return {
    deliver: (frame) => {
      switch (frame.type) {
        case "error":
          return failWith(errorOf(frame.payload))
        case "http_response": {
          const text = Buffer.from(frame.payload?.body ?? "", "utf8")
          const final = statusOf(frame.payload)
          if (state === "streaming" && resumed) {
            // a final body inside a stream is its last chunk; a failure status is an error, not data
            if (!isOk(final)) {
              return failWith(new RelayError({ message: `wsrelay: upstream answered ${final} during the stream: ${text.toString("utf8").slice(0, 500)}`, status: final }))
            }
            if (text.length > 0) enqueue(text)
            return end()
          }
          // after a streamed start, an empty final body means "what was streamed" (spec/03 C.5)
          const gathered = state === "accumulating" && text.length === 0 ? Buffer.concat(chunks) : text
          status = final
          headers = responseHeaders(frame.payload?.headers ?? undefined)
          return answer(gathered)
        }
        case "stream_start":
          if (state === "waiting") start(frame.payload)
          return
        case "stream_chunk": {
          if (state === "waiting") start({ status: 200 })
          const data = Buffer.from(frame.payload?.data ?? "", "utf8")
          if (data.length === 0) return
          if (state === "accumulating") chunks.push(data)
          else enqueue(data)
          return
        }
        case "stream_end":
          if (state === "waiting") start({ status: 200 })
          return state === "streaming" ? end() : answer(Buffer.concat(chunks))
      }
    },
    fail: (message) => failWith(new RelayError({ message, status: undefined })),
    interrupt: () => {
      if (state === "done") return
      hooks.send(Frames.cancel(rid))
      release()
    }
  }
}
