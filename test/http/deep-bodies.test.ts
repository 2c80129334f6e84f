import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import * as Gemini from "../fakes/gemini.js"
import * as Compat from "../fakes/openai-chat.js"
import { http, startServer } from "../support/server.js"

// JSON.parse takes any depth, but JSON.stringify and the codecs recurse: a body nested
// this deep overflowed the stack and the client got a 500 "Internal error" (route fuzzing).
const deep = (depth: number) => "[".repeat(depth) + "]".repeat(depth)

describe("deeply nested request bodies", () => {
  it.scopedLive("are refused with a 400 in the client's dialect, and the server keeps serving", () =>
    Effect.gen(function*() {
      const compat = Context.get(yield* Layer.build(Compat.layer()), Compat.OpenAiChatFake)
      const gemini = Context.get(yield* Layer.build(Gemini.layer()), Gemini.GeminiFake)
      const s = yield* startServer([
        "openai-compatibility:",
        "  - name: up",
        `    base-url: ${compat.url}/v1`,
        "    models: [{name: upstream-chat, alias: m-chat}]",
        `gemini-api-key: [{api-key: g, base-url: ${JSON.stringify(gemini.url)}, models: [{name: m-gem, alias: m-gem}]}]`
      ].join("\n"))
      const post = (path: string, body: string) => http(`${s.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body })

      // passthrough: the body is re-serialised with the upstream model name
      const chat = yield* post("/v1/chat/completions", `{"model":"m-chat","messages":[{"role":"user","content":"hi"}],"extra":${deep(50_000)}}`)
      expect(chat.status).toBe(400)
      expect(chat.json()).toMatchObject({ error: { type: "invalid_request_error", message: expect.stringContaining("nested too deeply") } })

      // counting: the request is decoded and re-encoded for the upstream
      const count = yield* post("/v1beta/models/m-gem:countTokens", `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"x":${deep(50_000)}}`)
      expect(count.status).toBe(400)
      expect(count.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } })

      expect((yield* post("/v1/chat/completions", `{"model":"m-chat","messages":[{"role":"user","content":"hi"}]}`)).status).toBe(200)
    }))
})
