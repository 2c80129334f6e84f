/**
 * One connected AI Studio tab (spec/03 C.3-C.5): the websocket, the requests in flight on
 * it (their reply frames routed by id to pending.ts), and its keep-alive. While any
 * request's reply queue is full the socket is not read, so no frame is ever dropped.
 */
import { randomUUID } from "node:crypto"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Scope from "effect/Scope"
import type { WebSocket } from "ws"
import type { SentResponse } from "../providers/shared/send.js"
import * as Frames from "./frames.js"
import * as Pending from "./pending.js"
import type { RelayError } from "./pending.js"

/** Keep-alive timing: a ping every `pingInterval`; no pong for `readDeadline` closes the session. @category models */
export interface Timing {
  readonly pingInterval: Duration.DurationInput
  readonly readDeadline: Duration.DurationInput
}

/** The Go version's timing: ping every 30 s, read deadline 60 s. @category constants */
export const defaultTiming: Timing = { pingInterval: "30 seconds", readDeadline: "60 seconds" }

/** A connected tab. @category models */
export interface Session {
  readonly id: string
  /**
   * Sends one HTTP call through the tab. With `whole`, a 2xx answer arrives read whole in
   * `bytes`; otherwise a 2xx stream resolves as soon as it starts, its body fed frame by
   * frame. A non-2xx answer always arrives whole, as the body to read. Interrupting the
   * effect, or destroying the body before its end, sends the tab a `cancel` frame.
   */
  readonly request: (request: Frames.HttpRequest, whole: boolean) => Effect.Effect<SentResponse, RelayError>
  /** Closes the session: every request in flight fails with `cause`. Idempotent. */
  readonly close: (cause: string) => void
}

/**
 * Wraps an open websocket as a session: routes reply frames to their requests, answers
 * `ping` frames, answers a malformed frame with an `error` frame (the session stays open),
 * pings every `pingInterval` and closes when no pong came for `readDeadline`. The session
 * closes with the scope; `onClose` runs once, first, whatever closed it.
 * @category constructors
 */
export const make = (
  id: string,
  ws: WebSocket,
  timing: Timing,
  onClose: (cause: string) => void
): Effect.Effect<Session, never, Scope.Scope> =>
  Effect.gen(function*() {
    const clock = yield* Effect.clock
    const pending = new Map<string, Pending.Pending>()
    // requests whose body is full: the socket is not read while any is
    const pausers = new Set<string>()
    let closed: string | undefined
    let lastPong = clock.unsafeCurrentTimeMillis()

    const send = (text: string) => {
      if (ws.readyState === ws.OPEN) ws.send(text)
    }
    const pause = (rid: string) => {
      pausers.add(rid)
      if (pausers.size === 1) ws.pause()
    }
    const unpause = (rid: string) => {
      if (pausers.delete(rid) && pausers.size === 0) ws.resume()
    }

    const close = (cause: string) => {
      if (closed !== undefined) return
      closed = cause
      onClose(cause)
      for (const p of [...pending.values()]) p.fail(cause)
      pausers.clear()
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
        // the close reason is limited to 123 bytes
        ws.close(cause === STOPPED ? 1001 : 1000, Buffer.from(cause).subarray(0, 123).toString())
      }
      // a peer that does not complete the close handshake is cut after a second
      setTimeout(() => ws.terminate(), 1000).unref()
    }

    const request = (req: Frames.HttpRequest, whole: boolean) =>
      Effect.async<SentResponse, RelayError>((resume) => {
        if (closed !== undefined) {
          resume(Effect.fail(Pending.notConnected(id)))
          return
        }
        const rid = randomUUID()
        const entry = Pending.make(rid, whole, {
          send,
          pause: () => pause(rid),
          unpause: () => unpause(rid),
          release: () => {
            pending.delete(rid)
            unpause(rid)
          }
        }, resume)
        pending.set(rid, entry)
        send(Frames.httpRequest(rid, req, new Date(clock.unsafeCurrentTimeMillis())))
        // interrupted before the answer was handed over: the client went away
        return Effect.sync(entry.interrupt)
      })

    const onText = (text: string) => {
      const decoded = Frames.decode(text)
      if (Either.isLeft(decoded)) {
        const { id: named, reason } = decoded.left
        send(Frames.error(named, reason))
        // a reply that cannot be read leaves its request without a trustworthy answer
        if (named !== undefined) pending.get(named)?.fail(`wsrelay: malformed reply frame: ${reason}`)
        return
      }
      const frame = decoded.right
      if (frame.type === "ping") return send(Frames.pong(frame.id))
      pending.get(frame.id)?.deliver(frame) // unknown ids (late frames of finished requests) are ignored
    }

    ws.on("message", (data: Buffer | ArrayBuffer | Array<Buffer>) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)
      onText(buf.toString("utf8"))
    })
    ws.on("pong", () => {
      lastPong = clock.unsafeCurrentTimeMillis()
    })
    ws.on("error", (e) => close(`wsrelay: ${e.message}`))
    ws.on("close", (code) => close(`wsrelay: connection closed (code ${code})`))

    const ping = Effect.sync(() => {
      if (ws.readyState !== ws.OPEN) return
      ws.ping("ping", undefined, (e) => {
        if (e) close(`wsrelay: ping failed: ${e.message}`)
      })
    })
    const deadline = Duration.toMillis(timing.readDeadline)
    // the read deadline moves only with pongs, as in the Go version
    const watchDeadline = Effect.gen(function*() {
      while (true) {
        const left = lastPong + deadline - (yield* Clock.currentTimeMillis)
        if (left <= 0) return close("wsrelay: read deadline exceeded (no pong)")
        yield* Effect.sleep(Duration.millis(left))
      }
    })
    yield* Effect.forkScoped(Effect.forever(Effect.zipRight(Effect.sleep(timing.pingInterval), ping)))
    yield* Effect.forkScoped(watchDeadline)
    yield* Effect.addFinalizer(() => Effect.sync(() => close(STOPPED)))
    return { id, request, close }
  })

/** The cause every session closes with when the server stops. @category constants */
export const STOPPED = "wsrelay: manager stopped"
