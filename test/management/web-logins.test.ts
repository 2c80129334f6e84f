/**
 * Logins started from the management API (issue 8, point 1): the `*-auth-url` starters
 * answer the consent URL at once, `get-auth-status` follows the login, the credential is
 * saved and served; a refusal is reported once; the main port's callback routes hand a
 * redirect to the waiting login; Qwen's device flow runs without a terminal.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { LoginOverrides } from "../../src/providers/oauth/session.js"
import * as CodeAssist from "../fakes/gemini-code-assist.js"
import * as OAuth from "../fakes/oauth-server.js"
import { eventuallyEffect, http, startServer, type TestServer } from "../support/server.js"

const KEY = "web-login-key"

/** A server whose logins all go to the fakes, on free callback ports. */
const setup = (options: OAuth.Options = {}) =>
  Effect.gen(function*() {
    const fake = yield* OAuth.make(options)
    const codeAssist = yield* CodeAssist.make({ project: "proj-1" })
    const s = yield* startServer(`remote-management: {secret-key: ${KEY}}\n${OAuth.endpointsYaml(fake.url, codeAssist.url)}`).pipe(
      Effect.provideService(LoginOverrides, { port: 0, pollInterval: "10 millis" })
    )
    return { fake, s }
  })

const get = (s: TestServer, route: string) =>
  Effect.map(http(`${s.url}/v0/management${route}`, { headers: { authorization: `Bearer ${KEY}` } }), (a) => ({ status: a.status, body: a.json() as Record<string, string> }))

const settled = (s: TestServer, state: string) =>
  Effect.gen(function*() {
    let last: Record<string, string> = {}
    yield* eventuallyEffect(Effect.map(get(s, `/get-auth-status?state=${state}`), (a) => (last = a.body).status !== "wait"), "the login to finish", 5000)
    return last
  })

const authFiles = (s: TestServer) => fs.readdirSync(path.join(s.dir, "auths")).filter((f) => f.endsWith(".json"))

describe("web logins", () => {
  it.scopedLive("codex: the URL at once, the login pending until the consent, then saved and served", () =>
    Effect.gen(function*() {
      const { s } = yield* setup()
      const started = yield* get(s, "/codex-auth-url")
      expect(started.status).toBe(200)
      expect(started.body.status).toBe("ok")
      expect(started.body.url).toContain("/codex/authorize?")
      expect((yield* get(s, `/get-auth-status?state=${started.body.state}`)).body).toEqual({ status: "wait" })
      const browser = yield* OAuth.consent(started.body.url!)
      expect(browser.status).toBe(302)
      expect(yield* settled(s, started.body.state!)).toEqual({ status: "ok" })
      expect(authFiles(s)).toEqual(["codex-me@example.com.json"])
      yield* eventuallyEffect(
        Effect.map(http(`${s.url}/v1/models`), (a) => a.text.includes("\"gpt-5-codex\"")),
        "the new sign-in's models to be served"
      )
    }))

  it.scopedLive("a refused consent is reported once, then forgotten; nothing is saved", () =>
    Effect.gen(function*() {
      const { s } = yield* setup({ deny: true })
      const started = yield* get(s, "/anthropic-auth-url")
      yield* OAuth.consent(started.body.url!)
      const failed = yield* settled(s, started.body.state!)
      expect(failed.status).toBe("error")
      expect(failed.error).toContain("access_denied")
      expect((yield* get(s, `/get-auth-status?state=${started.body.state}`)).body).toEqual({ status: "ok" })
      expect(authFiles(s)).toEqual([])
    }))

  it.scopedLive("the provider's redirect to the proxy's own /anthropic/callback reaches the waiting login", () =>
    Effect.gen(function*() {
      const { s } = yield* setup()
      const started = yield* get(s, "/anthropic-auth-url")
      const page = yield* Effect.promise(() => fetch(started.body.url!, { redirect: "manual" }))
      const back = new URL(page.headers.get("location") ?? "")
      const delivered = yield* http(`${s.url}/anthropic/callback${back.search}`)
      expect(delivered.status).toBe(200)
      expect(delivered.headers.get("content-type")).toContain("text/html")
      expect(yield* settled(s, started.body.state!)).toEqual({ status: "ok" })
      expect(authFiles(s)).toEqual(["claude-me@example.com.json"])
      // with no login waiting, the callback says so
      expect((yield* http(`${s.url}/codex/callback?code=x&state=y`)).status).toBe(404)
    }))

  it.scopedLive("qwen: the device page and code at once, polled in the background, saved as qwen-qwen-<ms>.json", () =>
    Effect.gen(function*() {
      const { s } = yield* setup()
      const started = yield* get(s, "/qwen-auth-url")
      expect(started.body.url).toContain("user_code=")
      expect(yield* settled(s, started.body.state!)).toEqual({ status: "ok" })
      const files = authFiles(s)
      expect(files).toHaveLength(1)
      expect(files[0]).toMatch(/^qwen-qwen-\d+\.json$/)
    }))

  it.scopedLive("gemini: with no project asked for, the first project is used", () =>
    Effect.gen(function*() {
      const { s } = yield* setup()
      const started = yield* get(s, "/gemini-cli-auth-url")
      yield* OAuth.consent(started.body.url!)
      expect(yield* settled(s, started.body.state!)).toEqual({ status: "ok" })
      expect(authFiles(s)).toEqual(["me@example.com-proj-1.json"])
      expect((yield* get(s, "/get-auth-status?state=unknown")).body).toEqual({ status: "ok" })
    }))
})
