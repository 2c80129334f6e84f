import * as net from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { http, startServer } from "../support/server.js"

const keyed = "api-keys:\n  - k1\n  - k2\n"

describe("front door", () => {
  it.scopedLive("GET / answers the banner JSON without a key", () =>
    Effect.gen(function*() {
      const s = yield* startServer(keyed)
      const r = yield* http(`${s.url}/`)
      expect(r.status).toBe(200)
      expect(r.headers.get("content-type")).toContain("application/json")
      expect(r.headers.get("access-control-allow-origin")).toBe("*")
      const body = r.json() as { message: string; endpoints: Array<string> }
      expect(body.message).toBe("CLI Proxy API Server")
      expect(body.endpoints).toContain("POST /v1/chat/completions")
    }))

  it.scopedLive("model lists take the registry's models in each shape", () =>
    Effect.gen(function*() {
      const s = yield* startServer("")
      expect((yield* http(`${s.url}/v1/models`)).json()).toEqual({ object: "list", data: [] })
      yield* s.registry.register("cred-1", "gemini", [{
        id: "gemini-2.5-pro",
        ownedBy: "google",
        created: 1750000000,
        type: "gemini",
        displayName: "Gemini 2.5 Pro",
        name: "models/gemini-2.5-pro",
        version: "2.5",
        inputTokenLimit: 1048576,
        outputTokenLimit: 65536,
        supportedGenerationMethods: ["generateContent", "countTokens"]
      }])
      yield* s.registry.register("cred-2", "claude", [{ id: "claude-sonnet-4-5", ownedBy: "anthropic", type: "claude", displayName: "Claude Sonnet 4.5" }])
      const openai = (yield* http(`${s.url}/v1/models`)).json()
      expect(openai).toEqual({
        object: "list",
        data: [
          { id: "gemini-2.5-pro", object: "model", created: 1750000000, owned_by: "google" },
          { id: "claude-sonnet-4-5", object: "model", owned_by: "anthropic" }
        ]
      })
      const claudeCli = (yield* http(`${s.url}/v1/models`, { headers: { "user-agent": "claude-cli/2.0.30 (external, cli)" } })).json()
      const sdk = (yield* http(`${s.url}/v1/models?limit=20`, { headers: { "anthropic-version": "2026-10-21" } })).json()
      expect(sdk).toEqual(claudeCli)
      expect(sdk).toEqual({
        data: [
          { type: "model", id: "gemini-2.5-pro", display_name: "Gemini 2.5 Pro", created_at: "2025-06-15T15:06:40.000Z", object: "model", created: 1750000000, owned_by: "google" },
          { type: "model", id: "claude-sonnet-4-5", display_name: "Claude Sonnet 4.5", created_at: "1970-01-01T00:00:00.000Z", object: "model", owned_by: "anthropic" }
        ],
        has_more: false,
        first_id: "gemini-2.5-pro",
        last_id: "claude-sonnet-4-5"
      })
      const genai3 = (yield* http(`${s.url}/v1/models`, { headers: { "x-goog-api-key": "k" } })).json() as { models: Array<{ name: string }> }
      expect(genai3.models.map((m) => m.name)).toEqual(["models/gemini-2.5-pro", "claude-sonnet-4-5"])
      const retrieve = yield* http(`${s.url}/v1/models/claude-sonnet-4-5`)
      expect(retrieve.json()).toEqual({ id: "claude-sonnet-4-5", object: "model", owned_by: "anthropic" })
      const missingOne = yield* http(`${s.url}/v1/models/nope`, { headers: { "anthropic-version": "2023-06-01" } })
      expect(missingOne.status).toBe(404)
      expect(missingOne.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } })
      const gemini = (yield* http(`${s.url}/v1beta/models`)).json() as { models: Array<{ name: string }> }
      expect(gemini.models.map((m) => m.name)).toEqual(["models/gemini-2.5-pro", "claude-sonnet-4-5"])
      expect(gemini.models[0]).toMatchObject({ version: "2.5", inputTokenLimit: 1048576, supportedGenerationMethods: ["generateContent", "countTokens"] })
      const one = yield* http(`${s.url}/v1beta/models/gemini-2.5-pro`)
      expect(one.status).toBe(200)
      expect(one.json()).toMatchObject({ name: "models/gemini-2.5-pro", displayName: "Gemini 2.5 Pro" })
      const missing = yield* http(`${s.url}/v1beta/models/foo`)
      expect(missing.status).toBe(404)
      expect(missing.json()).toEqual({ error: { code: 404, message: "models/foo is not found", status: "NOT_FOUND" } })
    }))

  it.scopedLive("Claude Code's HEAD /api/hello is 200 and Codex's websocket attempt on /v1/responses is 426", () =>
    Effect.gen(function*() {
      const s = yield* startServer(keyed)
      const hello = yield* http(`${s.url}/api/hello`, { method: "HEAD" })
      expect(hello.status).toBe(200)
      // a real websocket handshake, as Codex sends it (fetch cannot send Upgrade)
      const { request } = yield* Effect.promise(() => import("node:http"))
      const u = new URL(s.url)
      const ws = yield* Effect.async<{ status: number; body: string }>((resume) => {
        const req = request({
          host: u.hostname,
          port: Number(u.port),
          path: "/v1/responses",
          headers: { authorization: "Bearer k1", connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" }
        }, (r) => {
          let body = ""
          r.on("data", (d) => (body += d))
          r.on("end", () => resume(Effect.succeed({ status: r.statusCode ?? 0, body })))
        })
        req.on("upgrade", () => resume(Effect.succeed({ status: 101, body: "" })))
        req.end()
      })
      expect(ws.status).toBe(426)
      expect(JSON.parse(ws.body)).toMatchObject({ error: { type: "invalid_request_error" } })
      // a plain GET of the AI Studio relay's socket says what it is
      const plain = yield* http(`${s.url}/v1/ws`)
      expect(plain.status).toBe(426)
      expect((plain.json() as { error: { message: string } }).error.message).toContain("websocket")
    }))

  it.scopedLive("OPTIONS is answered 204 with CORS on any path, before authentication", () =>
    Effect.gen(function*() {
      const s = yield* startServer(keyed)
      for (const p of ["/v1/chat/completions", "/does-not-exist"]) {
        const r = yield* http(`${s.url}${p}`, { method: "OPTIONS" })
        expect(r.status).toBe(204)
        expect(r.headers.get("access-control-allow-origin")).toBe("*")
        expect(r.headers.get("access-control-allow-methods")).toContain("POST")
        expect(r.headers.get("access-control-allow-headers")).toBe("*")
      }
    }))

  it.scopedLive("the client-key matrix: every form, valid, invalid, missing, and no keys configured", () =>
    Effect.gen(function*() {
      const s = yield* startServer(keyed)
      const list = (init: RequestInit, query = "") => http(`${s.url}/v1/models${query}`, init)
      const ok: Array<[RequestInit, string]> = [
        [{ headers: { authorization: "Bearer k1" } }, ""],
        [{ headers: { authorization: "k2" } }, ""],
        [{ headers: { "x-api-key": "k1" } }, ""],
        [{ headers: { "x-goog-api-key": "k1" } }, ""],
        [{}, "?key=k1"],
        [{}, "?auth_token=k2"],
        [{ headers: { authorization: "Bearer wrong" } }, "?key=k1"]
      ]
      for (const [init, query] of ok) expect((yield* list(init, query)).status).toBe(200)
      const missing = yield* list({})
      expect(missing.status).toBe(401)
      expect(missing.headers.get("access-control-allow-origin")).toBe("*")
      expect(missing.json()).toEqual({ error: { message: "Missing API key", type: "invalid_request_error", param: null, code: "invalid_api_key" } })
      const invalid = yield* list({ headers: { authorization: "Bearer K1" } })
      expect(invalid.status).toBe(401)
      expect((invalid.json() as { error: { message: string } }).error.message).toBe("Invalid API key")
      // dialects: Claude and Gemini clients get their own error shapes
      const claude = yield* http(`${s.url}/v1/messages`, { method: "POST", headers: { "x-api-key": "nope" }, body: "{}" })
      expect(claude.status).toBe(401)
      expect(claude.json()).toEqual({ type: "error", error: { type: "authentication_error", message: "Invalid API key" } })
      const gemini = yield* http(`${s.url}/v1beta/models`)
      expect(gemini.status).toBe(401)
      expect(gemini.json()).toEqual({ error: { code: 401, message: "Missing API key", status: "UNAUTHENTICATED" } })
      // no keys configured: open
      const open = yield* startServer("")
      expect((yield* http(`${open.url}/v1/models`)).status).toBe(200)
    }))

  it.scopedLive("unknown routes are 404 in the client's dialect", () =>
    Effect.gen(function*() {
      const s = yield* startServer("")
      const plain = yield* http(`${s.url}/nope`)
      expect(plain.status).toBe(404)
      expect(plain.headers.get("access-control-allow-origin")).toBe("*")
      expect((plain.json() as { error: { type: string } }).error.type).toBe("invalid_request_error")
      const wrongMethod = yield* http(`${s.url}/v1/chat/completions`)
      expect(wrongMethod.status).toBe(404)
      const claude = yield* http(`${s.url}/v1/messages/batches`, { headers: { "anthropic-version": "2023-06-01" } })
      expect(claude.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } })
      const noAction = yield* http(`${s.url}/v1beta/models/gemini-2.5-pro`, { method: "POST", body: "{}" })
      expect(noAction.status).toBe(404)
      expect(noAction.json()).toMatchObject({ error: { code: 404, status: "NOT_FOUND" } })
      const badAction = yield* http(`${s.url}/v1beta/models/gemini-2.5-pro:embedContent`, { method: "POST", body: "{}" })
      expect(badAction.status).toBe(404)
      expect((badAction.json() as { error: { message: string } }).error.message).toContain("embedContent")
    }))

  it.scopedLive("malformed JSON is 400 and an unknown model is 400, in each dialect", () =>
    Effect.gen(function*() {
      const s = yield* startServer("")
      const post = (p: string, body: string) => http(`${s.url}${p}`, { method: "POST", headers: { "content-type": "application/json" }, body })
      const bad = yield* post("/v1/chat/completions", "{not json")
      expect(bad.status).toBe(400)
      expect(bad.json()).toMatchObject({ error: { type: "invalid_request_error" } })
      const empty = yield* post("/v1/messages", "")
      expect(empty.status).toBe(400)
      expect(empty.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: expect.stringContaining("empty") } })
      const array = yield* post("/v1beta/models/x:generateContent", "[1,2]")
      expect(array.status).toBe(400)
      expect(array.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } })
      const unknown = yield* post("/v1/chat/completions", JSON.stringify({ model: "no-such-model", messages: [] }))
      expect(unknown.status).toBe(400)
      expect(unknown.json()).toMatchObject({ error: { message: "unknown provider for model no-such-model", code: "model_not_found" } })
      const streaming = yield* post("/v1/messages", JSON.stringify({ model: "no-such-model", stream: true, messages: [] }))
      expect(streaming.status).toBe(400)
      expect(streaming.json()).toMatchObject({ type: "error", error: { message: "unknown provider for model no-such-model" } })
    }))

  it.scopedLive("a body over max-body-size is 413 without reading it all", () =>
    Effect.gen(function*() {
      const s = yield* startServer("max-body-size: 1024")
      const big = JSON.stringify({ model: "m", messages: [{ role: "user", content: "x".repeat(5000) }] })
      const r = yield* http(`${s.url}/v1/chat/completions`, { method: "POST", body: big })
      expect(r.status).toBe(413)
      expect(r.json()).toMatchObject({ error: { code: "request_too_large" } })
      const claude = yield* http(`${s.url}/v1/messages`, { method: "POST", body: big })
      expect(claude.json()).toMatchObject({ type: "error", error: { type: "request_too_large" } })
      // the same size under the limit is read and parsed
      const small = yield* http(`${s.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ model: "m" }) })
      expect(small.status).toBe(400)
    }))

  it.scopedLive("garbage on the socket gets a 400 and the server keeps serving", () =>
    Effect.gen(function*() {
      const s = yield* startServer("")
      const port = Number(new URL(s.url).port)
      const reply = yield* Effect.async<string>((resume) => {
        const sock = net.connect(port, "127.0.0.1", () => sock.write("THIS IS NOT HTTP\r\n\r\n"))
        let data = ""
        sock.on("data", (d) => (data += d.toString()))
        sock.on("close", () => resume(Effect.succeed(data)))
        sock.on("error", () => resume(Effect.succeed(data)))
      })
      expect(reply).toContain("400")
      expect((yield* http(`${s.url}/`)).status).toBe(200)
    }))
})
