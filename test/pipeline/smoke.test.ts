import Anthropic from "@anthropic-ai/sdk"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import OpenAI from "openai"
import * as Claude from "../fakes/claude.js"
import * as Compat from "../fakes/openai-chat.js"
import { startServer } from "../support/server.js"

describe("pipeline smoke", () => {
  it.scopedLive("OpenAI SDK -> compat (passthrough) and Anthropic SDK -> compat (translated)", () =>
    Effect.gen(function*() {
      const fake = yield* Compat.OpenAiChatFake
      const s = yield* startServer([
        "api-keys: [k1]",
        "openai-compatibility:",
        "  - name: openrouter",
        `    base-url: ${fake.url}/v1`,
        "    api-key-entries: [{api-key: up-key}]",
        "    models: [{name: moonshot/kimi, alias: kimi}]"
      ].join("\n"))
      const openai = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: "k1" })
      const r = yield* Effect.promise(() => openai.chat.completions.create({ model: "kimi", messages: [{ role: "user", content: "hi" }] }))
      expect(r.choices[0]?.message.content).toBeTruthy()
      const seen = (yield* fake.requests).find((q) => q.method === "POST")!
      expect(seen.json).toMatchObject({ model: "moonshot/kimi" })
      expect(seen.headers.authorization).toBe("Bearer up-key")
      const stream = yield* Effect.promise(() => openai.chat.completions.create({ model: "kimi", stream: true, messages: [{ role: "user", content: "hi" }] }))
      let text = ""
      yield* Effect.promise(async () => {
        for await (const c of stream) text += c.choices[0]?.delta.content ?? ""
      })
      expect(text.length).toBeGreaterThan(0)
      const anthropic = new Anthropic({ baseURL: s.url, apiKey: "k1" })
      const m = yield* Effect.promise(() => anthropic.messages.create({ model: "kimi", max_tokens: 100, messages: [{ role: "user", content: "hi" }] }))
      expect(m.content[0]?.type).toBe("text")
      const ms = anthropic.messages.stream({ model: "kimi", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      const final = yield* Effect.promise(() => ms.finalMessage())
      expect(final.content[0]?.type).toBe("text")
    }).pipe(Effect.provide(Compat.layer())))

  it.scopedLive("Claude upstream: passthrough for the Anthropic SDK", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.ClaudeFake
      const s = yield* startServer([
        "claude-api-key:",
        `  - api-key: sk-ant-1`,
        `    base-url: ${fake.url}`
      ].join("\n"))
      const anthropic = new Anthropic({ baseURL: s.url, apiKey: "x" })
      const m = yield* Effect.promise(() => anthropic.messages.create({ model: "claude-sonnet-4-5-20250929", max_tokens: 100, messages: [{ role: "user", content: "hi" }] }))
      expect(m.content[0]?.type).toBe("text")
      const seen = (yield* fake.requests).find((q) => q.method === "POST")!
      expect(seen.headers["x-api-key"]).toBe("sk-ant-1")
      const openai = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: "x" })
      const r = yield* Effect.promise(() => openai.chat.completions.create({ model: "claude-sonnet-4-5-20250929", messages: [{ role: "user", content: "hi" }] }))
      expect(r.choices[0]?.message.content).toBeTruthy()
    }).pipe(Effect.provide(Claude.layer())))
})
