/**
 * Shared machinery of the fake upstreams: a plain `node:http` server on 127.0.0.1:0 (socket
 * control is needed for resets and stalls), request recording, the FIFO reply script, and the
 * writer that applies delays, chunking, resets and stalls. One implementation, two faces: the
 * plain `start` (for bench scripts) and the scoped Effect `make` built on it.
 */
import * as Http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import * as Zlib from "node:zlib"
import { Effect } from "effect"
import type { Chunking, Cut, RecordedRequest, Reply, ScriptEntry } from "./script.js"

/** A response ready to send; the body is a list of frames (one per event for streams). @category models */
export interface Rendered {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly frames: ReadonlyArray<string>
  /** `true`: chunked transfer encoding; `false`: a Content-Length body. */
  readonly stream: boolean
}

/** Renders the success answer of a routed request from the scripted reply. @category models */
export type Handler = (request: RecordedRequest, reply: Reply) => Rendered

/** What makes a fake a particular upstream: its routes and its error JSON. @category models */
export interface FakeSpec {
  readonly name: string
  /** A handler (which consumes the next scripted reply), or an immediate answer (404, 401) that does not. */
  readonly route: (request: RecordedRequest) => Handler | Rendered
  /** The upstream's own error body for a status. */
  readonly errorBody: (status: number, message?: string) => string
}

/** Options shared by every fake. @category models */
export interface Options {
  /** Keep every request (default true); benchmarks may turn it off to bound memory. */
  readonly record?: boolean
  /** The answer used when the script is empty, instead of the fake's default success. */
  readonly fallback?: ScriptEntry
}

/** A started fake, usable without Effect (bench scripts). @category models */
export interface Running {
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string
  readonly port: number
  readonly requests: () => ReadonlyArray<RecordedRequest>
  /** Resolves with the request of that 0-based index once it has arrived. */
  readonly waitForRequest: (index: number) => Promise<RecordedRequest>
  /** Calls back once the request of that index has arrived; returns a canceller. */
  readonly onRequest: (index: number, callback: (request: RecordedRequest) => void) => () => void
  /** Calls back once the response to the request of that index has closed; returns a canceller. */
  readonly onClosed: (index: number, callback: (closed: Closed) => void) => () => void
  readonly enqueue: (...entries: ReadonlyArray<ScriptEntry>) => void
  readonly setFallback: (entry: ScriptEntry | undefined) => void
  /** Scripted replies not consumed yet. */
  readonly pending: () => number
  /** Forget recorded requests and scripted replies; indices restart at 0. */
  readonly clear: () => void
  /** Stop listening and destroy every open connection, stalled ones included. */
  readonly close: () => Promise<void>
}

/** How the response to a request ended. @category models */
export interface Closed {
  /** Wall-clock time the response closed, epoch milliseconds. */
  readonly at: number
  /** `false` when the connection went away before the whole response was sent (client abort, stall, reset). */
  readonly complete: boolean
}

/** The Effect face of a fake, provided by each fake's Context.Tag. @category models */
export interface Service {
  readonly url: string
  readonly port: number
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  /** Waits for the request of that 0-based index. */
  readonly request: (index: number) => Effect.Effect<RecordedRequest>
  /** Waits until the response to the request of that index has closed (sent in full, or the connection dropped). */
  readonly closed: (index: number) => Effect.Effect<Closed>
  readonly enqueue: (...entries: ReadonlyArray<ScriptEntry>) => Effect.Effect<void>
  readonly setFallback: (entry: ScriptEntry | undefined) => Effect.Effect<void>
  readonly pending: Effect.Effect<number>
  readonly clear: Effect.Effect<void>
}

/** A JSON answer. @category constructors */
export const json = (
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
  space?: number
): Rendered => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  frames: [typeof body === "string" ? body : JSON.stringify(body, null, space)],
  stream: false
})

/** An SSE answer from already framed events. @category constructors */
export const sse = (frames: ReadonlyArray<string>, headers: Readonly<Record<string, string>> = {}): Rendered => ({
  status: 200,
  headers: { "content-type": "text/event-stream", "cache-control": "no-cache", ...headers },
  frames,
  stream: true
})

const lowerKeys = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))

/** Applies the generic parts of a reply (raw body, raw events, error status, headers). @internal */
export const renderReply = (spec: FakeSpec, request: RecordedRequest, reply: Reply, handler: Handler): Rendered => {
  const base: Rendered =
    reply.body !== undefined
      ? json(reply.status ?? 200, reply.body)
      : reply.events !== undefined
        ? { ...sse(reply.events), status: reply.status ?? 200 }
        : reply.status !== undefined && reply.status >= 400
          ? json(reply.status, spec.errorBody(reply.status, reply.errorMessage))
          : handler(request, reply)
  return {
    ...base,
    status: reply.status ?? base.status,
    headers: { ...base.headers, ...lowerKeys(reply.headers ?? {}) }
  }
}

type Action = "reset" | "stall" | "end"

// Negative positions count from the end: `{ afterEvents: -1 }` is everything but the last event.
const cutOffset = (cut: Cut, frames: ReadonlyArray<Buffer>, total: number): number => {
  if ("afterBytes" in cut) return Math.max(0, Math.min(cut.afterBytes < 0 ? total + cut.afterBytes : cut.afterBytes, total))
  const count = cut.afterEvents < 0 ? frames.length + cut.afterEvents : cut.afterEvents
  let offset = 0
  for (const frame of frames.slice(0, Math.max(0, count))) offset += frame.length
  return offset
}

/** The earliest of the reply's reset / stall / end cuts. @internal */
export const firstCut = (
  reply: Reply,
  frames: ReadonlyArray<Buffer>,
  total: number
): { readonly action: Action; readonly offset: number } | undefined => {
  let best: { readonly action: Action; readonly offset: number } | undefined
  const consider = (action: Action, cut: Cut | "before-headers" | undefined) => {
    if (cut === undefined || cut === "before-headers") return
    const offset = cutOffset(cut, frames, total)
    if (best === undefined || offset < best.offset) best = { action, offset }
  }
  consider("reset", reply.reset)
  consider("stall", reply.stall)
  consider("end", reply.end)
  return best
}

/** Splits the first `limit` bytes of the frames into socket writes. @internal */
export const plan = (frames: ReadonlyArray<Buffer>, chunking: Chunking, limit: number): Array<Buffer> => {
  if (chunking === "events") {
    const out: Array<Buffer> = []
    let used = 0
    for (const frame of frames) {
      if (used >= limit) break
      const take = Math.min(frame.length, limit - used)
      if (take > 0) out.push(take === frame.length ? frame : frame.subarray(0, take))
      used += take
    }
    return out
  }
  const all = Buffer.concat(frames).subarray(0, limit)
  if (chunking === "whole") return all.length === 0 ? [] : [all]
  const sizes = typeof chunking === "number" ? [chunking] : chunking
  const out: Array<Buffer> = []
  for (let at = 0, i = 0; at < all.length; i++) {
    const size = Math.max(1, Math.floor(sizes[Math.min(i, sizes.length - 1)] ?? all.length))
    out.push(all.subarray(at, at + size))
    at += size
  }
  return out
}

// Concatenated gzip members are one valid gzip stream, so each event can be its own member.
const encode = (frames: ReadonlyArray<Buffer>, encoding: Reply["encoding"]): ReadonlyArray<Buffer> =>
  encoding === "gzip"
    ? frames.map((f) => Zlib.gzipSync(f))
    : encoding === "br"
      ? [Zlib.brotliCompressSync(Buffer.concat(frames))]
      : encoding === "deflate"
        ? [Zlib.deflateSync(Buffer.concat(frames))]
        : frames

const headerRecord = (headers: Http.IncomingHttpHeaders): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return out
}

const parseJson = (text: string): unknown => {
  if (text.trim() === "") return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Starts a fake on 127.0.0.1:0; the caller must `close` it. @category constructors */
export const start = (spec: FakeSpec, options: Options = {}): Promise<Running> => {
  const record = options.record ?? true
  let fallback = options.fallback
  let recorded: Array<RecordedRequest> = []
  let arrived = 0
  let queue: Array<ScriptEntry> = []
  let waiters: Array<{ readonly index: number; readonly callback: (r: RecordedRequest) => void }> = []
  let closings = new Map<number, Closed>()
  let closeWaiters: Array<{ readonly index: number; readonly callback: (c: Closed) => void }> = []
  let closed = false
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })

  const gone = (res: Http.ServerResponse) => closed || res.destroyed || res.socket === null || res.socket.destroyed

  const deliver = async (res: Http.ServerResponse, rendered: Rendered, reply: Reply): Promise<void> => {
    if (reply.delayMs !== undefined && reply.delayMs > 0) await sleep(reply.delayMs)
    if (gone(res)) return
    if (reply.reset === "before-headers") {
      res.socket?.resetAndDestroy()
      return
    }
    if (reply.stall === "before-headers") return
    const frames = encode(rendered.frames.map((f) => Buffer.from(f, "utf8")), reply.encoding)
    const total = frames.reduce((n, f) => n + f.length, 0)
    const cut = firstCut(reply, frames, total)
    const headers: Record<string, string> = { ...rendered.headers }
    if (reply.encoding !== undefined) headers["content-encoding"] = reply.encoding
    // A clean early end of a Content-Length body declares the shorter length (a truncated but well-framed body).
    const length = cut?.action === "end" ? cut.offset : total
    if (!rendered.stream && headers["content-length"] === undefined) headers["content-length"] = String(length)
    res.writeHead(rendered.status, headers)
    const writes = plan(frames, reply.chunking ?? "events", cut?.offset ?? total)
    for (let i = 0; i < writes.length; i++) {
      if (i > 0 && reply.chunkDelayMs !== undefined && reply.chunkDelayMs > 0) await sleep(reply.chunkDelayMs)
      if (gone(res)) return
      const chunk = writes[i]
      if (chunk !== undefined && !res.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off("drain", done)
            res.off("close", done)
            resolve()
          }
          res.on("drain", done)
          res.on("close", done)
        })
      }
    }
    if (gone(res)) return
    if (cut === undefined || cut.action === "end") {
      res.end()
      return
    }
    if (writes.length === 0) res.flushHeaders()
    if (cut.action === "reset") {
      // Close after what was written has left, without the chunked terminator or the rest of a
      // Content-Length body, so the client sees the bytes so far and then a broken body.
      const socket = res.socket
      socket?.end(() => socket.destroy())
    }
    // "stall": nothing more is sent; the client or close() ends the connection.
  }

  const answer = (res: Http.ServerResponse, request: RecordedRequest) => {
    let rendered: Rendered
    let reply: Reply = {}
    try {
      const routed = spec.route(request)
      if (typeof routed === "function") {
        const entry = queue.shift() ?? fallback ?? {}
        reply = typeof entry === "function" ? entry(request) : entry
        rendered = renderReply(spec, request, reply, routed)
      } else {
        rendered = routed
      }
    } catch (error) {
      // A bug in a fake or a script: answer loudly rather than hang the test.
      rendered = json(500, { error: `fake ${spec.name} failed: ${String(error)}` })
      reply = {}
    }
    void deliver(res, rendered, reply).catch(() => res.destroy())
  }

  const server = Http.createServer((req, res) => {
    // A fake lives on real sockets and real time, so the wall clock is the right clock here.
    const receivedAt = Date.now()
    res.on("error", () => {})
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("error", () => {})
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8")
      const target = req.url ?? "/"
      const url = new URL(target, "http://127.0.0.1")
      const request: RecordedRequest = {
        index: arrived++,
        method: req.method ?? "GET",
        path: url.pathname,
        url: target,
        query: Object.fromEntries(url.searchParams),
        headers: headerRecord(req.headers),
        body,
        json: parseJson(body),
        receivedAt
      }
      if (record) recorded.push(request)
      // 'close' fires once the response is sent or its connection is gone, whichever comes first
      res.once("close", () => {
        const closing: Closed = { at: Date.now(), complete: res.writableFinished }
        if (record) closings.set(request.index, closing)
        const due = closeWaiters.filter((w) => w.index === request.index)
        closeWaiters = closeWaiters.filter((w) => w.index !== request.index)
        for (const w of due) w.callback(closing)
      })
      const ready = waiters.filter((w) => w.index === request.index)
      waiters = waiters.filter((w) => w.index !== request.index)
      for (const w of ready) w.callback(request)
      answer(res, request)
    })
  })
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("error", () => {})
    socket.on("close", () => sockets.delete(socket))
  })

  const onRequest = (index: number, callback: (request: RecordedRequest) => void): (() => void) => {
    const known = recorded.find((r) => r.index === index)
    if (known !== undefined) {
      callback(known)
      return () => {}
    }
    const waiter = { index, callback }
    waiters.push(waiter)
    return () => {
      waiters = waiters.filter((w) => w !== waiter)
    }
  }

  const onClosed = (index: number, callback: (closed: Closed) => void): (() => void) => {
    const known = closings.get(index)
    if (known !== undefined) {
      callback(known)
      return () => {}
    }
    const waiter = { index, callback }
    closeWaiters.push(waiter)
    return () => {
      closeWaiters = closeWaiters.filter((w) => w !== waiter)
    }
  }

  const close = () =>
    new Promise<void>((resolve) => {
      if (closed) return resolve()
      closed = true
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      server.close(() => resolve())
      for (const socket of sockets) socket.destroy()
    })

  return new Promise<Running>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        requests: () => [...recorded],
        waitForRequest: (index) => new Promise((done) => void onRequest(index, done)),
        onRequest,
        onClosed,
        enqueue: (...entries) => void queue.push(...entries),
        setFallback: (entry) => void (fallback = entry),
        pending: () => queue.length,
        clear: () => {
          recorded = []
          closings = new Map()
          queue = []
          arrived = 0
        },
        close
      })
    })
  })
}

/** The Effect face of a running fake. @category constructors */
export const toService = (running: Running): Service => ({
  url: running.url,
  port: running.port,
  requests: Effect.sync(running.requests),
  request: (index) =>
    Effect.async<RecordedRequest>((resume) => {
      const cancel = running.onRequest(index, (r) => resume(Effect.succeed(r)))
      return Effect.sync(cancel)
    }),
  closed: (index) =>
    Effect.async<Closed>((resume) => {
      const cancel = running.onClosed(index, (c) => resume(Effect.succeed(c)))
      return Effect.sync(cancel)
    }),
  enqueue: (...entries) => Effect.sync(() => running.enqueue(...entries)),
  setFallback: (entry) => Effect.sync(() => running.setFallback(entry)),
  pending: Effect.sync(running.pending),
  clear: Effect.sync(running.clear)
})

/** Starts a fake for the current scope; closing the scope closes it. @category constructors */
export const make = (spec: FakeSpec, options: Options = {}) =>
  Effect.acquireRelease(
    Effect.promise(() => start(spec, options)),
    (running) => Effect.promise(() => running.close())
  ).pipe(Effect.map(toService))
