import { createServer, type Server } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ConfigService } from "../config/config-service.js"
import { AppLog } from "../logging/app-log.js"
import { Pipeline } from "../pipeline/pipeline.js"
import { Relay } from "../relay/relay.js"
import { makeFrontDoor } from "./front-door.js"
import { managementApp } from "../management/app.js"
import { infoApp } from "./info-app.js"
import { makeUpgrade } from "./ws-upgrade.js"

/** Where the server listens, once it does. @category models */
export interface Service {
  readonly host: string
  readonly port: number
  /** A URL clients on this machine can use, e.g. `http://127.0.0.1:8317`. */
  readonly url: string
}

/** The listening HTTP server. @category tags */
export class HttpListener extends Context.Tag("cli-proxy-api/HttpListener")<HttpListener, Service>() {}

/** Listen overrides, for tests (`port: 0`) and the CLI. @category models */
export interface ListenOptions {
  readonly port?: number
  readonly host?: string
  /** How long in-flight requests may run after shutdown starts (default 10 s). */
  readonly drain?: Duration.DurationInput
  /** Another copy of the control panel (`MANAGEMENT_STATIC_PATH`); undefined reads the environment. */
  readonly managementStaticPath?: string
}

const listen = (server: Server, port: number, host: string | undefined) =>
  Effect.async<AddressInfo, Error>((resume) => {
    const onError = (e: Error) => resume(Effect.fail(e))
    server.once("error", onError)
    server.listen({ port, ...(host ? { host } : {}) }, () => {
      server.off("error", onError)
      resume(Effect.succeed(server.address() as AddressInfo))
    })
  })

/**
 * Graceful close: stop accepting, let in-flight requests finish within the drain time,
 * then cut what is left (a stalled stream must not hold the process forever).
 */
const shutdown = (server: Server, sockets: Set<Socket>, drain: Duration.Duration) =>
  Effect.async<void>((resume) => {
    let done = false
    const finish = () => {
      if (done) return
      done = true
      clearTimeout(timer)
      clearInterval(sweep)
      resume(Effect.void)
    }
    server.close(() => finish())
    // sockets that finish their last response become idle; close those as they appear
    const sweep = setInterval(() => server.closeIdleConnections(), 50)
    server.closeIdleConnections()
    const timer = setTimeout(() => {
      server.closeAllConnections()
      for (const s of sockets) s.destroy()
      finish()
    }, Duration.toMillis(drain))
  })

/**
 * Starts the server: front door for every route, the AI Studio relay on `GET /v1/ws`,
 * closed gracefully with the scope (relay sessions first, so they do not hold the drain).
 * @category constructors
 */
export const make = (options: ListenOptions = {}) =>
  Effect.gen(function*() {
    const config = yield* ConfigService
    const log = yield* AppLog
    const pipeline = yield* Pipeline
    const relay = yield* Relay
    const runtime = yield* Effect.runtime<never>()
    const info = yield* NodeHttpServer.makeHandler(infoApp)
    const management = yield* NodeHttpServer.makeHandler(managementApp)
    const panelPath = options.managementStaticPath ?? process.env.MANAGEMENT_STATIC_PATH
    const frontDoor = makeFrontDoor({
      config: config.current,
      log,
      info,
      management,
      pipeline,
      runtime,
      logsDir: config.logsDir,
      panelPath
    })

    const server = createServer({ keepAliveTimeout: 65_000 }, frontDoor)
    server.on("upgrade", makeUpgrade({ config: config.current, relay, log, frontDoor }))
    const sockets = new Set<Socket>()
    server.on("connection", (s) => {
      sockets.add(s)
      s.once("close", () => sockets.delete(s))
    })
    // a malformed request line or header gets a 400, never a crash
    server.on("clientError", (_e, socket) => {
      if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
      else socket.destroy()
    })
    const startConfig = config.current()
    const host = options.host ?? startConfig.host
    const port = options.port ?? startConfig.port
    const address = yield* Effect.acquireRelease(
      listen(server, port, host).pipe(
        Effect.mapError((e) => new ListenError({ message: `cannot listen on ${host ?? "*"}:${port}: ${e.message}` }))
      ),
      () => Effect.zipRight(relay.stop, shutdown(server, sockets, Duration.decode(options.drain ?? "10 seconds")))
    )
    const shownHost = host === undefined || host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host
    const urlHost = shownHost.includes(":") ? `[${shownHost}]` : shownHost
    return HttpListener.of({ host: host ?? "0.0.0.0", port: address.port, url: `http://${urlHost}:${address.port}` })
  })

/** Why the server could not start listening. @category errors */
export class ListenError extends Data.TaggedError("ListenError")<{ readonly message: string }> {}

/** The server as a scoped Layer. @category layers */
export const layer = (options?: ListenOptions) =>
  Layer.scoped(HttpListener, make(options))
