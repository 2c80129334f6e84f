/**
 * Route fuzzing (issue 4, "How it is checked"): at least 10,000 random or malformed bodies per
 * model route, sent over keep-alive with concurrency to a proxy whose models point at the
 * fakes (so valid-looking requests get real, sometimes failing, upstream answers). Every
 * answer must be a well-formed error in the client's dialect or a valid answer, and the
 * server must keep serving. Bodies come from fast-check with fixed seeds, so a failure
 * replays exactly; it is reported with the body that caused it.
 */
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import fc from "fast-check"
import { Pool } from "undici"
import * as Claude from "../fakes/claude.js"
import * as Codex from "../fakes/codex.js"
import * as Gemini from "../fakes/gemini.js"
import * as Compat from "../fakes/openai-chat.js"
import * as Script from "../fakes/script.js"
import { startServer } from "../support/server.js"
import { answerProblem, dialectOf } from "./fuzz-answers.js"
import { bodies, type FuzzRoute, routedModels } from "./fuzz-bodies.js"

const PER_ROUTE = 4_000
const CONCURRENCY = 16
const HUGE = 1024 * 1024 // max-body-size below; "huge" bodies are half of it, "too-large" 1.5 times
const KEY = "fuzz-key"
const routes: ReadonlyArray<FuzzRoute> = [
  "chat",
  "completions",
  "responses",
  "messages",
  "count_tokens",
  "generateContent",
  "streamGenerateContent",
  "countTokens"
]

/** Upstream answers vary by arrival: mostly the fake's default success, sometimes errors, resets, tool calls, cut-offs. */
const variety = (): Script.ScriptEntry => {
  let n = 0
  return () => {
    switch (n++ % 23) {
      case 0:
        return { status: 500 }
      case 1:
        return { status: 400, errorMessage: "prompt is too long" }
      case 2:
        return { status: 429, headers: { "retry-after": "1" } }
      case 3:
        return { parts: [Script.reasoning("hmm", "c2ln"), Script.toolCall("get_weather", { q: 1 }), Script.toolCall("Bash", {})] }
      case 4:
        return { reset: { afterEvents: 2 } }
      case 5:
        return { parts: [Script.text("cut")], finishReason: "length" }
      case 6:
        return { status: 503, delayMs: 5 }
      default:
        return {}
    }
  }
}

const gemPaths = ["fz-gemini", "fz-claude", "fz-chat", "fz-codex", "no-such-model", "fz-gemini%2Fx", "%E0%A4%A", "fz-gemini(high)", "."]

const pathFor = (route: FuzzRoute, i: number): string => {
  switch (route) {
    case "chat":
      return "/v1/chat/completions"
    case "completions":
      return "/v1/completions"
    case "responses":
      return "/v1/responses"
    case "messages":
      return "/v1/messages"
    case "count_tokens":
      return "/v1/messages/count_tokens"
    default: {
      // genai 2.x and the Gemini CLI call /v1beta, genai 3.x /v1; most models routed, a few not
      const model = i % 2 === 0 ? gemPaths[(i / 2) % gemPaths.length] : routedModels[i % routedModels.length]
      const alt = route === "streamGenerateContent" && i % 7 !== 0 ? "?alt=sse" : ""
      return `/${i % 2 === 0 ? "v1beta" : "v1"}/models/${model}:${route}${alt}`
    }
  }
}

const headersFor = (route: FuzzRoute, i: number): Record<string, string> => {
  const key = i % 97 === 0 ? "wrong-key" : KEY
  const auth = i % 89 === 0
    ? {}
    : dialectOf(route) === "claude"
    ? (i % 2 === 0 ? { "x-api-key": key } : { authorization: `Bearer ${key}`, "anthropic-version": "2023-06-01" })
    : dialectOf(route) === "gemini"
    ? { "x-goog-api-key": key }
    : { authorization: `Bearer ${key}` }
  return { "content-type": i % 31 === 0 ? "text/plain" : "application/json", ...auth }
}

interface Failure {
  readonly route: FuzzRoute
  readonly path: string
  readonly kind: string
  readonly problem: string
  readonly body: string
  readonly answer: string
}

const config = (urls: { compat: string; claude: string; gemini: string; codex: string }) =>
  [
    `api-keys: [${KEY}]`,
    "max-body-size: 1MiB",
    "disable-cooling: true",
    "request-retry: 1",
    "openai-compatibility:",
    "  - name: fakeup",
    `    base-url: ${urls.compat}/v1`,
    "    api-key-entries: [{api-key: up}]",
    "    models: [{name: fz-chat, alias: fz-chat}]",
    `claude-api-key: [{api-key: up, base-url: ${JSON.stringify(urls.claude)}, models: [{name: fz-claude, alias: fz-claude}]}]`,
    `gemini-api-key: [{api-key: up, base-url: ${JSON.stringify(urls.gemini)}, models: [{name: fz-gemini, alias: fz-gemini}]}]`,
    `codex-api-key: [{api-key: up, base-url: ${JSON.stringify(urls.codex)}, models: [{name: fz-codex, alias: fz-codex}]}]`
  ].join("\n")

describe("route fuzzing", () => {
  it.scopedLive(`${PER_ROUTE} random or malformed bodies on each of ${routes.length} routes: an answer in the client's dialect, and the server keeps serving`, () =>
    Effect.gen(function*() {
      // the fakes do not record (80,000 requests) and answer with `variety`
      const compat = Context.get(yield* Layer.build(Compat.layer({ record: false, fallback: variety() })), Compat.OpenAiChatFake)
      const claude = Context.get(yield* Layer.build(Claude.layer({ record: false, fallback: variety() })), Claude.ClaudeFake)
      const gemini = Context.get(yield* Layer.build(Gemini.layer({ record: false, fallback: variety() })), Gemini.GeminiFake)
      const codex = Context.get(yield* Layer.build(Codex.layer({ record: false, fallback: variety() })), Codex.CodexFake)
      const s = yield* startServer(config({ compat: compat.url, claude: claude.url, gemini: gemini.url, codex: codex.url }))
      const pool = yield* Effect.acquireRelease(
        Effect.sync(() => new Pool(s.url, { connections: CONCURRENCY, headersTimeout: 15_000, bodyTimeout: 15_000 })),
        (p) => Effect.promise(() => p.destroy())
      )

      const alive = () =>
        pool.request({ path: "/", method: "GET" }).then(async (r) => {
          await r.body.dump()
          return r.statusCode
        })

      const failures: Array<Failure> = []
      const statuses = new Map<string, number>()
      const started = performance.now()
      const rssBefore = process.memoryUsage().rss

      for (const [r, route] of routes.entries()) {
        const cases = fc.sample(bodies(route, HUGE), { numRuns: PER_ROUTE, seed: 4_2024 + r })
        let next = 0
        const worker = async () => {
          while (next < cases.length) {
            const i = next++
            const c = cases[i]!
            const path = pathFor(route, i)
            let problem: string | undefined
            let answer = ""
            try {
              const res = await pool.request({ path, method: "POST", headers: headersFor(route, i), body: c.bytes })
              const body = Buffer.from(await res.body.arrayBuffer())
              const type = String(res.headers["content-type"] ?? "")
              problem = answerProblem(route, res.statusCode, type, body)
              if (problem !== undefined) answer = `${res.statusCode} ${type} ${body.toString("utf8").slice(0, 300)} ... ${body.toString("utf8").slice(-300)}`
              const k = `${route} ${res.statusCode}`
              statuses.set(k, (statuses.get(k) ?? 0) + 1)
            } catch (e) {
              // a body past max-body-size may be cut off by the server closing after its 413
              problem = c.kind === "too-large" ? undefined : `no answer: ${String(e)}`
            }
            if (problem !== undefined && failures.length < 20) {
              failures.push({ route, path, kind: c.kind, problem, body: c.bytes.toString("utf8").slice(0, 300), answer })
            }
          }
        }
        yield* Effect.promise(() => Promise.all(Array.from({ length: CONCURRENCY }, worker)))
        expect(yield* Effect.promise(alive)).toBe(200)
      }

      // the server shares this process, so RSS is only a rough view of its memory
      const seconds = (performance.now() - started) / 1000
      const rssGrowthMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024
      yield* Effect.logInfo(`fuzz: ${routes.length * PER_ROUTE} requests in ${seconds.toFixed(1)} s, RSS +${rssGrowthMb.toFixed(0)} MB`)
      yield* Effect.logInfo([...statuses].map(([k, n]) => `${k}: ${n}`).join(", "))
      expect(failures).toEqual([])
      // the mix reached both sides on every route: upstream answers and the proxy's own refusals
      for (const route of routes) {
        expect(statuses.get(`${route} 200`) ?? 0).toBeGreaterThan(40)
        expect(statuses.get(`${route} 400`) ?? 0).toBeGreaterThan(400)
      }
      expect(rssGrowthMb).toBeLessThan(1024)
      expect(yield* Effect.promise(alive)).toBe(200)
    }), 300_000)
})
