import * as fs from "node:fs"
import * as path from "node:path"
import Anthropic from "@anthropic-ai/sdk"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Claude from "../fakes/claude.js"
import * as Codex from "../fakes/codex.js"
import * as Script from "../fakes/script.js"
import { posts } from "../pipeline/helpers.js"
import { eventuallyEffect, http, startServer } from "../support/server.js"

const claudeFile = (token: string) =>
  JSON.stringify({ id_token: "", access_token: token, refresh_token: "sk-ant-ort01-r", last_refresh: "2026-11-28T10:00:00Z", email: "me@example.com", type: "claude", expired: "2099-01-01T00:00:00Z" })

const hasModel = (url: string) =>
  Effect.map(http(`${url}/v1/models`), (r) => (r.json() as { data: Array<{ id: string }> }).data.some((m) => m.id === "claude-sonnet-4-5-20250929"))

describe("auth files", () => {
  it.scopedLive("a Claude Code file serves with its OAuth token, the OAuth beta and the Claude Code system line", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.ClaudeFake
      const s = yield* startServer(`upstream-endpoints:\n  claude: ${fake.url}`)
      fs.writeFileSync(path.join(s.dir, "auths", "claude-me@example.com.json"), claudeFile("sk-ant-oat01-one"))
      const anthropic = new Anthropic({ baseURL: s.url, apiKey: "x", maxRetries: 0 })
      // the file's models appear within a second
      yield* eventuallyEffect(hasModel(s.url), "the auth file's models appear")
      const m = yield* Effect.promise(() =>
        anthropic.messages.create({ model: "claude-sonnet-4-5-20250929", max_tokens: 50, system: "be brief", messages: [{ role: "user", content: "hi" }] })
      )
      expect(m.content[0]?.type).toBe("text")
      const [seen] = yield* posts(fake)
      expect(seen?.headers.authorization).toBe("Bearer sk-ant-oat01-one")
      expect(seen?.headers["x-api-key"]).toBeUndefined()
      expect(seen?.headers["anthropic-beta"]).toContain("oauth-2025-04-20")
      expect((seen?.json as { system: Array<{ text: string }> }).system.map((b) => b.text)).toEqual([
        "You are Claude Code, Anthropic's official CLI for Claude.",
        "be brief"
      ])
    }).pipe(Effect.provide(Claude.layer())))

  it.scopedLive("adding, replacing and deleting a file takes effect within a second; a stream in flight finishes", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.ClaudeFake
      const s = yield* startServer(`upstream-endpoints:\n  claude: ${fake.url}`)
      const file = path.join(s.dir, "auths", "claude-me@example.com.json")
      fs.writeFileSync(file, claudeFile("tok-1"))
      yield* eventuallyEffect(hasModel(s.url), "the added file routable")
      // replace: the next request carries the new token
      fs.writeFileSync(file, claudeFile("tok-2"))
      const send = (stream: boolean) =>
        fetch(`${s.url}/v1/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
          body: JSON.stringify({ model: "claude-sonnet-4-5-20250929", max_tokens: 20, stream, messages: [{ role: "user", content: "hi" }] })
        })
      yield* eventuallyEffect(
        Effect.gen(function*() {
          yield* Effect.promise(() => send(false).then((r) => r.text()))
          return (yield* posts(fake)).at(-1)?.headers.authorization === "Bearer tok-2"
        }),
        "the replaced token in use"
      )
      // a stream in flight on the credential survives its file's deletion
      yield* fake.enqueue({ parts: [Script.text("slow answer")], chunkDelayMs: 40 })
      const streaming = yield* Effect.promise(() => send(true))
      const bodyText = Effect.promise(() => streaming.text())
      fs.rmSync(file)
      yield* eventuallyEffect(Effect.map(hasModel(s.url), (has) => !has), "the deleted file's models gone")
      const text = yield* bodyText
      expect(text).toContain("message_stop")
      const after = yield* Effect.promise(() => send(false))
      expect(after.status).toBe(400)
    }).pipe(Effect.provide(Claude.layer())))

  it.scopedLive("replacing, renaming over and deleting one file leaves a stream on another credential undisturbed", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.ClaudeFake
      const s = yield* startServer(`upstream-endpoints:\n  claude: ${fake.url}\nrouting:\n  strategy: fill-first`, {
        auths: { "claude-a.json": claudeFile("tok-a"), "claude-b.json": claudeFile("tok-b") }
      })
      yield* eventuallyEffect(hasModel(s.url), "both files routable")
      // fill-first: the stream goes to claude-a.json (first by id); then b is churned underneath
      yield* fake.enqueue({ parts: [Script.text("a long and slow answer")], chunkDelayMs: 30 })
      const streaming = yield* Effect.promise(() =>
        fetch(`${s.url}/v1/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
          body: JSON.stringify({ model: "claude-sonnet-4-5-20250929", max_tokens: 20, stream: true, messages: [{ role: "user", content: "hi" }] })
        })
      )
      const body = Effect.promise(() => streaming.text())
      const b = path.join(s.dir, "auths", "claude-b.json")
      fs.writeFileSync(b, claudeFile("tok-b2"))
      const tmp = path.join(s.dir, "auths", ".claude-b.json.tmp")
      fs.writeFileSync(tmp, claudeFile("tok-b3"))
      fs.renameSync(tmp, b)
      fs.rmSync(b)
      const text = yield* body
      expect(text).toContain("message_stop")
      expect(text).not.toContain("event: error")
      expect((yield* posts(fake))[0]?.headers.authorization).toBe("Bearer tok-a")
    }).pipe(Effect.provide(Claude.layer())))

  it.scopedLive("a ChatGPT (Codex) file serves with its token, account id and the CLI originator", () =>
    Effect.gen(function*() {
      const fake = yield* Codex.CodexFake
      const s = yield* startServer(`upstream-endpoints:\n  codex: ${fake.url}`)
      fs.writeFileSync(
        path.join(s.dir, "auths", "codex-me@example.com.json"),
        JSON.stringify({ id_token: "x.y.z", access_token: "chatgpt-at", refresh_token: "rt_1", account_id: "acct-42", last_refresh: "2026-11-28T10:00:00Z", email: "me@example.com", type: "codex", expired: "2099-01-01T00:00:00Z" })
      )
      const ask = http(`${s.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ model: "gpt-5", messages: [{ role: "user", content: "hi" }] }) })
      yield* eventuallyEffect(Effect.map(http(`${s.url}/v1/models`), (r) => r.text.includes("\"gpt-5\"")), "the codex file routable")
      const r = yield* ask
      expect(r.status).toBe(200)
      expect((r.json() as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBeTruthy()
      const [seen] = yield* posts(fake)
      expect(seen?.headers.authorization).toBe("Bearer chatgpt-at")
      expect(seen?.headers["chatgpt-account-id"]).toBe("acct-42")
      expect(seen?.headers.originator).toBe("codex_cli_rs")
    }).pipe(Effect.provide(Codex.layer())))
})
