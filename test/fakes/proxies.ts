/**
 * Fake outbound proxies for tests (spec/02 §12): an HTTP CONNECT proxy and a SOCKS5 proxy
 * (RFC 1928 CONNECT, RFC 1929 username/password), each on 127.0.0.1:0. Both count the tunnels
 * they carried, with the target asked for and the user name given, so a test can prove a call went
 * through the proxy and that keep-alive reused one tunnel. `hosts` maps target host names to
 * addresses, so a test can aim at a name only the proxy can resolve (a direct call would fail).
 */
import * as Http from "node:http"
import * as Net from "node:net"
import type { AddressInfo } from "node:net"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** One tunnel the proxy opened. @category models */
export interface Tunnel {
  /** The target as the client asked for it, `host:port` (IPv6 in brackets). */
  readonly target: string
  /** The user name the client authenticated with, if it did. */
  readonly user: string | undefined
}

/** Options of both fakes. @category models */
export interface Options {
  /** Credentials the proxy demands; without them any client is let through. */
  readonly credentials?: { readonly user: string; readonly password: string }
  /** Target host name -> address to dial instead (e.g. `{ "upstream.test": "127.0.0.1" }`). */
  readonly hosts?: Readonly<Record<string, string>>
}

/** A started fake proxy, usable without Effect. @category models */
export interface Running {
  /** `http://127.0.0.1:<port>` or `socks5://127.0.0.1:<port>`, without credentials. */
  readonly url: string
  readonly port: number
  /** Every tunnel opened so far, in order. */
  readonly tunnels: () => ReadonlyArray<Tunnel>
  /** Tunnels still open. */
  readonly open: () => number
  /** Handshakes refused for missing or wrong credentials. */
  readonly rejected: () => number
  /** Stop listening and destroy every tunnel. */
  readonly close: () => Promise<void>
}

/** The Effect face of a fake proxy. @category models */
export interface Service {
  readonly url: string
  readonly port: number
  readonly tunnels: Effect.Effect<ReadonlyArray<Tunnel>>
  readonly open: Effect.Effect<number>
  readonly rejected: Effect.Effect<number>
}

/** The fake HTTP CONNECT proxy. @category tags */
export class HttpConnectProxyFake extends Context.Tag("cli-proxy-api/test/HttpConnectProxyFake")<
  HttpConnectProxyFake,
  Service
>() {}

/** The fake SOCKS5 proxy. @category tags */
export class Socks5ProxyFake extends Context.Tag("cli-proxy-api/test/Socks5ProxyFake")<Socks5ProxyFake, Service>() {}

/** The proxy URL with credentials in it, percent-encoded. @category constructors */
export const withCredentials = (url: string, user: string, password: string): string => {
  const u = new URL(url)
  u.username = encodeURIComponent(user)
  u.password = encodeURIComponent(password)
  return u.href.replace(/\/$/, "")
}

// Bookkeeping shared by both fakes: every socket (to close them all) and the tunnels.
const makeBook = (options: Options) => {
  const sockets = new Set<Net.Socket>()
  const tunnels: Array<Tunnel> = []
  let open = 0
  let rejected = 0
  const track = (socket: Net.Socket) => {
    sockets.add(socket)
    socket.on("error", () => {})
    socket.on("close", () => sockets.delete(socket))
  }
  const dial = (host: string, port: number) => {
    const upstream = Net.connect({ host: options.hosts?.[host] ?? host, port })
    track(upstream)
    return upstream
  }
  // Called once the target answered: records the tunnel and pipes both ways until either side ends.
  const splice = (client: Net.Socket, upstream: Net.Socket, tunnel: Tunnel, early: Buffer) => {
    tunnels.push(tunnel)
    open++
    upstream.once("close", () => {
      open--
      client.destroy()
    })
    client.once("close", () => upstream.destroy())
    if (early.length > 0) upstream.write(early)
    client.pipe(upstream)
    upstream.pipe(client)
  }
  return {
    sockets,
    track,
    dial,
    splice,
    reject: () => void rejected++,
    running: (server: Net.Server, scheme: string): Running => {
      const port = (server.address() as AddressInfo).port
      return {
        url: `${scheme}://127.0.0.1:${port}`,
        port,
        tunnels: () => [...tunnels],
        open: () => open,
        rejected: () => rejected,
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve())
            for (const socket of sockets) socket.destroy()
          })
      }
    }
  }
}

const listen = (server: Net.Server): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve())
  })

// `host:port` with IPv6 hosts in brackets, as CONNECT request targets are written.
const splitTarget = (target: string): { readonly host: string; readonly port: number } | undefined => {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(target)
  if (match === null) return undefined
  return { host: match[1] ?? match[2] ?? "", port: Number(match[3]) }
}

const basicUser = (header: string | undefined): { readonly user: string; readonly password: string } | undefined => {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "")
  if (match?.[1] === undefined) return undefined
  const decoded = Buffer.from(match[1], "base64").toString("utf8")
  const colon = decoded.indexOf(":")
  return colon < 0 ? { user: decoded, password: "" } : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/** Starts an HTTP CONNECT proxy on 127.0.0.1:0; the caller must `close` it. @category constructors */
export const startHttpConnect = async (options: Options = {}): Promise<Running> => {
  const book = makeBook(options)
  const server = Http.createServer((_req, res) => {
    // Only tunnels: a forward-proxy request (absolute URI) means the client was set up wrongly.
    res.writeHead(405, { "content-type": "text/plain" }).end("this fake proxy only supports CONNECT\n")
  })
  server.on("connection", book.track)
  server.on("connect", (req: Http.IncomingMessage, client: Net.Socket, head: Buffer) => {
    const given = basicUser(req.headers["proxy-authorization"])
    const wanted = options.credentials
    if (wanted !== undefined && (given?.user !== wanted.user || given.password !== wanted.password)) {
      book.reject()
      client.end("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"fake\"\r\nContent-Length: 0\r\n\r\n")
      return
    }
    const target = splitTarget(req.url ?? "")
    if (target === undefined) {
      client.end("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
      return
    }
    const upstream = book.dial(target.host, target.port)
    upstream.once("error", () => client.end("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"))
    upstream.once("connect", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n")
      book.splice(client, upstream, { target: req.url ?? "", user: given?.user }, head)
    })
  })
  await listen(server)
  return book.running(server, "http")
}

// Reads a SOCKS handshake from a socket: resolves once `n` bytes have arrived.
const makeReader = (socket: Net.Socket) => {
  let buffered = Buffer.alloc(0)
  let waiting: { readonly n: number; readonly resolve: (b: Buffer | undefined) => void } | undefined
  let closed = false
  const pump = () => {
    if (waiting === undefined) return
    const { n, resolve } = waiting
    if (buffered.length >= n) {
      waiting = undefined
      const out = buffered.subarray(0, n)
      buffered = buffered.subarray(n)
      resolve(out)
    } else if (closed) {
      waiting = undefined
      resolve(undefined)
    }
  }
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk])
    pump()
  }
  const onEnd = () => {
    closed = true
    pump()
  }
  socket.on("data", onData)
  socket.on("close", onEnd)
  return {
    /** `n` bytes, or `undefined` when the client went away first. */
    read: (n: number) =>
      new Promise<Buffer | undefined>((resolve) => {
        waiting = { n, resolve }
        pump()
      }),
    /** Stops reading and returns what arrived beyond the handshake. */
    release: () => {
      socket.off("data", onData)
      socket.off("close", onEnd)
      socket.pause()
      return buffered
    }
  }
}

const NO_AUTH = 0x00
const USER_PASS = 0x02
const NO_METHOD = 0xff

// RFC 1928 reply with an IPv4 zero bound address; clients ignore BND for CONNECT.
const socksReply = (code: number) => Buffer.from([0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0])

const socksSession = async (client: Net.Socket, options: Options, book: ReturnType<typeof makeBook>) => {
  const reader = makeReader(client)
  const greeting = await reader.read(2)
  if (greeting?.[0] !== 0x05) return void client.destroy()
  const methods = await reader.read(greeting[1] ?? 0)
  if (methods === undefined) return
  // User/password whenever offered (so the user name is recorded); "no auth" only when none is required.
  const method = methods.includes(USER_PASS) ? USER_PASS : options.credentials === undefined && methods.includes(NO_AUTH) ? NO_AUTH : NO_METHOD
  client.write(Buffer.from([0x05, method]))
  if (method === NO_METHOD) {
    book.reject()
    return void client.end()
  }
  let user: string | undefined
  if (method === USER_PASS) {
    const head = await reader.read(2)
    if (head?.[0] !== 0x01) return void client.destroy()
    const name = await reader.read(head[1] ?? 0)
    const plen = await reader.read(1)
    const pass = await reader.read(plen?.[0] ?? 0)
    if (name === undefined || pass === undefined) return
    user = name.toString("utf8")
    const wanted = options.credentials
    const ok = wanted === undefined || (user === wanted.user && pass.toString("utf8") === wanted.password)
    // RFC 1929: a non-zero status, then the server must close the connection.
    client.write(Buffer.from([0x01, ok ? 0x00 : 0x01]))
    if (!ok) {
      book.reject()
      return void client.end()
    }
  }
  const request = await reader.read(4)
  if (request?.[0] !== 0x05) return void client.destroy()
  let host: string
  const atyp = request[3]
  if (atyp === 0x01) {
    const addr = await reader.read(4)
    if (addr === undefined) return
    host = [...addr].join(".")
  } else if (atyp === 0x03) {
    const len = await reader.read(1)
    const name = await reader.read(len?.[0] ?? 0)
    if (name === undefined) return
    host = name.toString("utf8")
  } else if (atyp === 0x04) {
    const addr = await reader.read(16)
    if (addr === undefined) return
    host = (addr.toString("hex").match(/.{4}/g) ?? []).join(":")
  } else {
    return void client.end(socksReply(0x08))
  }
  const portBytes = await reader.read(2)
  if (portBytes === undefined) return
  const port = portBytes.readUInt16BE(0)
  if (request[1] !== 0x01) return void client.end(socksReply(0x07))
  const upstream = book.dial(host, port)
  upstream.once("error", () => client.end(socksReply(0x05)))
  upstream.once("connect", () => {
    client.write(socksReply(0x00))
    const early = reader.release()
    book.splice(client, upstream, { target: atyp === 0x04 ? `[${host}]:${port}` : `${host}:${port}`, user }, early)
    client.resume()
  })
}

/** Starts a SOCKS5 proxy on 127.0.0.1:0; the caller must `close` it. @category constructors */
export const startSocks5 = async (options: Options = {}): Promise<Running> => {
  const book = makeBook(options)
  const server = Net.createServer((client) => {
    book.track(client)
    void socksSession(client, options, book).catch(() => client.destroy())
  })
  await listen(server)
  return book.running(server, "socks5")
}

/** The Effect face of a running fake proxy. @category constructors */
export const toService = (running: Running): Service => ({
  url: running.url,
  port: running.port,
  tunnels: Effect.sync(running.tunnels),
  open: Effect.sync(running.open),
  rejected: Effect.sync(running.rejected)
})

const scoped = (start: () => Promise<Running>) =>
  Effect.acquireRelease(Effect.promise(start), (running) => Effect.promise(() => running.close())).pipe(
    Effect.map(toService)
  )

/** Starts an HTTP CONNECT proxy for the current scope. @category constructors */
export const makeHttpConnect = (options: Options = {}) => scoped(() => startHttpConnect(options))

/** Starts a SOCKS5 proxy for the current scope. @category constructors */
export const makeSocks5 = (options: Options = {}) => scoped(() => startSocks5(options))

/** The HTTP CONNECT proxy as a scoped Layer on 127.0.0.1:0. @category layers */
export const layerHttpConnect = (options: Options = {}) => Layer.scoped(HttpConnectProxyFake, makeHttpConnect(options))

/** The SOCKS5 proxy as a scoped Layer on 127.0.0.1:0. @category layers */
export const layerSocks5 = (options: Options = {}) => Layer.scoped(Socks5ProxyFake, makeSocks5(options))
