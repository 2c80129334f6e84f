import { IncomingMessage, ServerResponse } from "node:http"
import type { Socket } from "node:net"
import type { Duplex } from "node:stream"
import type { Config } from "../config/schema.js"
import type * as AppLog from "../logging/app-log.js"
import { maskQuery } from "../logging/redact.js"
import type * as Relay from "../relay/relay.js"
import { makeClientKeys } from "./client-keys.js"
import type { FrontDoor } from "./front-door.js"

/** What the upgrade handler needs. @category models */
export interface UpgradeDeps {
  readonly config: () => Config
  readonly relay: Relay.Service
  readonly log: AppLog.Service
  /** Answers every other upgrade request as a plain request (Codex's websocket try on /v1/responses gets its 426). */
  readonly frontDoor: FrontDoor
}

/** The node:http `upgrade` handler. @category handlers */
export type Upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => void

/** A plain HTTP answer on an upgrade request's socket, which closes after it. */
const responseOn = (req: IncomingMessage, socket: Duplex): ServerResponse => {
  const res = new ServerResponse(req)
  res.shouldKeepAlive = false
  res.assignSocket(socket as Socket)
  res.once("finish", () => socket.end(() => socket.destroy()))
  return res
}

/**
 * Any other upgrade request (curl's `--http2` sends `Upgrade: h2c`) as the plain request it
 * would be without an upgrade listener: Node leaves its body on the socket (the first bytes
 * in `head`), so a Content-Length body is fed back from there. A chunked one is refused.
 */
const plainRequest = (req: IncomingMessage, socket: Duplex, head: Buffer): IncomingMessage | undefined => {
  if (req.headers["transfer-encoding"] !== undefined) return undefined
  const plain = new IncomingMessage(socket as Socket)
  plain.method = req.method ?? "GET"
  plain.url = req.url ?? "/"
  plain.headers = req.headers
  plain.rawHeaders = req.rawHeaders
  plain.httpVersion = req.httpVersion
  let left = Number(req.headers["content-length"] ?? 0) || 0
  const take = (chunk: Buffer) => {
    const part = chunk.subarray(0, left)
    left -= part.length
    if (part.length > 0) plain.push(part)
    if (left === 0) {
      socket.off("data", take)
      plain.push(null)
    }
  }
  if (left > 0) socket.on("data", take)
  take(head)
  return plain
}

/**
 * The relay's door (spec/03 C.2): only `GET /v1/ws` is upgraded; with `ws-auth: true` it
 * needs a client key (browsers cannot set headers on a websocket, so `?auth_token=` is the
 * usual way) and answers 401 `{"error":"Missing API key"}` / `{"error":"Invalid API key"}`
 * without one. Any origin is accepted. Other upgrade requests get the front door's answer.
 * @category constructors
 */
export const makeUpgrade = (deps: UpgradeDeps): Upgrade => (req, socket, head) => {
  socket.on("error", () => socket.destroy())
  const target = req.url ?? "/"
  const q = target.indexOf("?")
  const pathname = q < 0 ? target : target.slice(0, q)
  const refuse = (status: number, error: string, headers: Record<string, string> = {}) => {
    deps.log.write("warn", `${req.method} ${maskQuery(target)} ${status} ${req.socket.remoteAddress ?? "-"} upgrade refused: ${error}`)
    const body = JSON.stringify({ error })
    responseOn(req, socket)
      .writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), ...headers })
      .end(body)
  }
  if (pathname !== "/v1/ws" && pathname !== "/v1/ws/") {
    const plain = plainRequest(req, socket, head)
    return plain === undefined ? refuse(400, "a chunked body cannot come with an Upgrade header") : deps.frontDoor(plain, responseOn(plain, socket))
  }
  if (req.method !== "GET") return refuse(405, "method not allowed", { allow: "GET" })
  const config = deps.config()
  if (config.wsAuth) {
    // upgrades are rare: the key table is built per attempt, not cached
    const check = makeClientKeys(config.apiKeys).check(req.headers, new URLSearchParams(q < 0 ? "" : target.slice(q + 1)))
    if (check._tag === "Missing") return refuse(401, "Missing API key")
    if (check._tag === "Invalid") return refuse(401, "Invalid API key")
  }
  deps.log.write("info", `${req.method} ${maskQuery(target)} 101 ${req.socket.remoteAddress ?? "-"} websocket`)
  deps.relay.accept(req, socket, head)
}
