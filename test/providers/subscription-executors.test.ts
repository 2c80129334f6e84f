/**
 * The subscription executors beyond the matrix (issue 6, point 2): Gemini CLI's quota
 * fallbacks (next project, preview model) and token count, token refresh on expiry and
 * 401 -> refresh -> retry for each new sign-in, and the Qwen and iFlow stream quirks.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { credentialFromRecord } from "../../src/credentials/file-credentials.js"
import { baseUrlFor } from "../../src/providers/base-url.js"
import { providers } from "../../src/providers/registry.js"
import { decodeAuthFile } from "../../src/store/auth-file.js"
import { parseConfig } from "../../src/config/load.js"
import * as CodeAssist from "../fakes/gemini-code-assist.js"
import { tokenEndpoint } from "../fakes/oauth-token.js"
import * as Compat from "../fakes/openai-chat.js"
import { chat, generate, posts } from "../pipeline/helpers.js"
import { http, startServer } from "../support/server.js"

const later = "2099-01-01T00:00:00Z"
const past = "2020-01-01T00:00:00Z"

const geminiFile = (projectId: string, token = "gem-token", expiry = later) =>
  JSON.stringify({
    token: { access_token: token, refresh_token: "gem-refresh", token_type: "Bearer", expiry },
    project_id: projectId,
    email: "me@example.com",
    auto: false,
    checked: true,
    type: "gemini"
  })

/** A server with one Gemini CLI sign-in over the Code Assist fake. */
const geminiServer = (projectId: string, extraYaml = "", file = geminiFile(projectId)) =>
  Effect.gen(function*() {
    const fake = yield* CodeAssist.CodeAssistFake
    const s = yield* startServer(`upstream-endpoints:\n  gemini-cli: ${fake.url}\n${extraYaml}`, { auths: { "me@example.com-p.json": file } })
    return { fake, s }
  })

const sentTo = (r: { readonly json: unknown }) => {
  const body = r.json as { model?: string; project?: string }
  return `${body.project}/${body.model}`
}

describe("Gemini CLI executor", () => {
  it.scopedLive("a 429 moves to the file's next project, then to the preview models, on the same sign-in", () =>
    Effect.gen(function*() {
      const { fake, s } = yield* geminiServer("proj-a, proj-b")
      yield* fake.enqueue(CodeAssist.errorReply(429), CodeAssist.errorReply(429), CodeAssist.errorReply(429), { parts: [{ type: "text", text: "from a preview" }] })
      const answer = yield* generate(s, "gemini-2.5-pro")
      expect(answer.status).toBe(200)
      expect(answer.text).toContain("from a preview")
      expect((yield* posts(fake)).map(sentTo)).toEqual([
        "proj-a/gemini-2.5-pro",
        "proj-b/gemini-2.5-pro",
        "proj-a/gemini-2.5-pro-preview-05-06",
        "proj-b/gemini-2.5-pro-preview-05-06"
      ])
      for (const r of yield* posts(fake)) expect(r.headers.authorization).toBe("Bearer gem-token")
    }).pipe(Effect.provide(CodeAssist.layer())))

  it.scopedLive("with both quota switches off, a 429 is the answer", () =>
    Effect.gen(function*() {
      const { fake, s } = yield* geminiServer("proj-a,proj-b", "quota-exceeded:\n  switch-project: false\n  switch-preview-model: false\nrequest-retry: 0\n")
      yield* fake.enqueue(CodeAssist.errorReply(429))
      const answer = yield* generate(s, "gemini-2.5-pro")
      expect(answer.status).toBe(429)
      expect((yield* posts(fake)).map(sentTo)).toEqual(["proj-a/gemini-2.5-pro"])
    }).pipe(Effect.provide(CodeAssist.layer())))

  it.scopedLive("streams with alt=sse, answers unwrapped from the envelope; counts tokens upstream", () =>
    Effect.gen(function*() {
      const { fake, s } = yield* geminiServer("proj-a")
      const stream = yield* http(`${s.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] })
      })
      expect(stream.status).toBe(200)
      const first = (yield* posts(fake))[0]!
      expect(first.path).toBe("/v1internal:streamGenerateContent")
      expect(first.query).toEqual({ alt: "sse" })
      const data = stream.text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)))
      expect(data.length).toBeGreaterThan(0)
      for (const d of data) expect(d.response).toBeUndefined() // a Gemini API client sees plain chunks
      expect(data.some((d) => Array.isArray(d.candidates))).toBe(true)

      const count = yield* http(`${s.url}/v1beta/models/gemini-2.5-flash:countTokens`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "count these words please" }] }] })
      })
      expect(count.status).toBe(200)
      expect(JSON.parse(count.text).totalTokens).toBeGreaterThan(0)
      const counted = (yield* posts(fake)).find((r) => r.path === "/v1internal:countTokens")!
      expect(counted.json).toEqual({ request: { model: "models/gemini-2.5-flash", contents: [{ role: "user", parts: [{ text: "count these words please" }] }] } })
    }).pipe(Effect.provide(CodeAssist.layer())))

  it.scopedLive("an expired token is refreshed before the call and saved in the file's token object", () =>
    Effect.gen(function*() {
      const tokens = yield* tokenEndpoint()
      const { fake, s } = yield* geminiServer("proj-a", `  gemini-oauth: ${tokens.url}/token\n`, geminiFile("proj-a", "stale", past))
      const answer = yield* chat(s, "gemini-2.5-pro")
      expect(answer.status).toBe(200)
      expect(tokens.calls().length).toBe(1)
      expect(tokens.calls()[0]!.body).toContain("grant_type=refresh_token")
      expect((yield* posts(fake)).map((r) => r.headers.authorization)).toEqual(["Bearer at-1"])
      const saved = JSON.parse(fs.readFileSync(path.join(s.dir, "auths", "me@example.com-p.json"), "utf8"))
      expect(saved.token.access_token).toBe("at-1")
      expect(saved.project_id).toBe("proj-a")
    }).pipe(Effect.provide(CodeAssist.layer())))
})

describe("Qwen and iFlow executors", () => {
  const qwenFile = (token: string, expired = later) =>
    JSON.stringify({ type: "qwen", access_token: token, refresh_token: "qr", resource_url: "portal.qwen.ai", email: "me", expired })
  const iflowFile = (base: string, key: string) =>
    JSON.stringify({ type: "iflow", api_key: key, access_token: "iat", refresh_token: "ir", email: "me", base_url: base, expired: later })

  it.scopedLive("Qwen: an expired token is refreshed first; streams get the decoy tool and usage", () =>
    Effect.gen(function*() {
      const fake = yield* Compat.OpenAiChatFake
      const tokens = yield* tokenEndpoint()
      const s = yield* startServer(`upstream-endpoints:\n  qwen: ${fake.url}/v1\n  qwen-oauth: ${tokens.url}/token`, { auths: { "qwen-me.json": qwenFile("old", past) } })
      const answer = yield* chat(s, "qwen3-coder-plus", { stream: true })
      expect(answer.status).toBe(200)
      const sent = (yield* posts(fake))[0]!
      expect(sent.path).toBe("/v1/chat/completions")
      expect(sent.headers.authorization).toBe("Bearer at-1")
      const body = sent.json as { tools: Array<{ function: { name: string } }>; stream_options: { include_usage: boolean } }
      expect(body.tools.map((t) => t.function.name)).toEqual(["do_not_call_me"])
      expect(body.stream_options.include_usage).toBe(true)
      const saved = JSON.parse(fs.readFileSync(path.join(s.dir, "auths", "qwen-me.json"), "utf8"))
      expect(saved.access_token).toBe("at-1")
      expect(saved.resource_url).toBe("portal.qwen.ai")
    }).pipe(Effect.provide(Compat.layer({ models: [] }))))

  it.scopedLive("iFlow: a 401 refreshes, fetches the new API key and retries with it; empty tools become a placeholder in streams", () =>
    Effect.gen(function*() {
      const fake = yield* Compat.OpenAiChatFake
      const tokens = yield* tokenEndpoint()
      const s = yield* startServer(`upstream-endpoints:\n  iflow-oauth: ${tokens.url}`, { auths: { "iflow-me.json": iflowFile(`${fake.url}/v1`, "sk-old") } })
      yield* fake.enqueue(Compat.errorReply(401))
      const answer = yield* chat(s, "glm-4.6", { stream: true, tools: [] })
      expect(answer.status).toBe(200)
      const sent = yield* posts(fake)
      expect(sent.map((r) => r.headers.authorization)).toEqual(["Bearer sk-old", "Bearer sk-iflow-1"])
      for (const r of sent) {
        expect(r.headers["user-agent"]).toBe("iFlow-Cli")
        expect((r.json as { tools: Array<{ function: { name: string } }> }).tools.map((t) => t.function.name)).toEqual(["noop"])
      }
      const saved = JSON.parse(fs.readFileSync(path.join(s.dir, "auths", "iflow-me.json"), "utf8"))
      expect(saved.api_key).toBe("sk-iflow-1")
      expect(saved.base_url).toBe(`${fake.url}/v1`)
    }).pipe(Effect.provide(Compat.layer({ models: [] }))))

  it.effect("Qwen's resource_url is its base unless upstream-endpoints names one; an empty one means the default", () =>
    Effect.gen(function*() {
      const record = (resourceUrl: string) => {
        const metadata = { type: "qwen", access_token: "t", resource_url: resourceUrl }
        const file = decodeAuthFile(metadata)
        if (file._tag === "Left") throw new Error(file.left)
        return { id: "qwen-x.json", path: "", file: file.right, metadata, hash: "" }
      }
      const plain = (yield* parseConfig("", "config.yaml")).config
      const routed = (yield* parseConfig("upstream-endpoints:\n  qwen: http://gateway.local/qwen/v1\n", "config.yaml")).config
      const base = (config: typeof plain, resourceUrl: string) => {
        const c = credentialFromRecord(record(resourceUrl))
        if (c._tag === "Left") throw new Error(c.left)
        return baseUrlFor(config, c.right, providers.qwen)
      }
      expect(base(plain, "portal.qwen.ai")).toBe("https://portal.qwen.ai/v1")
      expect(base(plain, "https://dashscope.example.com/v1")).toBe("https://dashscope.example.com/v1")
      expect(base(plain, "")).toBe("https://portal.qwen.ai/v1")
      expect(base(routed, "portal.qwen.ai")).toBe("http://gateway.local/qwen/v1")
    }))
})
