/**
 * The AI Studio Build relay (spec/03 part C): browser tabs connect on `GET /v1/ws`, each
 * becomes a session (and, through credential sync, an `aistudio-*` credential), and the
 * pipeline sends Gemini calls through them.
 */
import { randomInt } from "node:crypto"
import type { IncomingMessage } from "node:http"
import type { Duplex } from "node:stream"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Runtime from "effect/Runtime"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import { WebSocketServer, type WebSocket } from "ws"
import { ConfigService } from "../config/config-service.js"
import type { SentResponse } from "../providers/shared/send.js"
import type { HttpRequest } from "./frames.js"
import { notConnected, type RelayError } from "./pending.js"
import * as Session from "./session.js"

/** The relay service. @category models */
export interface Service {
  /** Completes the websocket handshake of a `GET /v1/ws` upgrade that passed the route and key checks, and opens a session. */
  readonly accept: (req: IncomingMessage, socket: Duplex, head: Buffer) => void
  /** The ids of the connected tabs now, then after every connect and disconnect. */
  readonly sessions: Stream.Stream<ReadonlyArray<string>>
  /** Sends one call through the tab `sessionId` (see Session.request). */
  readonly send: (sessionId: string, request: HttpRequest, whole: boolean) => Effect.Effect<SentResponse, RelayError>
  /** Closes every session with `wsrelay: manager stopped` and refuses new ones (shutdown). */
  readonly stop: Effect.Effect<void>
}

/** The relay. @category tags */
export class Relay extends Context.Tag("cli-proxy-api/Relay")<Relay, Service>() {}

/** Largest inbound frame (spec/03 C.3). @category constants */
export const MAX_FRAME_BYTES = 64 * 1024 * 1024

/** Credential ids of tabs start with this. @category constants */
export const SESSION_PREFIX = "aistudio-"

const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

/** `aistudio-` and 16 random characters of `[a-z0-9]`; clients cannot choose it. @category ids */
export const sessionId = (): string => {
  let s = SESSION_PREFIX
  for (let i = 0; i < 16; i++) s += alphabet[randomInt(alphabet.length)]
  return s
}

/** Why sessions close when `ws-auth` is switched on: they connected without a key. @category constants */
export const WS_AUTH_ENABLED = "wsrelay: ws-auth enabled, reconnect with a client key"

/**
 * Builds the relay: the websocket server (no listener of its own; the HTTP server hands
 * it upgrades), the sessions by id, and the ws-auth watch. Closing the scope closes every
 * session with `wsrelay: manager stopped`.
 * @category constructors
 */
export const make = (timing: Session.Timing = Session.defaultTiming) =>
  Effect.gen(function*() {
    const config = yield* ConfigService
    const runtime = yield* Effect.runtime<never>()
    const scope = yield* Effect.scope
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false })
    const sessions = new Map<string, Session.Session>()
    const ids = yield* SubscriptionRef.make<ReadonlyArray<string>>([])
    const publish = () => Runtime.runSync(runtime)(SubscriptionRef.set(ids, [...sessions.keys()]))
    let stopped = false

    const open = (ws: WebSocket) =>
      Effect.gen(function*() {
        const id = sessionId()
        const own = yield* Scope.fork(scope, ExecutionStrategy.sequential)
        const onClose = (cause: string) => {
          sessions.delete(id)
          publish()
          Runtime.runFork(runtime)(Effect.zipRight(Effect.logInfo(`AI Studio tab ${id} disconnected: ${cause}`), Scope.close(own, Exit.void)))
        }
        const session = yield* Scope.extend(Session.make(id, ws, timing, onClose), own)
        sessions.set(id, session)
        publish()
        yield* Effect.logInfo(`AI Studio tab connected as ${id}`)
      })

    const closeAll = (cause: string) => Effect.sync(() => {
      for (const s of [...sessions.values()]) s.close(cause)
    })

    const stop = Effect.suspend(() => {
      stopped = true
      return closeAll(Session.STOPPED)
    })

    // ws-auth switched on: the tabs that connected without a key must reconnect with one
    let wsAuth = config.current().wsAuth
    yield* config.changes.pipe(
      Stream.runForEach((c) => {
        const enabled = !wsAuth && c.wsAuth
        wsAuth = c.wsAuth
        return enabled ? closeAll(WS_AUTH_ENABLED) : Effect.void
      }),
      Effect.forkScoped
    )
    yield* Effect.addFinalizer(() => Effect.zipRight(stop, Effect.sync(() => wss.close())))

    return Relay.of({
      accept: (req, socket, head) =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          if (stopped) ws.close(1001, Session.STOPPED)
          else Runtime.runFork(runtime)(open(ws))
        }),
      sessions: ids.changes,
      send: (sessionId, request, whole) =>
        Effect.suspend(() => {
          const session = sessions.get(sessionId)
          return session === undefined
            ? Effect.fail(notConnected(sessionId))
            : session.request(request, whole)
        }),
      stop
    })
  })

/** The relay as a scoped Layer; `timing` is injectable so tests can use short keep-alive intervals. @category layers */
export const layer = (timing?: Session.Timing) => Layer.scoped(Relay, make(timing))

/** A relay without tabs, for embedding the pipeline without websockets: upgrades are refused, every send fails as not connected. @category layers */
export const layerTest = Layer.succeed(
  Relay,
  Relay.of({
    accept: (_req, socket) => void socket.destroy(),
    sessions: Stream.make([]),
    send: (sessionId) => Effect.fail(notConnected(sessionId)),
    stop: Effect.void
  })
)
