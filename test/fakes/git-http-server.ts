/**
 * A Git smart-HTTP server for tests: `git http-backend` run as CGI behind `node:http`,
 * serving bare repositories from a temp folder, with optional HTTP basic auth and an
 * outage switch (while down, every connection is dropped, as with a lost network).
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as Http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import { git } from "./git-cli.js"

const backendPath = "/usr/lib/git-core/git-http-backend"

/** Who may talk to the server; without it every request is served anonymously. */
export interface GitHttpAuth {
  readonly username: string
  readonly token: string
}

/** A running server. */
export interface GitHttpServer {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string
  /** The folder holding the bare repositories. */
  readonly root: string
  /** Creates an empty bare repository (branch `main`) and returns its URL and folder. */
  readonly createRepo: (name: string) => Effect.Effect<{ readonly url: string; readonly dir: string }>
  /** Drops every connection until `up`. */
  readonly down: Effect.Effect<void>
  readonly up: Effect.Effect<void>
  /** Requests served so far (not counting those dropped while down). */
  readonly served: () => number
}

const authorized = (req: Http.IncomingMessage, auth: GitHttpAuth | undefined) => {
  if (auth === undefined) return true
  const header = req.headers.authorization ?? ""
  const expected = `Basic ${Buffer.from(`${auth.username}:${auth.token}`).toString("base64")}`
  return header === expected
}

/** The CGI environment of one request (RFC 3875), with every request header as HTTP_*. */
const cgiEnv = (req: Http.IncomingMessage, root: string, user: string | undefined): NodeJS.ProcessEnv => {
  const url = new URL(req.url ?? "/", "http://localhost")
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: "1",
    // receive-pack is refused to anonymous users unless enabled explicitly
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "http.receivepack",
    GIT_CONFIG_VALUE_0: "true",
    REQUEST_METHOD: req.method ?? "GET",
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ""),
    CONTENT_TYPE: req.headers["content-type"] ?? "",
    REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
    ...(user !== undefined ? { REMOTE_USER: user } : {})
  }
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") env[`HTTP_${name.toUpperCase().replace(/-/g, "_")}`] = value
  }
  return env
}

/** Runs http-backend for one request, streaming the body in and the CGI answer out. */
const serveCgi = (req: Http.IncomingMessage, res: Http.ServerResponse, root: string, user: string | undefined) => {
  const child = spawn(backendPath, [], { env: cgiEnv(req, root, user), stdio: ["pipe", "pipe", "ignore"] })
  req.pipe(child.stdin)
  child.stdin.on("error", () => {})
  let head = Buffer.alloc(0)
  let headersSent = false
  child.stdout.on("data", (chunk: Buffer) => {
    if (headersSent) {
      res.write(chunk)
      return
    }
    head = Buffer.concat([head, chunk])
    const crlf = head.indexOf("\r\n\r\n")
    const lf = head.indexOf("\n\n")
    const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf
    if (end < 0) return
    const sep = end === crlf ? 4 : 2
    let status = 200
    for (const line of head.subarray(0, end).toString("latin1").split(/\r?\n/)) {
      const colon = line.indexOf(":")
      if (colon < 0) continue
      const name = line.slice(0, colon).trim()
      const value = line.slice(colon + 1).trim()
      if (name.toLowerCase() === "status") status = Number.parseInt(value, 10)
      else res.setHeader(name, value)
    }
    res.writeHead(status)
    headersSent = true
    res.write(head.subarray(end + sep))
  })
  child.stdout.on("end", () => {
    if (!headersSent) res.writeHead(502)
    res.end()
  })
  child.on("error", () => {
    if (!res.headersSent) res.writeHead(500)
    res.end()
  })
}

/** Starts a server on 127.0.0.1:0 for the current scope; its repositories are removed afterwards. */
export const make = (options: { readonly auth?: GitHttpAuth } = {}) =>
  Effect.gen(function*() {
    const root = yield* Effect.acquireRelease(
      Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "cpa-git-"))),
      (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
    )
    let isDown = false
    let served = 0
    const sockets = new Set<Socket>()
    const server = Http.createServer((req, res) => {
      if (isDown) {
        req.socket.destroy()
        return
      }
      if (!authorized(req, options.auth)) {
        res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"', "Content-Type": "text/plain" })
        res.end("authentication required\n")
        return
      }
      served++
      serveCgi(req, res, root, options.auth?.username)
    })
    server.on("connection", (socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    })
    const port = yield* Effect.acquireRelease(
      Effect.async<number>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
      }),
      () =>
        Effect.async<void>((resume) => {
          for (const s of sockets) s.destroy()
          server.close(() => resume(Effect.void))
        })
    )
    const baseUrl = `http://127.0.0.1:${port}`
    const service: GitHttpServer = {
      baseUrl,
      root,
      createRepo: (name) =>
        Effect.gen(function*() {
          const dir = path.join(root, `${name}.git`)
          yield* git(root, "init", "--quiet", "--bare", "--initial-branch=main", dir)
          return { url: `${baseUrl}/${name}.git`, dir }
        }),
      down: Effect.sync(() => {
        isDown = true
        // kept-alive connections would otherwise still be served
        for (const s of sockets) s.destroy()
      }),
      up: Effect.sync(() => void (isDown = false)),
      served: () => served
    }
    return service
  })
