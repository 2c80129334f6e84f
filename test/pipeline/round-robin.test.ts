import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Claude from "../fakes/claude.js"
import * as Compat from "../fakes/openai-chat.js"
import * as Gemini from "../fakes/gemini.js"
import { startServer } from "../support/server.js"
import { chat, generate, idOfKey, posts, sortedIds } from "./helpers.js"

const model = "claude-sonnet-4-5-20250929"

describe("round-robin selection", () => {
  it.scopedLive("three keys of one provider take turns, in credential id order", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.make()
      const keys = ["sk-a", "sk-b", "sk-c"]
      const s = yield* startServer(["claude-api-key:", ...keys.map((k) => `  - {api-key: ${k}, base-url: "${fake.url}"}`)].join("\n"))
      const keyOfId = new Map(keys.map((k) => [idOfKey(s, k), k]))
      const expected = sortedIds(s).map((id) => keyOfId.get(id))
      for (let i = 0; i < 6; i++) expect((yield* chat(s, model)).status).toBe(200)
      const seen = (yield* posts(fake)).map((r) => r.headers["x-api-key"])
      expect(seen).toEqual([...expected, ...expected])
    }))

  it.scopedLive("the rotation is per model: another model starts its own turn at the first key", () =>
    Effect.gen(function*() {
      const fake = yield* Gemini.make()
      const s = yield* startServer(["gemini-api-key:", `  - {api-key: g-1, base-url: "${fake.url}"}`, `  - {api-key: g-2, base-url: "${fake.url}"}`].join("\n"))
      const first = sortedIds(s).map((id) => (id === idOfKey(s, "g-1") ? "g-1" : "g-2"))
      yield* generate(s, "gemini-2.5-pro")
      yield* generate(s, "gemini-2.5-flash")
      yield* generate(s, "gemini-2.5-pro")
      const seen = (yield* posts(fake)).map((r) => `${r.path.includes("flash") ? "flash" : "pro"}:${r.headers["x-goog-api-key"]}`)
      expect(seen).toEqual([`pro:${first[0]}`, `flash:${first[0]}`, `pro:${first[1]}`])
    }))

  it.scopedLive("two providers serving one model alternate", () =>
    Effect.gen(function*() {
      const claude = yield* Claude.make()
      const compat = yield* Compat.make()
      const s = yield* startServer([
        "claude-api-key:",
        `  - {api-key: sk-1, base-url: "${claude.url}", models: [{name: claude-up, alias: shared}]}`,
        "openai-compatibility:",
        "  - name: router",
        `    base-url: ${compat.url}/v1`,
        "    api-key-entries: [{api-key: c-1}]",
        "    models: [{name: compat-up, alias: shared}]"
      ].join("\n"))
      const order: Array<string> = []
      for (let i = 0; i < 4; i++) {
        const before = [(yield* posts(claude)).length, (yield* posts(compat)).length]
        expect((yield* chat(s, "shared")).status).toBe(200)
        const after = [(yield* posts(claude)).length, (yield* posts(compat)).length]
        order.push(after[0]! > before[0]! ? "claude" : after[1]! > before[1]! ? "compat" : "none")
      }
      expect(order.slice(0, 2).sort()).toEqual(["claude", "compat"])
      expect(order.slice(2)).toEqual(order.slice(0, 2))
      expect((yield* posts(claude)).map((r) => (r.json as { model?: string }).model)).toEqual(["claude-up", "claude-up"])
      expect((yield* posts(compat)).map((r) => (r.json as { model?: string }).model)).toEqual(["compat-up", "compat-up"])
    }))
})
