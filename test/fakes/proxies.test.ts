import * as Http from "node:http"
import * as Net from "node:net"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Proxies from "./proxies.js"

// A TCP echo server on 127.0.0.1:0: whatever goes through a tunnel comes straight back.
const echoServer = Effect.acquireRelease(
  Effect.promise(
    () =>
      new Promise<{ readonly server: Net.Server; readonly sockets: Set<Net.Socket>; readonly port: number }>((resolve) => {
        const sockets = new Set<Net.Socket>()
        const server = Net.createServer((socket) => {
          sockets.add(socket)
          socket.on("error", () => {})
          socket.on("close", () => sockets.delete(socket))
          socket.pipe(socket)
        })
        server.listen(0, "127.0.0.1", () => resolve({ server, sockets, port: (server.address() as AddressInfo).port }))
      })
  ),
  ({ server, sockets }) =>
    Effect.promise(() => {
      for (const socket of sockets) socket.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    })
)

// A socket that hands out its incoming bytes exactly n at a time.
const wire = (socket: Net.Socket) => {
  let buffered = Buffer.alloc(0)
  let closed = false
  const waiters: Array<() => void> = []
  const wake = () => waiters.splice(0).forEach((w) => w())
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk])
    wake()
  })
  socket.on("error", () => {})
  socket.on("close", () => {
    closed = true
    wake()
  })
  const read = (n: number): Promise<ReadonlyArray<number> | "closed"> =>
    new Promise((resolve) => {
      const check = () => {
        if (buffered.length >= n) {
          const out = [...buffered.subarray(0, n)]
          buffered = buffered.subarray(n)
          resolve(out)
        } else if (closed) resolve("closed")
        else waiters.push(check)
      }
      check()
    })
  const send = (bytes: ReadonlyArray<number> | string) => socket.write(typeof bytes === "string" ? bytes : Buffer.from(bytes))
  return { read, send, closed: () => closed }
}

const dial = (port: number) =>
  Effect.acquireRelease(
    Effect.promise(
      () =>
        new Promise<Net.Socket>((resolve) => {
          const socket = Net.connect({ host: "127.0.0.1", port }, () => resolve(socket))
        })
    ),
    (socket) => Effect.sync(() => socket.destroy())
  )

const connect = (proxyPort: number, target: string, auth?: string) =>
  Effect.promise(
    () =>
      new Promise<{ readonly status: number; readonly socket: Net.Socket }>((resolve, reject) => {
        const req = Http.request({
          host: "127.0.0.1",
          port: proxyPort,
          method: "CONNECT",
          path: target,
          headers: auth === undefined ? {} : { "proxy-authorization": `Basic ${Buffer.from(auth).toString("base64")}` }
        })
        req.on("connect", (res, socket) => resolve({ status: res.statusCode ?? 0, socket }))
        req.on("error", reject)
        req.end()
      })
  )

const text = (bytes: ReadonlyArray<number> | "closed") => (bytes === "closed" ? "closed" : Buffer.from(bytes).toString())

const credentials = { user: "alice", password: "s3cret" }
const hosts = { "upstream.test": "127.0.0.1" }

describe("fake HTTP CONNECT proxy", () => {
  it.scoped("demands the credentials (407), then tunnels to the mapped host and records the tunnel", () =>
    Effect.gen(function*() {
      const echo = yield* echoServer
      const proxy = yield* Proxies.HttpConnectProxyFake
      const denied = yield* connect(proxy.port, `upstream.test:${echo.port}`)
      expect(denied.status).toBe(407)
      denied.socket.destroy()
      const wrong = yield* connect(proxy.port, `upstream.test:${echo.port}`, "alice:nope")
      expect(wrong.status).toBe(407)
      wrong.socket.destroy()
      expect(yield* proxy.rejected).toBe(2)
      const ok = yield* connect(proxy.port, `upstream.test:${echo.port}`, "alice:s3cret")
      expect(ok.status).toBe(200)
      const tunnel = wire(ok.socket)
      tunnel.send("ping")
      expect(text(yield* Effect.promise(() => tunnel.read(4)))).toBe("ping")
      expect(yield* proxy.tunnels).toEqual([{ target: `upstream.test:${echo.port}`, user: "alice" }])
      expect(yield* proxy.open).toBe(1)
      ok.socket.destroy()
    }).pipe(Effect.provide(Proxies.layerHttpConnect({ credentials, hosts }))))

  it.live("close() destroys open tunnels (plain face)", () =>
    Effect.scoped(Effect.gen(function*() {
      const echo = yield* echoServer
      const proxy = yield* Effect.promise(() => Proxies.startHttpConnect())
      const ok = yield* connect(proxy.port, `127.0.0.1:${echo.port}`)
      const tunnel = wire(ok.socket)
      tunnel.send("x")
      yield* Effect.promise(() => tunnel.read(1))
      yield* Effect.promise(() => proxy.close())
      expect(yield* Effect.promise(() => tunnel.read(1))).toBe("closed")
      expect(proxy.tunnels().map((t) => t.user)).toEqual([undefined])
    })))
})

describe("fake SOCKS5 proxy", () => {
  it.scoped("no auth: RFC 1928 greeting, CONNECT to an IPv4 address, echo through the tunnel", () =>
    Effect.gen(function*() {
      const echo = yield* echoServer
      const proxy = yield* Proxies.Socks5ProxyFake
      expect(proxy.url).toBe(`socks5://127.0.0.1:${proxy.port}`)
      const c = wire(yield* dial(proxy.port))
      c.send([5, 1, 0])
      expect(yield* Effect.promise(() => c.read(2))).toEqual([5, 0])
      c.send([5, 1, 0, 1, 127, 0, 0, 1, echo.port >> 8, echo.port & 0xff])
      expect((yield* Effect.promise(() => c.read(10))).slice(0, 2)).toEqual([5, 0])
      c.send("hello")
      expect(text(yield* Effect.promise(() => c.read(5)))).toBe("hello")
      expect(yield* proxy.tunnels).toEqual([{ target: `127.0.0.1:${echo.port}`, user: undefined }])
    }).pipe(Effect.provide(Proxies.layerSocks5())))

  it.scoped("username/password: no acceptable method, a wrong password, then the right one to a domain name", () =>
    Effect.gen(function*() {
      const echo = yield* echoServer
      const proxy = yield* Proxies.makeSocks5({ credentials, hosts })
      const login = (user: string, password: string) => [1, user.length, ...Buffer.from(user), password.length, ...Buffer.from(password)]

      const noAuth = wire(yield* dial(proxy.port))
      noAuth.send([5, 1, 0])
      expect(yield* Effect.promise(() => noAuth.read(2))).toEqual([5, 0xff])
      expect(yield* Effect.promise(() => noAuth.read(1))).toBe("closed")

      const wrong = wire(yield* dial(proxy.port))
      wrong.send([5, 2, 0, 2])
      expect(yield* Effect.promise(() => wrong.read(2))).toEqual([5, 2])
      wrong.send(login("alice", "nope"))
      expect(yield* Effect.promise(() => wrong.read(2))).toEqual([1, 1])
      expect(yield* Effect.promise(() => wrong.read(1))).toBe("closed")
      expect(yield* proxy.rejected).toBe(2)

      const right = wire(yield* dial(proxy.port))
      right.send([5, 1, 2])
      expect(yield* Effect.promise(() => right.read(2))).toEqual([5, 2])
      right.send(login("alice", "s3cret"))
      expect(yield* Effect.promise(() => right.read(2))).toEqual([1, 0])
      const name = Buffer.from("upstream.test")
      right.send([5, 1, 0, 3, name.length, ...name, echo.port >> 8, echo.port & 0xff])
      expect((yield* Effect.promise(() => right.read(10))).slice(0, 2)).toEqual([5, 0])
      right.send("hi")
      expect(text(yield* Effect.promise(() => right.read(2)))).toBe("hi")
      expect(yield* proxy.tunnels).toEqual([{ target: `upstream.test:${echo.port}`, user: "alice" }])
    }))

  it.scoped("answers an unsupported command (BIND) with reply 7", () =>
    Effect.gen(function*() {
      const proxy = yield* Proxies.makeSocks5()
      const c = wire(yield* dial(proxy.port))
      c.send([5, 1, 0])
      yield* Effect.promise(() => c.read(2))
      c.send([5, 2, 0, 1, 127, 0, 0, 1, 0, 80])
      expect((yield* Effect.promise(() => c.read(2)))).toEqual([5, 7])
      expect(yield* proxy.tunnels).toEqual([])
    }))

  it("withCredentials percent-encodes the user info", () => {
    expect(Proxies.withCredentials("socks5://127.0.0.1:1080", "a b", "p@ss:w/rd")).toBe("socks5://a%20b:p%40ss%3Aw%2Frd@127.0.0.1:1080")
  })
})
