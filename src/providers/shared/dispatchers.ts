/**
 * Outbound proxies for upstream calls (spec/02 §0.2, §12): one undici `Dispatcher` per proxy URL
 * string, created on first use and kept for the life of the scope, so keep-alive connections
 * (and proxy tunnels) are pooled across requests.
 *
 * - no proxy (`undefined`, blank): the direct dispatcher. Like Go's default transport it honours
 *   `HTTP_PROXY` / `HTTPS_PROXY` / `NO_PROXY` (upper case first, then lower case) and never proxies
 *   `localhost`, `127.0.0.1` or `[::1]`. Differences from Go, both from undici's
 *   `EnvHttpProxyAgent`: with only `HTTP_PROXY` set, https upstreams use it too (Go goes direct),
 *   and other `127.x.y.z` addresses are not exempt. The environment is read once, at `make`.
 * - `http://` / `https://` proxies: an HTTP CONNECT tunnel (undici `ProxyAgent`); URL credentials
 *   become `Proxy-Authorization: Basic`.
 * - `socks5://`: fetch-socks; URL credentials become RFC 1929 username/password auth. As in Go, the
 *   target host name is sent to the proxy and resolved there.
 * - anything else (`socks5h://` included, as in Go): logged once as unsupported, then direct.
 *
 * `forProxy` is synchronous and returns no Effect: it runs on the model-call hot path (DESIGN.md,
 * "The hot path"), where undici is driven directly.
 */
import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent } from "undici"
import { socksDispatcher } from "fetch-socks"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Runtime from "effect/Runtime"

/** The dispatchers of upstream calls, one per proxy URL. @category models */
export interface Service {
  /** The dispatcher for a proxy URL (blank or `undefined`: direct); cached per URL string, never throws. */
  readonly forProxy: (proxyUrl: string | undefined) => Dispatcher
  /** The direct dispatcher (environment proxies applied). */
  readonly direct: Dispatcher
}

/** The upstream dispatchers service. @category tags */
export class UpstreamDispatchers extends Context.Tag("cli-proxy-api/UpstreamDispatchers")<UpstreamDispatchers, Service>() {}

/** How `make` builds its dispatchers. @category models */
export interface Options {
  /** Where `HTTP_PROXY` and friends are read (default `process.env`); tests pass their own. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Overrides of the pool tuning in `agentOptions`. */
  readonly agent?: Tuning
}

/** Pool options for every dispatcher; no custom `connect`, which the SOCKS connector replaces. @category models */
export type Tuning = Omit<Agent.Options, "connect">

/**
 * Pool tuning shared by every dispatcher. `bodyTimeout: 0`: a model stream may pause for minutes
 * (long thinking, slow tool generation) and is ended by the client disconnecting, not by a timer.
 * `headersTimeout` of 10 minutes: a non-stream call sends its headers only when the whole answer is
 * done, and 10 minutes is the ceiling the official OpenAI and Anthropic SDKs themselves allow.
 * `keepAliveTimeout` 30 s when the upstream gives no `Keep-Alive` hint: long enough to reuse a
 * connection between the turns of an agent loop, short enough to beat most load balancers' idle
 * cut (undici does not retry a POST sent on a connection the server already closed).
 * `connections: null`: no cap per origin, since held streams each occupy a connection for minutes
 * and a cap would queue new requests behind them (Go's `MaxConnsPerHost` is unlimited too).
 * @category constants
 */
export const agentOptions: Tuning = {
  connections: null,
  pipelining: 1,
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 10 * 60_000,
  headersTimeout: 10 * 60_000,
  bodyTimeout: 0
}

/** What a proxy URL asks for, parsed once. @category models */
export type ProxySpec =
  | { readonly _tag: "Direct" }
  | { readonly _tag: "Http"; readonly uri: string; readonly authorization: string | undefined }
  | {
    readonly _tag: "Socks5"
    readonly host: string
    readonly port: number
    readonly user: string | undefined
    readonly password: string | undefined
  }
  | { readonly _tag: "Unsupported"; readonly reason: string }

const decode = (part: string): string => {
  try {
    return decodeURIComponent(part)
  } catch {
    // A stray `%` that is no escape: take the text as written rather than fail the proxy.
    return part
  }
}

/** Parses a proxy URL (spec/02 §12); blank is direct, anything unusable is `Unsupported`. @category parsing */
export const parseProxyUrl = (raw: string | undefined): ProxySpec => {
  const text = raw?.trim() ?? ""
  if (text === "") return { _tag: "Direct" }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { _tag: "Unsupported", reason: "not a URL" }
  }
  if (url.hostname === "") return { _tag: "Unsupported", reason: "no host" }
  const user = url.username === "" ? undefined : decode(url.username)
  const password = url.password === "" ? undefined : decode(url.password)
  switch (url.protocol) {
    case "http:":
    case "https:": {
      // Go sends Basic auth whenever a user is present, even with an empty password.
      const authorization = user === undefined
        ? undefined
        : `Basic ${Buffer.from(`${user}:${password ?? ""}`).toString("base64")}`
      return { _tag: "Http", uri: `${url.protocol}//${url.host}`, authorization }
    }
    case "socks5:": {
      const host = url.hostname.replace(/^\[(.*)\]$/, "$1")
      const port = url.port === "" ? 1080 : Number(url.port)
      return { _tag: "Socks5", host, port, user, password }
    }
    default:
      return { _tag: "Unsupported", reason: `scheme ${url.protocol.slice(0, -1)} is not supported` }
  }
}

/** The proxy URL with its password replaced by `***`, safe to log even when it does not parse. @category parsing */
export const maskProxyUrl = (raw: string): string => {
  // The last `@` ends the user info even in strings no URL parser accepts; masking too much is safe.
  const at = raw.lastIndexOf("@")
  if (at < 0) return raw
  const slashes = raw.indexOf("//")
  const start = slashes >= 0 && slashes < at ? slashes + 2 : 0
  const userinfo = raw.slice(start, at)
  const colon = userinfo.indexOf(":")
  return colon < 0 ? raw : `${raw.slice(0, start)}${userinfo.slice(0, colon)}:***@${raw.slice(at + 1)}`
}

/** The proxy a call uses: the credential's, else the global one, else none; blanks count as unset. @category selection */
export const effectiveProxy = (
  credentialProxy: string | undefined,
  globalProxy: string | undefined
): string | undefined => {
  const own = credentialProxy?.trim() ?? ""
  if (own !== "") return own
  const global = globalProxy?.trim() ?? ""
  return global === "" ? undefined : global
}

const pick = (env: Readonly<Record<string, string | undefined>>, name: string): string =>
  (env[name.toUpperCase()] ?? "").trim() || (env[name.toLowerCase()] ?? "").trim()

// Go's http.ProxyFromEnvironment never proxies loopback targets; the nearest NO_PROXY entries.
const loopback = "localhost,127.0.0.1,[::1]"

type Warn = (message: string) => void

const makeDirect = (env: Readonly<Record<string, string | undefined>>, options: Tuning, warn: Warn): Dispatcher => {
  const httpProxy = pick(env, "http_proxy")
  const httpsProxy = pick(env, "https_proxy")
  if (httpProxy === "" && httpsProxy === "") return new Agent(options)
  const noProxy = pick(env, "no_proxy")
  try {
    // Explicit values (empty string for unset) keep undici from reading process.env on its own.
    return new EnvHttpProxyAgent({
      ...options,
      httpProxy,
      httpsProxy,
      noProxy: noProxy === "" ? loopback : `${noProxy},${loopback}`
    })
  } catch {
    warn(`HTTP_PROXY / HTTPS_PROXY ("${maskProxyUrl(httpProxy || httpsProxy)}") is not a usable proxy URL; connecting directly`)
    return new Agent(options)
  }
}

const makeProxied = (spec: ProxySpec & { readonly _tag: "Http" | "Socks5" }, options: Tuning): Dispatcher =>
  spec._tag === "Http"
    ? new ProxyAgent({
      ...options,
      uri: spec.uri,
      // CONNECT for plain-http targets too: one code path, and the proxy never sees the request.
      proxyTunnel: true,
      ...(spec.authorization === undefined ? {} : { token: spec.authorization })
    })
    : socksDispatcher(
      {
        type: 5,
        host: spec.host,
        port: spec.port,
        ...(spec.user === undefined ? {} : { userId: spec.user }),
        ...(spec.password === undefined ? {} : { password: spec.password })
      },
      options
    )

/** Builds the service; closing the scope closes every dispatcher it created. @category constructors */
export const make = (options: Options = {}) =>
  Effect.gen(function*() {
    // The hot path calls forProxy outside any fiber; warnings still go to the app's logger.
    const runtime = yield* Effect.runtime<never>()
    const warn: Warn = (message) => Runtime.runSync(runtime)(Effect.logWarning(message))
    const tuning: Tuning = { ...agentOptions, ...options.agent }
    const created: Array<Dispatcher> = []
    const direct = makeDirect(options.env ?? process.env, tuning, warn)
    created.push(direct)
    const cache = new Map<string, Dispatcher>()

    yield* Effect.addFinalizer(() =>
      Effect.forEach(
        created,
        (dispatcher) =>
          Effect.tryPromise(() => dispatcher.close()).pipe(
            // close() waits for requests in flight; a held stream must not stall shutdown for ever.
            Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => "timeout" }),
            Effect.catchAll(() => Effect.tryPromise(() => dispatcher.destroy()).pipe(Effect.ignore))
          ),
        { concurrency: "unbounded", discard: true }
      )
    )

    const create = (key: string): Dispatcher => {
      const spec = parseProxyUrl(key)
      switch (spec._tag) {
        case "Direct":
          return direct
        case "Unsupported":
          warn(`unsupported proxy-url "${maskProxyUrl(key)}" (${spec.reason}; supported: http, https, socks5); connecting directly`)
          return direct
        default:
          try {
            const dispatcher = makeProxied(spec, tuning)
            created.push(dispatcher)
            return dispatcher
          } catch {
            warn(`proxy-url "${maskProxyUrl(key)}" was rejected by the HTTP client; connecting directly`)
            return direct
          }
      }
    }

    const forProxy = (proxyUrl: string | undefined): Dispatcher => {
      const key = proxyUrl?.trim() ?? ""
      if (key === "") return direct
      const known = cache.get(key)
      if (known !== undefined) return known
      const dispatcher = create(key)
      cache.set(key, dispatcher)
      return dispatcher
    }

    return UpstreamDispatchers.of({ forProxy, direct })
  })

/** The service as a scoped Layer reading the process environment. @category layers */
export const layer = (options: Options = {}) => Layer.scoped(UpstreamDispatchers, make(options))

/** A double that hands every proxy URL the same dispatcher (a fake-aware `Agent`, a `MockAgent`). @category layers */
export const layerTest = (dispatcher: Dispatcher) =>
  Layer.succeed(UpstreamDispatchers, UpstreamDispatchers.of({ forProxy: () => dispatcher, direct: dispatcher }))
