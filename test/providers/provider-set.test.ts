import * as fs from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Credential from "../../src/credentials/credential.js"
import { openAiCompatProvider } from "../../src/providers/openai-compat/provider.js"
import type { Provider } from "../../src/providers/provider.js"
import * as Providers from "../../src/providers/provider-set.js"
import { providers as builtin } from "../../src/providers/registry.js"
import * as Compat from "../fakes/openai-chat.js"
import { eventuallyEffect, startServer } from "../support/server.js"

/** An OpenAI-compatible upstream under another kind, serving one model (and listing none). */
const { listModels: _lists, ...compat } = openAiCompatProvider
const tiny: Provider = { ...compat, kind: "tiny", defaultBaseUrl: "http://127.0.0.1:9/unreachable", catalogue: [{ id: "tiny-1", ownedBy: "tiny" }] }

describe("Providers", () => {
  it("holds every built-in provider, the added ones, and nothing else", () => {
    const set = Providers.make([{ provider: tiny, credentials: () => [] }])
    for (const [kind, p] of Object.entries(builtin)) expect(set.get(kind)).toBe(p)
    expect(set.get("tiny")).toBe(tiny)
    expect(set.get("nope")).toBeUndefined()
  })

  it("an added provider of a built-in kind replaces it", () => {
    const mine = { ...builtin.claude, defaultBaseUrl: "http://claude.internal" }
    expect(Providers.make([{ provider: mine, credentials: () => [] }]).get("claude")).toBe(mine)
  })

  it.scopedLive("added credentials follow config changes; one of a kind no provider has is left out, said once", () =>
    Effect.gen(function*() {
      const fake = yield* Compat.OpenAiChatFake
      const extra: Providers.ExtraProvider = {
        provider: tiny,
        // on while config names its endpoint, one credential per client key (to see changes
        // arrive); plus a credential no provider can call
        credentials: (config) =>
          config.upstreamEndpoints.tiny === undefined ? [] : [
            ...config.apiKeys.map((_, i) => Credential.make({ id: `tiny:${i + 1}`, kind: "tiny", apiKey: `t-${i + 1}` })),
            Credential.make({ id: "ghost:1", kind: "ghost", apiKey: "g-1", models: [{ name: "ghost-1", alias: "" }] })
          ]
      }
      const s = yield* startServer("api-keys: [k]", { providers: [extra], watch: false })
      expect(yield* s.registry.get("tiny-1")).toBeUndefined()

      fs.writeFileSync(s.configFile, `api-keys: [k]\nupstream-endpoints: {tiny: "${fake.url}/v1"}\nlogging-to-file: false\n`)
      yield* s.config.reload
      yield* eventuallyEffect(Effect.map(s.registry.candidates("tiny-1"), (cs) => cs.length > 0), "the added credential registered")
      expect((yield* s.registry.candidates("tiny-1")).map((c) => c.credentialId)).toEqual(["tiny:1"])
      expect(yield* s.registry.get("ghost-1")).toBeUndefined()
      const res = yield* Effect.promise(() =>
        fetch(`${s.url}/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: "Bearer k", "content-type": "application/json" },
          body: JSON.stringify({ model: "tiny-1", messages: [{ role: "user", content: "hi" }] })
        }))
      expect(res.status).toBe(200)
      expect((yield* fake.request(0)).headers.authorization).toBe("Bearer t-1")

      // a second config change derives the credentials again, and says nothing more
      fs.writeFileSync(s.configFile, `api-keys: [k, k2]\nupstream-endpoints: {tiny: "${fake.url}/v1"}\nlogging-to-file: false\n`)
      yield* s.config.reload
      yield* eventuallyEffect(Effect.map(s.registry.candidates("tiny-1"), (cs) => cs.length === 2), "the second change applied")
      expect(s.logs.filter((l) => l.includes("credential ghost:1 ignored: no provider has kind ghost"))).toHaveLength(1)
    }).pipe(Effect.provide(Compat.layer())))
})
