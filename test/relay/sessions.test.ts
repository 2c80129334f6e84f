/**
 * AI Studio relay sessions (spec/03 C.2, C.3, C.6): connecting with and without ws-auth,
 * the credential and models a tab brings and takes away, keep-alive, hot reload and
 * shutdown.
 */
import * as fs from "node:fs"
import { request } from "node:http"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import * as Tab from "../fakes/aistudio-tab.js"
import { eventually, http, startServer, type TestServer } from "../support/server.js"
import { connected, tabIds, tabsServing } from "./helpers.js"

const listed = (s: TestServer, key = "k") =>
  Effect.map(http(`${s.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } }), (r) => (r.json() as { data: Array<{ id: string }> }).data.map((m) => m.id))

describe("AI Studio relay sessions", () => {
  it.scopedLive("a tab becomes an aistudio-* credential serving the AI Studio models, never written to the Store; leaving removes them", () =>
    Effect.gen(function*() {
      const { s, tab } = yield* connected()
      const [id] = yield* tabIds(s)
      expect(id).toMatch(/^aistudio-[a-z0-9]{16}$/)
      const models = yield* listed(s)
      for (const m of ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-pro-latest", "gemini-flash-latest", "gemini-flash-lite-latest"]) expect(models).toContain(m)
      const beta = yield* http(`${s.url}/v1beta/models`)
      expect(beta.text).toContain("models/gemini-pro-latest")
      const authDir = path.join(s.dir, "auths")
      expect(fs.existsSync(authDir) ? fs.readdirSync(authDir) : []).toEqual([])

      tab.close()
      yield* tabsServing(s, 0)
      expect(yield* listed(s)).not.toContain("gemini-pro-latest")
      expect(fs.existsSync(authDir) ? fs.readdirSync(authDir) : []).toEqual([])
    }))

  it.scopedLive("with ws-auth the upgrade needs a client key: ?auth_token= or a header; without one it is a 401", () =>
    Effect.gen(function*() {
      const s = yield* startServer("ws-auth: true\napi-keys: [client-key-1]")
      const missing = yield* Effect.flip(Tab.connect(s.url))
      expect(missing.status).toBe(401)
      expect(JSON.parse(missing.body)).toEqual({ error: "Missing API key" })
      const invalid = yield* Effect.flip(Tab.connect(s.url, { query: "auth_token=nope" }))
      expect(invalid.status).toBe(401)
      expect(JSON.parse(invalid.body)).toEqual({ error: "Invalid API key" })
      yield* Tab.connect(s.url, { query: "auth_token=client-key-1" })
      yield* Tab.connect(s.url, { headers: { authorization: "Bearer client-key-1" } })
      yield* tabsServing(s, 2)
      expect(s.logs.join("\n")).not.toContain("auth_token=client-key-1")
    }))

  it.scopedLive("without ws-auth any tab connects, keys or not; other upgrade paths are refused", () =>
    Effect.gen(function*() {
      const s = yield* startServer("api-keys: [k]")
      yield* Tab.connect(s.url)
      yield* tabsServing(s, 1)
      const other = yield* Effect.flip(Tab.connect(s.url, { path: "/v1/other", headers: { authorization: "Bearer k" } }))
      expect(other.status).toBe(404)
    }))

  it.scopedLive("an upgrade that is not for /v1/ws (curl --http2 sends Upgrade: h2c) is served as the plain request, body included", () =>
    Effect.gen(function*() {
      const s = yield* startServer("")
      const body = JSON.stringify({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] })
      const answer = yield* Effect.async<{ status: number; text: string }>((resume) => {
        const req = request(`${s.url}/v1/chat/completions`, {
          method: "POST",
          headers: { connection: "Upgrade, HTTP2-Settings", upgrade: "h2c", "http2-settings": "AAMAAABkAAQCAAAAAAIAAAAA", "content-type": "application/json" }
        }, (res) => {
          let text = ""
          res.on("data", (c: Buffer) => (text += c.toString("utf8")))
          res.on("end", () => resume(Effect.succeed({ status: res.statusCode ?? 0, text })))
        })
        req.end(body)
      })
      expect(answer.status).toBeGreaterThanOrEqual(400)
      expect(answer.text).toContain("no-such-model")
    }))

  it.scopedLive("switching ws-auth on by hot reload closes the open sessions; switching it off leaves them", () =>
    Effect.gen(function*() {
      const s = yield* startServer("api-keys: [k]\nws-auth: false")
      const tab = yield* Tab.connect(s.url, { query: "auth_token=k" })
      yield* tabsServing(s, 1)
      fs.writeFileSync(s.configFile, fs.readFileSync(s.configFile, "utf8").replace("ws-auth: false", "ws-auth: true"))
      const closed = yield* tab.closed
      expect(closed.reason).toContain("ws-auth enabled")
      yield* tabsServing(s, 0)

      yield* Tab.connect(s.url, { query: "auth_token=k" })
      yield* tabsServing(s, 1)
      fs.writeFileSync(s.configFile, fs.readFileSync(s.configFile, "utf8").replace("ws-auth: true", "ws-auth: false"))
      yield* eventually(() => !s.config.current().wsAuth)
      yield* Effect.sleep("100 millis")
      expect(yield* tabIds(s)).toHaveLength(1)
    }))

  it.scopedLive("a ping frame is answered with a pong frame of the same id", () =>
    Effect.gen(function*() {
      const { tab } = yield* connected()
      tab.send({ id: "p1", type: "ping" })
      expect(yield* tab.frame((f) => f.type === "pong")).toEqual({ id: "p1", type: "pong" })
    }))

  it.scopedLive("the server pings every interval; a tab that answers stays, one that never pongs is dropped at the read deadline", () =>
    Effect.gen(function*() {
      const s = yield* startServer("", { relayTiming: { pingInterval: "40 millis", readDeadline: "250 millis" } })
      const live = yield* Tab.connect(s.url)
      const mute = yield* Tab.connect(s.url, { autoPong: false })
      yield* tabsServing(s, 2)
      const closed = yield* mute.closed
      expect(closed.reason).toBe("wsrelay: read deadline exceeded (no pong)")
      expect(mute.pings()).toBeGreaterThanOrEqual(3)
      yield* tabsServing(s, 1)
      yield* Effect.sleep("300 millis")
      expect(live.pings()).toBeGreaterThanOrEqual(10)
      expect(yield* tabIds(s)).toHaveLength(1)
    }))

  it.scopedLive("shutdown closes every session with `wsrelay: manager stopped` without waiting for the drain", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const s = yield* Scope.extend(startServer(""), scope)
      const tab = yield* Tab.connect(s.url)
      yield* tabsServing(s, 1)
      const started = Date.now()
      yield* Scope.close(scope, Exit.void)
      expect(Date.now() - started).toBeLessThan(3000)
      const closed = yield* tab.closed
      expect(closed).toEqual({ code: 1001, reason: "wsrelay: manager stopped" })
    }))
})
