import * as fs from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Claude from "../fakes/claude.js"
import * as Codex from "../fakes/codex.js"
import * as Gemini from "../fakes/gemini.js"
import * as Compat from "../fakes/openai-chat.js"
import { chat, errorOf, generate, messages, posts } from "../pipeline/helpers.js"
import { eventuallyEffect, http, startServer, type TestServer } from "../support/server.js"

const openAiIds = (s: TestServer) =>
  Effect.map(http(`${s.url}/v1/models`), (r) => (r.json() as { data: Array<{ id: string }> }).data.map((m) => m.id))
const geminiNames = (s: TestServer) =>
  Effect.map(http(`${s.url}/v1beta/models`), (r) => (r.json() as { models: Array<{ name: string }> }).models.map((m) => m.name))
// listings run in the background after start and after each change: poll for them
const until = (check: Effect.Effect<boolean>, what: string) => eventuallyEffect(check, what, 3000)
const learned = (s: TestServer, id: string) => until(Effect.map(s.registry.candidates(id), (c) => c.length > 0), `${id} listed`)
const modelOf = (json: unknown) => (json as { model?: string }).model

describe("models learned from the upstreams' lists", () => {
  it.scopedLive("a listed model missing from the catalogue is routable and shown by /v1/models and /v1beta/models", () =>
    Effect.gen(function*() {
      const gemini = yield* Gemini.make({ models: ["gemini-3.8-flash"] })
      const claude = yield* Claude.make({ models: ["claude-opus-5-5"] })
      const compat = yield* Compat.make({ models: ["gpt-6.2-sol"] })
      const s = yield* startServer([
        "gemini-api-key:",
        `  - {api-key: g-1, base-url: "${gemini.url}"}`,
        "claude-api-key:",
        `  - {api-key: sk-a, base-url: "${claude.url}"}`,
        "openai-compatibility:",
        "  - name: router",
        `    base-url: ${compat.url}/v1`,
        "    api-key-entries: [{api-key: c-1}]"
      ].join("\n"))
      for (const id of ["gemini-3.8-flash", "claude-opus-5-5", "gpt-6.2-sol"]) yield* learned(s, id)
      const ids = yield* openAiIds(s)
      expect(ids).toEqual(expect.arrayContaining(["gemini-3.8-flash", "claude-opus-5-5", "gpt-6.2-sol", "gemini-2.5-pro"]))
      expect(yield* geminiNames(s)).toEqual(expect.arrayContaining(["models/gemini-3.8-flash", "claude-opus-5-5", "gpt-6.2-sol"]))
      expect((yield* generate(s, "gemini-3.8-flash")).status).toBe(200)
      expect((yield* posts(gemini))[0]?.path).toBe("/v1beta/models/gemini-3.8-flash:generateContent")
      expect((yield* messages(s, "claude-opus-5-5")).status).toBe(200)
      expect(modelOf((yield* posts(claude))[0]?.json)).toBe("claude-opus-5-5")
      expect((yield* chat(s, "gpt-6.2-sol")).status).toBe(200)
      expect(modelOf((yield* posts(compat))[0]?.json)).toBe("gpt-6.2-sol")
    }))

  it.scopedLive("a failed listing keeps the last known list and is logged once", () =>
    Effect.gen(function*() {
      const flaky = yield* Effect.acquireRelease(Effect.promise(() => Claude.start({ models: ["claude-opus-5-5"] })), (f) => Effect.promise(f.close))
      const steady = yield* Compat.make({ models: ["gpt-6.2-sol"] })
      const config = (retry: number) =>
        [
          `request-retry: ${retry}`,
          "claude-api-key:",
          `  - {api-key: sk-a, base-url: "${flaky.url}"}`,
          "openai-compatibility:",
          "  - name: router",
          `    base-url: ${steady.url}/v1`,
          "    api-key-entries: [{api-key: c-1}]"
        ].join("\n")
      const s = yield* startServer(config(0), { watch: false })
      yield* learned(s, "claude-opus-5-5")
      yield* Effect.promise(flaky.close)
      const steadyLists = () => steady.requests.pipe(Effect.map((rs) => rs.filter((r) => r.method === "GET").length))
      // each config change re-lists every credential, one change after the other
      for (const retry of [1, 2, 3]) {
        const before = yield* steadyLists()
        fs.writeFileSync(s.configFile, `${config(retry)}\nlogging-to-file: false\n`)
        yield* s.config.reload
        yield* until(Effect.map(steadyLists(), (n) => n > before), "re-listed")
      }
      const warnings = s.logs.filter((l) => l.includes("keeping the last known list"))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain("claude")
      expect(yield* openAiIds(s)).toContain("claude-opus-5-5")
      expect((yield* s.registry.candidates("claude-opus-5-5")).length).toBe(1)
    }))

  it.scopedLive("an unknown model is a 400 in the client's dialect naming the model", () =>
    Effect.gen(function*() {
      const claude = yield* Claude.make()
      const s = yield* startServer(["claude-api-key:", `  - {api-key: sk-a, base-url: "${claude.url}"}`].join("\n"))
      const o = yield* chat(s, "gpt-9-imaginary")
      expect(o.status).toBe(400)
      expect(errorOf(o.json())).toMatchObject({ type: "invalid_request_error" })
      expect(errorOf(o.json()).message).toContain("gpt-9-imaginary")
      const m = yield* messages(s, "claude-imaginary")
      expect(m.status).toBe(400)
      expect(m.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } })
      expect(errorOf(m.json()).message).toContain("claude-imaginary")
      const g = yield* generate(s, "gemini-imaginary")
      expect(g.status).toBe(400)
      expect(g.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } })
      expect(errorOf(g.json()).message).toContain("gemini-imaginary")
      expect(yield* posts(claude)).toEqual([])
    }))

  it.scopedLive("name://model reaches a model an OpenAI-compatible provider does not list", () =>
    Effect.gen(function*() {
      const compat = yield* Compat.make({ models: ["listed-one"] })
      const s = yield* startServer([
        "openai-compatibility:",
        "  - name: Router",
        `    base-url: ${compat.url}/v1`,
        "    api-key-entries: [{api-key: c-1}]",
        "    models: [{name: up, alias: m}]"
      ].join("\n"))
      expect((yield* chat(s, "Router://vendor/secret-model")).status).toBe(200)
      expect(modelOf((yield* posts(compat))[0]?.json)).toBe("vendor/secret-model")
      expect((yield* chat(s, "vendor/secret-model")).status).toBe(400)
      expect((yield* chat(s, "nobody://vendor/secret-model")).status).toBe(400)
    }))

  it.scopedLive("configured aliases map to upstream names for every key type", () =>
    Effect.gen(function*() {
      const gemini = yield* Gemini.make()
      const claude = yield* Claude.make()
      const codex = yield* Codex.make()
      const compat = yield* Compat.make()
      const s = yield* startServer([
        "gemini-api-key:",
        `  - {api-key: g-1, base-url: "${gemini.url}", models: [{name: gemini-2.5-pro, alias: team-gemini}]}`,
        "claude-api-key:",
        `  - {api-key: sk-a, base-url: "${claude.url}", models: [{name: claude-opus-5-5, alias: team-claude}]}`,
        "codex-api-key:",
        `  - {api-key: x-1, base-url: "${codex.url}", models: [{name: gpt-6.2-sol, alias: team-codex}]}`,
        "openai-compatibility:",
        "  - name: router",
        `    base-url: ${compat.url}/v1`,
        "    api-key-entries: [{api-key: c-1}]",
        "    models: [{name: moonshot/kimi-k3, alias: team-compat}]"
      ].join("\n"))
      expect(yield* openAiIds(s)).toEqual(expect.arrayContaining(["team-gemini", "team-claude", "team-codex", "team-compat"]))
      for (const alias of ["team-gemini", "team-claude", "team-codex", "team-compat"]) expect((yield* chat(s, alias)).status).toBe(200)
      expect((yield* posts(gemini))[0]?.path).toBe("/v1beta/models/gemini-2.5-pro:generateContent")
      expect(modelOf((yield* posts(claude))[0]?.json)).toBe("claude-opus-5-5")
      expect(modelOf((yield* posts(codex))[0]?.json)).toBe("gpt-6.2-sol")
      expect(modelOf((yield* posts(compat))[0]?.json)).toBe("moonshot/kimi-k3")
    }))
})
