/**
 * The Gemini CLI relay (issue 7, point 1): Gemini CLI with CODE_ASSIST_ENDPOINT pointed at
 * the proxy. Its recorded sessions (spec/05: plain, onboarding, onboarding with operation
 * polling) are replayed in order: model calls are balanced over the Gemini CLI sign-ins
 * and pass through in the Code Assist envelope; every other call is relayed to Code
 * Assist as it is, with the CLI's own token. Only 127.0.0.1 / ::1 peers are served.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Gemini from "../fakes/gemini.js"
import * as CodeAssist from "../fakes/gemini-code-assist.js"
import * as Script from "../fakes/script.js"
import { posts } from "../pipeline/helpers.js"
import { httpFrom, startServer } from "../support/server.js"

const fixtures = path.join(import.meta.dirname, "..", "formats", "fixtures", "real-clients")

interface Recorded {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly body: unknown
}

/** A recorded Gemini CLI session, in the order it was sent. */
const session = (client: string): ReadonlyArray<Recorded> =>
  fs.readdirSync(path.join(fixtures, client))
    .sort((a, b) => parseInt(a) - parseInt(b))
    .map((f) => {
      const j = JSON.parse(fs.readFileSync(path.join(fixtures, client, f), "utf8")) as Omit<Recorded, "method"> & { method?: string }
      return { method: j.method ?? "POST", path: j.path, query: j.query, body: j.body }
    })

/** The headers Gemini CLI 0.61 sends in Code Assist mode (spec/05), with its own Google token. */
const cliHeaders = {
  authorization: "Bearer cli-own-google-token",
  "content-type": "application/json",
  accept: "*/*",
  "user-agent": "GeminiCLI-tui/0.61.0/gemini-2.5-pro (linux; x64; terminal) google-api-nodejs-client/10.9.0",
  "x-goog-api-client": "gl-node/20.20.2"
}

/** A Gemini CLI request to the proxy, from 127.0.0.1 unless told otherwise. */
const send = (url: string, r: { method: string; target: string; body?: unknown; headers?: Record<string, string>; localAddress?: string }) =>
  httpFrom(r.localAddress ?? "127.0.0.1", `${url}${r.target}`, {
    method: r.method,
    headers: { ...cliHeaders, ...r.headers },
    ...(r.body === undefined || r.body === null ? {} : { body: JSON.stringify(r.body) })
  })

const targetOf = (r: Recorded) => {
  const q = new URLSearchParams(r.query).toString()
  return q === "" ? r.path : `${r.path}?${q}`
}

const file = (token: string, project: string) =>
  JSON.stringify({ token: { access_token: token, refresh_token: `r-${token}`, token_type: "Bearer", expiry: "2099-01-01T00:00:00Z" }, project_id: project, email: `${project}@example.com`, type: "gemini" })

/** A proxy with two Gemini CLI sign-ins (and a client key, which the relay does not need). */
const relay = Effect.gen(function*() {
  const fake = yield* CodeAssist.CodeAssistFake
  const s = yield* startServer(`api-keys: [relay-client-key]\nupstream-endpoints:\n  gemini-cli: ${fake.url}`, {
    auths: { "a@example.com-proj-a.json": file("tok-a", "proj-a"), "b@example.com-proj-b.json": file("tok-b", "proj-b") }
  })
  return { fake, s }
})

describe("Gemini CLI relay (/v1internal)", () => {
  for (const client of ["gemini-cli-code-assist", "gemini-cli-code-assist-onboard", "gemini-cli-code-assist-onboard-lro"]) {
    it.scopedLive(`replays ${client}: model calls balanced over the sign-ins, everything else relayed as it is`, () =>
      Effect.gen(function*() {
        const { fake, s } = yield* relay
        const recorded = session(client)
        const answers: Array<{ readonly status: number; readonly text: string }> = []
        for (const r of recorded) answers.push(yield* send(s.url, { method: r.method, target: targetOf(r), body: r.body }))
        const received = yield* fake.requests
        expect(received.length).toBe(recorded.length)
        const modelCalls = new Map<string, Array<string>>()
        for (const [i, r] of recorded.entries()) {
          const got = received[i]!
          const answer = answers[i]!
          expect(got.method).toBe(r.method)
          expect(got.path).toBe(r.path)
          expect(got.query).toEqual(r.query)
          const isModelCall = /:(stream)?[gG]enerateContent$/.test(r.path)
          if (!isModelCall) {
            // relayed: the CLI's own token and body, and the upstream's own answer (404s included)
            expect(got.headers.authorization).toBe(cliHeaders.authorization)
            expect(got.headers["user-agent"]).toBe(cliHeaders["user-agent"])
            if (r.body !== null) expect(got.json).toEqual(r.body)
            const expected = r.path.endsWith(":loadCodeAssist") || r.path.endsWith(":onboardUser") ? 200 : 404
            expect(answer.status).toBe(expected)
            continue
          }
          // balanced: a sign-in's token and project; the rest of the envelope as the CLI sent it
          const sent = got.json as { model: string; project: string; user_prompt_id: string; request: unknown }
          const original = r.body as typeof sent
          modelCalls.set(sent.model, [...(modelCalls.get(sent.model) ?? []), `${got.headers.authorization} ${sent.project}`])
          expect(sent.model).toBe(original.model)
          expect(sent.user_prompt_id).toBe(original.user_prompt_id)
          expect(sent.request).toEqual(original.request)
          expect(answer.status).toBe(200)
          if (r.path.endsWith(":streamGenerateContent")) {
            const events = answer.text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)))
            expect(events.length).toBeGreaterThan(0)
            for (const e of events) expect(e.response).toBeDefined() // the CLI reads {response: ...}
          } else {
            expect(JSON.parse(answer.text).response.candidates).toBeDefined()
          }
        }
        // round-robin per model: the two sign-ins take turns
        expect([...modelCalls.keys()].sort()).toEqual(["gemini-3-flash", "gemini-3.1-flash-lite"])
        for (const calls of modelCalls.values()) {
          expect(calls.length).toBeGreaterThanOrEqual(2)
          calls.forEach((m, i) => expect(m).toBe(calls[i % 2]))
          expect(new Set(calls)).toEqual(new Set(["Bearer tok-a proj-a", "Bearer tok-b proj-b"]))
        }
      }).pipe(Effect.provide(CodeAssist.layer({ onboarded: client === "gemini-cli-code-assist" }))))
  }

  it.scopedLive("a 429 on one sign-in moves the CLI's call to the other", () =>
    Effect.gen(function*() {
      const { fake, s } = yield* relay
      const call = session("gemini-cli-code-assist").find((r) => r.path.endsWith(":streamGenerateContent"))!
      yield* fake.enqueue(CodeAssist.errorReply(429), { parts: [Script.text("from the other account")] })
      const answer = yield* send(s.url, { method: "POST", target: targetOf(call), body: call.body })
      expect(answer.status).toBe(200)
      const texts = answer.text.split("\n").filter((l) => l.startsWith("data: "))
        .map((l) => JSON.parse(l.slice(6)).response.candidates[0].content.parts[0].text as string)
      expect(texts.join("")).toBe("from the other account")
      expect(new Set((yield* posts(fake)).map((r) => r.headers.authorization))).toEqual(new Set(["Bearer tok-a", "Bearer tok-b"]))
    }).pipe(Effect.provide(CodeAssist.layer())))

  it.scopedLive("a model only a Gemini API key serves is translated both ways: plain Gemini upstream, enveloped answers for the CLI", () =>
    Effect.gen(function*() {
      const gemini = yield* Gemini.GeminiFake
      const s = yield* startServer(`gemini-api-key:\n  - api-key: up-key\n    base-url: ${gemini.url}\n    models: [{name: gemini-2.5-flash}]`)
      const body = { model: "gemini-2.5-flash", project: "cli-project", user_prompt_id: "p1", request: { contents: [{ role: "user", parts: [{ text: "hi" }] }] } }
      const whole = yield* send(s.url, { method: "POST", target: "/v1internal:generateContent", body })
      expect(whole.status).toBe(200)
      expect(JSON.parse(whole.text).response.candidates[0].content.parts.length).toBeGreaterThan(0)
      const stream = yield* send(s.url, { method: "POST", target: "/v1internal:streamGenerateContent?alt=sse", body })
      expect(stream.status).toBe(200)
      const events = stream.text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)))
      expect(events.length).toBeGreaterThan(0)
      for (const e of events) expect(e.response).toBeDefined()
      for (const r of yield* posts(gemini)) {
        expect(r.path).toMatch(/^\/v1beta\/models\/gemini-2\.5-flash:/)
        expect(r.headers["x-goog-api-key"]).toBe("up-key")
        expect((r.json as Record<string, unknown>).request).toBeUndefined()
        expect((r.json as Record<string, unknown>).contents).toEqual(body.request.contents)
      }
    }).pipe(Effect.provide(Gemini.layer({ models: [] }))))

  it.scopedLive("serves only 127.0.0.1 and ::1, by the socket's address: another peer is refused even with a forged X-Forwarded-For", () =>
    Effect.gen(function*() {
      const { fake, s } = yield* relay
      const load = session("gemini-cli-code-assist")[0]!
      const forged = { "x-forwarded-for": "127.0.0.1", "x-real-ip": "127.0.0.1", forwarded: "for=127.0.0.1" }
      for (const target of [targetOf(load), "/v1internal:streamGenerateContent?alt=sse"]) {
        const refused = yield* send(s.url, { method: "POST", target, body: load.body, headers: forged, localAddress: "127.0.0.2" })
        expect(refused.status).toBe(403)
        expect(JSON.parse(refused.text).error).toMatchObject({ code: 403, status: "PERMISSION_DENIED" })
      }
      expect(yield* fake.requests).toEqual([])
      const local = yield* send(s.url, { method: "POST", target: targetOf(load), body: load.body })
      expect(local.status).toBe(200)
    }).pipe(Effect.provide(CodeAssist.layer())))
})
