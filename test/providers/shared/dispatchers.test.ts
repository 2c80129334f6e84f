import { describe, expect, it } from "@effect/vitest"
import { type Dispatcher, request } from "undici"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Logger from "effect/Logger"
import * as Scope from "effect/Scope"
import * as Dispatchers from "../../../src/providers/shared/dispatchers.js"
import * as OpenAiChat from "../../fakes/openai-chat.js"
import * as Proxies from "../../fakes/proxies.js"

class RequestFailed extends Data.TaggedError("RequestFailed")<{ readonly message: string }> {}

// One real request through a dispatcher, body read to the end so the connection goes back to the pool.
const get = (url: string, dispatcher: Dispatcher) =>
  Effect.tryPromise({
    try: async () => {
      const res = await request(url, { dispatcher })
      return { status: res.statusCode, body: await res.body.text() }
    },
    catch: (cause) => new RequestFailed({ message: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause) })
  })

const models = (base: string) => `${base}/v1/models`
// A name only the fake proxies resolve (to 127.0.0.1): a call that skipped the proxy cannot reach it.
const hosts = { "upstream.test": "127.0.0.1" }
const viaName = (port: number) => `http://upstream.test:${port}/v1/models`
const credentials = { user: "alice", password: "p@ss:w/rd" }

// The service with no environment proxies, so the developer's own HTTP_PROXY cannot leak in.
const dispatchers = Dispatchers.make({ env: {} })

const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ message }) => {
    lines.push((Array.isArray(message) ? message : [message]).map(String).join(" "))
  })
  return { lines, layer: Logger.replace(Logger.defaultLogger, logger) }
}

describe("UpstreamDispatchers", () => {
  it.scoped("direct: undefined, empty and blank all give the one direct dispatcher", () =>
    Effect.gen(function*() {
      const fake = yield* OpenAiChat.make()
      const d = yield* dispatchers
      expect(d.forProxy(undefined)).toBe(d.direct)
      expect(d.forProxy("")).toBe(d.direct)
      expect(d.forProxy("   ")).toBe(d.direct)
      const res = yield* get(models(fake.url), d.forProxy(undefined))
      expect(res.status).toBe(200)
      expect(JSON.parse(res.body)).toMatchObject({ object: "list" })
    }))

  it.scoped("http:// proxy without credentials: CONNECT tunnel, no user recorded", () =>
    Effect.gen(function*() {
      const fake = yield* OpenAiChat.make()
      const proxy = yield* Proxies.makeHttpConnect({ hosts })
      const d = yield* dispatchers
      expect((yield* get(viaName(fake.port), d.forProxy(proxy.url))).status).toBe(200)
      expect(yield* proxy.tunnels).toEqual([{ target: `upstream.test:${fake.port}`, user: undefined }])
      expect((yield* fake.request(0)).headers["host"]).toBe(`upstream.test:${fake.port}`)
    }))

  it.scoped("http:// proxy with credentials: percent-decoded Basic Proxy-Authorization", () =>
    Effect.gen(function*() {
      const fake = yield* OpenAiChat.make()
      const proxy = yield* Proxies.makeHttpConnect({ hosts, credentials })
      const d = yield* dispatchers
      const url = Proxies.withCredentials(proxy.url, credentials.user, credentials.password)
      expect((yield* get(viaName(fake.port), d.forProxy(url))).status).toBe(200)
      expect(yield* proxy.tunnels).toEqual([{ target: `upstream.test:${fake.port}`, user: "alice" }])
      // The proxy credentials never reach the upstream.
      expect((yield* fake.request(0)).headers["proxy-authorization"]).toBeUndefined()
    }))

  it.scoped("http:// proxy with wrong or missing credentials: the request fails naming the 407", () =>
    Effect.gen(function*() {
      const fake = yield* OpenAiChat.make()
      const proxy = yield* Proxies.makeHttpConnect({ hosts, credentials })
      const d = yield* dispatchers
      const wrong = yield* Effect.flip(get(viaName(fake.port), d.forProxy(Proxies.withCredentials(proxy.url, "alice", "nope"))))
      expect(wrong.message).toMatch(/407/)
      const missing = yield* Effect.flip(get(viaName(fake.port), d.forProxy(proxy.url)))
      expect(missing.message).toMatch(/407/)
      expect(yield* proxy.rejected).toBe(2)
      expect(yield* proxy.tunnels).toEqual([])
      expect(yield* fake.requests).toEqual([])
    }))

  it.scoped("socks5:// without credentials, to an IPv4 address and to a name the proxy resolves", () =>
    Effect.gen(function*() {
      const fake = yield* OpenAiChat.make()
      const proxy = yield* Proxies.makeSocks5({ hosts })
      const d = yield* dispatchers
      const dispatcher = d.forProxy(proxy.url)
      expect((yield* get(models(fake.url), dispatcher)).status).toBe(200)
      expect((yield* get(viaName(fake.port), dispatcher)).status).toBe(200)
      expect(yield* proxy.tunnels).toEqual([
        { target: `127.0.0.1:${fake.port}`, user: undefined },
        { target: `upstream.test:${fake.port}`, user: undefined }
      ])
    }))

  it.scoped("socks5:// with credentials (RFC 1929, percent-decoded); a wrong password fails", () =>
    Effect.gen(function*() {
      const fake = yield* OpenAiChat.make()
      const proxy = yield* Proxies.makeSocks5({ hosts, credentials })
      const d = yield* dispatchers
      const good = Proxies.withCredentials(proxy.url, credentials.user, credentials.password)
      expect((yield* get(viaName(fake.port), d.forProxy(good))).status).toBe(200)
      expect(yield* proxy.tunnels).toEqual([{ target: `upstream.test:${fake.port}`, user: "alice" }])
      const bad = Proxies.withCredentials(proxy.url, "alice", "nope")
      const failed = yield* Effect.flip(get(viaName(fake.port), d.forProxy(bad)))
      expect(failed.message).toMatch(/auth/i)
      expect(yield* proxy.rejected).toBe(1)
      expect((yield* proxy.tunnels).length).toBe(1)
    }))

  it.scoped("unsupported schemes fall back to direct and are logged once, without the password", () =>
    Effect.gen(function*() {
      const fake = yield* OpenAiChat.make()
      const logs = captureLogs()
      const d = yield* Effect.provide(dispatchers, logs.layer)
      const socks5h = "socks5h://bob:hunter2@127.0.0.1:1"
      expect(d.forProxy(socks5h)).toBe(d.direct)
      expect(d.forProxy(socks5h)).toBe(d.direct)
      expect((yield* get(models(fake.url), d.forProxy(socks5h))).status).toBe(200)
      expect(d.forProxy("ftp://carol:pw123@proxy:21")).toBe(d.direct)
      expect(d.forProxy("garbage with:secret99@ in it")).toBe(d.direct)
      expect(logs.lines).toHaveLength(3)
      expect(logs.lines[0]).toContain("socks5h://bob:***@127.0.0.1:1")
      expect(logs.lines[1]).toContain("ftp://carol:***@proxy:21")
      const all = logs.lines.join("\n")
      for (const secret of ["hunter2", "pw123", "secret99"]) expect(all).not.toContain(secret)
    }))

  it.scoped("one dispatcher per URL string; keep-alive requests share one tunnel", () =>
    Effect.gen(function*() {
      const fake = yield* OpenAiChat.make()
      const connect = yield* Proxies.makeHttpConnect({ hosts })
      const socks = yield* Proxies.makeSocks5({ hosts })
      const d = yield* dispatchers
      expect(d.forProxy(connect.url)).toBe(d.forProxy(` ${connect.url} `))
      expect(d.forProxy(socks.url)).toBe(d.forProxy(socks.url))
      expect(d.forProxy(connect.url)).not.toBe(d.forProxy(socks.url))
      expect(d.forProxy(connect.url)).not.toBe(d.forProxy(Proxies.withCredentials(connect.url, "u", "p")))
      for (let i = 0; i < 3; i++) {
        expect((yield* get(viaName(fake.port), d.forProxy(connect.url))).status).toBe(200)
        expect((yield* get(viaName(fake.port), d.forProxy(socks.url))).status).toBe(200)
      }
      expect((yield* connect.tunnels).length).toBe(1)
      expect((yield* socks.tunnels).length).toBe(1)
      expect((yield* fake.requests).length).toBe(6)
    }))

  it.scoped("HTTP_PROXY from the environment proxies the direct dispatcher, except loopback and NO_PROXY", () =>
    Effect.gen(function*() {
      const fake = yield* OpenAiChat.make()
      const proxy = yield* Proxies.makeHttpConnect({ hosts })
      const d = yield* Dispatchers.make({ env: { http_proxy: proxy.url, NO_PROXY: "elsewhere.test" } })
      expect((yield* get(viaName(fake.port), d.forProxy(undefined))).status).toBe(200)
      expect((yield* get(models(fake.url), d.forProxy(undefined))).status).toBe(200)
      expect(yield* proxy.tunnels).toEqual([{ target: `upstream.test:${fake.port}`, user: undefined }])

      const bypass = yield* Dispatchers.make({ env: { HTTP_PROXY: proxy.url, NO_PROXY: "upstream.test" } })
      // Not proxied, so the name does not resolve and the proxy sees nothing new.
      yield* Effect.flip(get(viaName(fake.port), bypass.direct))
      expect((yield* proxy.tunnels).length).toBe(1)
    }))

  it.scoped("closing the scope closes every dispatcher it created", () =>
    Effect.gen(function*() {
      const fake = yield* OpenAiChat.make()
      const proxy = yield* Proxies.makeHttpConnect({ hosts })
      const scope = yield* Scope.make()
      const d = yield* Scope.extend(dispatchers, scope)
      const tunnelled = d.forProxy(proxy.url)
      expect((yield* get(viaName(fake.port), tunnelled)).status).toBe(200)
      expect(yield* proxy.open).toBe(1)
      yield* Scope.close(scope, Exit.void)
      expect((yield* Effect.flip(get(models(fake.url), d.direct))).message).toMatch(/closed|destroyed/i)
      expect((yield* Effect.flip(get(viaName(fake.port), tunnelled))).message).toMatch(/closed|destroyed/i)
    }))
})

describe("proxy URL helpers", () => {
  it("effectiveProxy: the credential's proxy, else the global one, else none; blanks are unset", () => {
    expect(Dispatchers.effectiveProxy("socks5://a:1", "http://g:2")).toBe("socks5://a:1")
    expect(Dispatchers.effectiveProxy("  ", "http://g:2")).toBe("http://g:2")
    expect(Dispatchers.effectiveProxy(undefined, " http://g:2 ")).toBe("http://g:2")
    expect(Dispatchers.effectiveProxy("", "")).toBeUndefined()
    expect(Dispatchers.effectiveProxy(undefined, undefined)).toBeUndefined()
  })

  it("parseProxyUrl: schemes, default ports, decoded credentials", () => {
    expect(Dispatchers.parseProxyUrl(" ")).toEqual({ _tag: "Direct" })
    expect(Dispatchers.parseProxyUrl("http://u:p%40w@h:8080")).toEqual({
      _tag: "Http",
      uri: "http://h:8080",
      authorization: `Basic ${Buffer.from("u:p@w").toString("base64")}`
    })
    expect(Dispatchers.parseProxyUrl("HTTPS://proxy.example")).toEqual({ _tag: "Http", uri: "https://proxy.example", authorization: undefined })
    expect(Dispatchers.parseProxyUrl("socks5://[::1]")).toEqual({ _tag: "Socks5", host: "::1", port: 1080, user: undefined, password: undefined })
    expect(Dispatchers.parseProxyUrl("socks5://me:%zz@h:9")).toMatchObject({ user: "me", password: "%zz" })
    expect(Dispatchers.parseProxyUrl("socks5h://h:1")._tag).toBe("Unsupported")
    expect(Dispatchers.parseProxyUrl("nonsense")._tag).toBe("Unsupported")
  })

  it("maskProxyUrl hides the password, even in what is not a URL", () => {
    expect(Dispatchers.maskProxyUrl("http://u:p@h:1")).toBe("http://u:***@h:1")
    expect(Dispatchers.maskProxyUrl("http://h:1")).toBe("http://h:1")
    expect(Dispatchers.maskProxyUrl("socks5://u:a@b@h")).toBe("socks5://u:***@h")
    expect(Dispatchers.maskProxyUrl("u:secret@h")).toBe("u:***@h")
  })
})
