import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Claude from "../fakes/claude.js"
import * as Gemini from "../fakes/gemini.js"
import * as Compat from "../fakes/openai-chat.js"
import * as Proxies from "../fakes/proxies.js"
import { startServer } from "../support/server.js"
import { chat, generate, posts } from "./helpers.js"

const sonnet = "claude-sonnet-4-5-20250929"
// `.test` names never resolve (RFC 2606), so only a proxy that maps them reaches the fake
const hosts = { "upstream.test": "127.0.0.1", "other.test": "127.0.0.1" }
const viaName = (fake: { readonly port: number }, name = "upstream.test") => `http://${name}:${fake.port}`

const targets = (proxy: Proxies.Service) => Effect.map(proxy.tunnels, (ts) => ts.map((t) => t.target))

describe("outbound proxies", () => {
  it.scopedLive("global http:// proxy, without and then with user and password", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.make()
      const open = yield* Proxies.makeHttpConnect({ hosts })
      const s = yield* startServer([`proxy-url: ${open.url}`, "claude-api-key:", `  - {api-key: sk-a, base-url: "${viaName(fake)}"}`].join("\n"))
      expect((yield* chat(s, sonnet)).status).toBe(200)
      expect((yield* posts(fake)).length).toBe(1)
      expect(yield* targets(open)).toContain(`upstream.test:${fake.port}`)

      const guarded = yield* Proxies.makeHttpConnect({ hosts, credentials: { user: "proxy user", password: "p@ss:word" } })
      const fake2 = yield* Claude.make()
      const s2 = yield* startServer([
        `proxy-url: "${Proxies.withCredentials(guarded.url, "proxy user", "p@ss:word")}"`,
        "claude-api-key:",
        `  - {api-key: sk-a, base-url: "${viaName(fake2)}"}`
      ].join("\n"))
      expect((yield* chat(s2, sonnet)).status).toBe(200)
      expect((yield* posts(fake2)).length).toBe(1)
      const tunnels = yield* guarded.tunnels
      expect(tunnels.map((t) => t.target)).toContain(`upstream.test:${fake2.port}`)
      expect(tunnels.every((t) => t.user === "proxy user")).toBe(true)
      expect(yield* guarded.rejected).toBe(0)
    }))

  it.scopedLive("per-key socks5:// proxy with user and password beats the global proxy", () =>
    Effect.gen(function*() {
      const claude = yield* Claude.make()
      const gemini = yield* Gemini.make()
      const global = yield* Proxies.makeHttpConnect({ hosts })
      const socks = yield* Proxies.makeSocks5({ hosts, credentials: { user: "alice", password: "s3cret" } })
      const socksUrl = Proxies.withCredentials(socks.url, "alice", "s3cret")
      const s = yield* startServer([
        `proxy-url: ${global.url}`,
        "claude-api-key:",
        `  - {api-key: sk-a, base-url: "${viaName(claude)}", proxy-url: "${socksUrl}"}`,
        "gemini-api-key:",
        `  - {api-key: g-1, base-url: "${viaName(gemini, "other.test")}"}`
      ].join("\n"))
      expect((yield* chat(s, sonnet)).status).toBe(200)
      expect((yield* generate(s, "gemini-2.5-pro")).status).toBe(200)
      expect((yield* posts(claude)).length).toBe(1)
      expect((yield* posts(gemini)).length).toBe(1)
      const socksTunnels = yield* socks.tunnels
      expect(socksTunnels.map((t) => t.target)).toContain(`upstream.test:${claude.port}`)
      expect(socksTunnels.every((t) => t.user === "alice")).toBe(true)
      // the key without its own proxy takes the global one; the key with one never touches it
      const globalTargets = yield* targets(global)
      expect(globalTargets).toContain(`other.test:${gemini.port}`)
      expect(globalTargets).not.toContain(`upstream.test:${claude.port}`)
    }))

  it.scopedLive("OpenAI-compatible api-key-entries: each entry's proxy-url, else the global one", () =>
    Effect.gen(function*() {
      const fake = yield* Compat.make()
      const global = yield* Proxies.makeSocks5({ hosts })
      const own = yield* Proxies.makeHttpConnect({ hosts })
      const s = yield* startServer([
        `proxy-url: ${global.url}`,
        "openai-compatibility:",
        "  - name: router",
        `    base-url: ${viaName(fake)}/v1`,
        `    api-key-entries: [{api-key: k-own, proxy-url: "${own.url}"}, {api-key: k-global}]`,
        "    models: [{name: up, alias: m}]"
      ].join("\n"))
      for (let i = 0; i < 2; i++) expect((yield* chat(s, "m")).status).toBe(200)
      const keys = (yield* posts(fake)).map((r) => r.headers.authorization).sort()
      expect(keys).toEqual(["Bearer k-global", "Bearer k-own"])
      expect(yield* targets(own)).toContain(`upstream.test:${fake.port}`)
      expect(yield* targets(global)).toContain(`upstream.test:${fake.port}`)
    }))

  it.scopedLive("a proxy that refuses the credentials is a transport failure, answered as an error, not a hang", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.make()
      const guarded = yield* Proxies.makeHttpConnect({ hosts, credentials: { user: "u", password: "right" } })
      const s = yield* startServer([
        `proxy-url: "${Proxies.withCredentials(guarded.url, "u", "wrong")}"`,
        "claude-api-key:",
        `  - {api-key: sk-a, base-url: "${viaName(fake)}"}`
      ].join("\n"))
      const r = yield* chat(s, sonnet)
      expect(r.status).toBeGreaterThanOrEqual(500)
      expect(yield* posts(fake)).toEqual([])
      expect(yield* guarded.rejected).toBeGreaterThan(0)
    }))
})
