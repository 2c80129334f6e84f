/**
 * The management API (issue 8, points 1-3): availability, the key from every caller, remote
 * peers and the ban, the config endpoints and toggles, the list endpoints with their edge
 * cases, comment-preserving race-safe writes, and the auth files with path safety.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { eventuallyEffect, http, httpFrom, startServer, type TestServer } from "../support/server.js"

const SECRET = "mgmt-secret-1"

const configText = [
  "# top comment: kept",
  "api-keys:",
  "  - client-one # the first client",
  "debug: false",
  "remote-management:",
  `  secret-key: "${SECRET}"`,
  "  allow-remote: false",
  "# trailing comment",
  ""
].join("\n")

/** A management call; `key: null` presents none. */
const call = (s: TestServer, method: string, route: string, body?: unknown, key: string | null = SECRET) =>
  http(`${s.url}/v0/management${route}`, {
    method,
    headers: { ...(key === null ? {} : { authorization: `Bearer ${key}` }), "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) })
  })

const fileOf = (s: TestServer) => fs.readFileSync(s.configFile, "utf8")

describe("management API access", () => {
  it.scopedLive("is a 404 with no body while no secret key is set", () =>
    Effect.gen(function*() {
      const s = yield* startServer("debug: false")
      for (const route of ["/config", "/debug", "/nope"]) {
        const a = yield* call(s, "GET", route)
        expect(a.status).toBe(404)
        expect(a.text).toBe("")
      }
    }))

  it.scopedLive("needs the key from localhost too, as Bearer or X-Management-Key; the secret is stored hashed", () =>
    Effect.gen(function*() {
      const s = yield* startServer(configText)
      expect(fileOf(s)).not.toContain(SECRET) // bcrypt-hashed in place at start
      expect((yield* call(s, "GET", "/config", undefined, null)).json()).toEqual({ error: "missing management key" })
      const wrong = yield* call(s, "GET", "/config", undefined, "nope")
      expect(wrong.status).toBe(401)
      expect(wrong.json()).toEqual({ error: "invalid management key" })
      expect((yield* call(s, "GET", "/config")).status).toBe(200)
      const viaHeader = yield* http(`${s.url}/v0/management/debug`, { headers: { "x-management-key": SECRET } })
      expect(viaHeader.json()).toEqual({ debug: false })
      // a client API key is no management key
      expect((yield* call(s, "GET", "/config", undefined, "client-one")).status).toBe(401)
      for (const line of s.logs) expect(line).not.toContain(SECRET)
    }))

  it.scopedLive("refuses remote peers without allow-remote, whatever X-Forwarded-For says; with it, 5 failures ban the address for 30 minutes", () =>
    Effect.gen(function*() {
      const s = yield* startServer(configText)
      const remote = (key: string) =>
        httpFrom("127.0.0.2", `${s.url}/v0/management/config`, { headers: { authorization: `Bearer ${key}`, "x-forwarded-for": "127.0.0.1", "x-real-ip": "127.0.0.1" } })
      const refused = yield* remote(SECRET)
      expect(refused.status).toBe(403)
      expect(JSON.parse(refused.text)).toEqual({ error: "remote management disabled" })

      fs.writeFileSync(s.configFile, fileOf(s).replace("allow-remote: false", "allow-remote: true"))
      yield* s.config.reload
      expect((yield* remote(SECRET)).status).toBe(200)
      for (let i = 0; i < 5; i++) expect((yield* remote("wrong")).status).toBe(401)
      const banned = yield* remote(SECRET)
      expect(banned.status).toBe(403)
      expect(JSON.parse(banned.text).error).toMatch(/^IP banned due to too many failed attempts\. Try again in (29m\d+s|30m0s)$/)
      // localhost is never banned
      for (let i = 0; i < 6; i++) yield* call(s, "GET", "/config", undefined, "wrong")
      expect((yield* call(s, "GET", "/config")).status).toBe(200)
    }))
})

describe("management API config", () => {
  it.scopedLive("GET /config shows the config without port, auth-dir and the management block", () =>
    Effect.gen(function*() {
      const s = yield* startServer(configText)
      const view = (yield* call(s, "GET", "/config")).json() as Record<string, unknown>
      expect(view["api-keys"]).toEqual(["client-one"])
      expect(view.debug).toBe(false)
      for (const hidden of ["port", "auth-dir", "remote-management", "host"]) expect(view).not.toHaveProperty(hidden)
      expect(view["generative-language-api-key"]).toEqual([])
    }))

  it.scopedLive("a toggle is written to config.yaml with comments kept and is in force when the answer arrives", () =>
    Effect.gen(function*() {
      const s = yield* startServer(configText)
      expect((yield* call(s, "PUT", "/debug", { value: true })).json()).toEqual({ status: "ok" })
      expect(s.config.current().debug).toBe(true)
      expect((yield* call(s, "GET", "/debug")).json()).toEqual({ debug: true })
      const text = fileOf(s)
      expect(text).toContain("# top comment: kept")
      expect(text).toContain("client-one # the first client")
      expect(text).toContain("# trailing comment")
      expect(text).toContain("debug: true")
      expect((yield* call(s, "PATCH", "/request-retry", { value: 2 })).status).toBe(200)
      expect(s.config.current().requestRetry).toBe(2)
      for (const bad of [{ value: "true" }, {}, "not json"]) expect((yield* call(s, "PUT", "/debug", bad)).json()).toEqual({ error: "invalid body" })
      expect((yield* call(s, "PUT", "/request-retry", { value: 1.5 })).status).toBe(400)
      expect((yield* call(s, "PUT", "/proxy-url", { value: "socks5://127.0.0.1:1080" })).status).toBe(200)
      expect(s.config.current().proxyUrl).toBe("socks5://127.0.0.1:1080")
      expect((yield* call(s, "DELETE", "/proxy-url")).status).toBe(200)
      expect(s.config.current().proxyUrl).toBe("")
    }))

  it.scopedLive("every scalar endpoint reads back what it wrote, and the config holds it", () =>
    Effect.gen(function*() {
      const s = yield* startServer(configText)
      const cases: ReadonlyArray<readonly [string, string, unknown]> = [
        ["/debug", "debug", true],
        ["/logging-to-file", "logging-to-file", true],
        ["/usage-statistics-enabled", "usage-statistics-enabled", false],
        ["/proxy-url", "proxy-url", "http://127.0.0.1:3128"],
        ["/quota-exceeded/switch-project", "switch-project", false],
        ["/quota-exceeded/switch-preview-model", "switch-preview-model", false],
        ["/request-log", "request-log", true],
        ["/request-retry", "request-retry", 3],
        ["/ws-auth", "ws-auth", true],
        ["/disable-cooling", "disable-cooling", true]
      ]
      for (const [route, name, value] of cases) {
        expect((yield* call(s, "PUT", route, { value })).json()).toEqual({ status: "ok" })
        expect((yield* call(s, "GET", route)).json()).toEqual({ [name]: value })
      }
      const c = s.config.current()
      expect([c.debug, c.loggingToFile, c.usageStatisticsEnabled, c.proxyUrl, c.quotaExceeded, c.requestLog, c.requestRetry, c.wsAuth, c.disableCooling])
        .toEqual([true, true, false, "http://127.0.0.1:3128", { switchProject: false, switchPreviewModel: false }, true, 3, true, true])
      expect(fileOf(s)).toContain("# top comment: kept")
    }))

  it.scopedLive("GET/PUT /config.yaml: the bytes as they are; invalid YAML 400, an invalid config 422, nothing written", () =>
    Effect.gen(function*() {
      const s = yield* startServer(configText)
      const got = yield* call(s, "GET", "/config.yaml")
      expect(got.headers.get("content-type")).toBe("application/yaml; charset=utf-8")
      expect(got.text).toBe(fileOf(s))
      const before = fileOf(s)
      const badYaml = yield* call(s, "PUT", "/config.yaml", "port: [1,\n")
      expect(badYaml.status).toBe(400)
      expect((badYaml.json() as { error: string }).error).toBe("invalid_yaml")
      const badConfig = yield* call(s, "PUT", "/config.yaml", "port: abc\n")
      expect(badConfig.status).toBe(422)
      expect((badConfig.json() as { message: string }).message).toContain("port")
      expect(fileOf(s)).toBe(before)
      const next = `${before}# appended by PUT\nrequest-retry: 4\n`
      expect((yield* call(s, "PUT", "/config.yaml", next)).json()).toEqual({ ok: true, changed: ["config"] })
      expect(fileOf(s)).toBe(next)
      expect(s.config.current().requestRetry).toBe(4)
    }))

  it.scopedLive("an edit made by hand just before a management write is kept", () =>
    Effect.gen(function*() {
      const s = yield* startServer(configText, { watch: false })
      // the server has not reloaded this yet: the write must build on the file, not on memory
      fs.writeFileSync(s.configFile, `${fileOf(s)}# added by hand\nrequest-retry: 7\n`)
      expect((yield* call(s, "PUT", "/debug", { value: true })).status).toBe(200)
      const text = fileOf(s)
      expect(text).toContain("# added by hand")
      expect(text).toContain("request-retry: 7")
      expect(text).toContain("debug: true")
      expect(s.config.current().requestRetry).toBe(7)
    }))
})

describe("management API lists", () => {
  it.scopedLive("api-keys: PUT, PATCH by index and by value, DELETE; a missing item is a 404; a new key works at once", () =>
    Effect.gen(function*() {
      const s = yield* startServer(configText)
      expect((yield* call(s, "PUT", "/api-keys", ["k1", "k2"])).status).toBe(200)
      expect((yield* call(s, "GET", "/api-keys")).json()).toEqual({ "api-keys": ["k1", "k2"] })
      expect((yield* call(s, "PUT", "/api-keys", { items: [] })).json()).toEqual({ error: "invalid body" })
      expect((yield* call(s, "PATCH", "/api-keys", { index: 1, value: "k2b" })).status).toBe(200)
      expect((yield* call(s, "PATCH", "/api-keys", { old: "k1", new: "k1b" })).status).toBe(200)
      expect((yield* call(s, "GET", "/api-keys")).json()).toEqual({ "api-keys": ["k1b", "k2b"] })
      expect((yield* call(s, "PATCH", "/api-keys", { old: "absent", new: "x" })).status).toBe(404)
      expect((yield* call(s, "PATCH", "/api-keys", { index: 9, value: "x" })).status).toBe(404)
      expect((yield* call(s, "PATCH", "/api-keys", { nothing: 1 })).json()).toEqual({ error: "missing fields" })
      expect((yield* call(s, "DELETE", "/api-keys?value=absent")).status).toBe(404)
      expect((yield* call(s, "DELETE", "/api-keys")).json()).toEqual({ error: "missing index or value" })
      expect((yield* call(s, "DELETE", "/api-keys?index=0")).status).toBe(200)
      expect((yield* call(s, "GET", "/api-keys")).json()).toEqual({ "api-keys": ["k2b"] })
      const models = yield* http(`${s.url}/v1/models`, { headers: { authorization: "Bearer k2b" } })
      expect(models.status).toBe(200)
      expect((yield* http(`${s.url}/v1/models`, { headers: { authorization: "Bearer k1b" } })).status).toBe(401)
    }))

  it.scopedLive("key objects: PUT/PATCH/DELETE per spec; a bad entry is a 400 naming the field, never dropped silently", () =>
    Effect.gen(function*() {
      const s = yield* startServer(configText)
      expect((yield* call(s, "PUT", "/gemini-api-key", [{ "api-key": " g1 " }, { "api-key": "g2", "base-url": "https://gw.example.com" }])).status).toBe(200)
      expect((yield* call(s, "GET", "/gemini-api-key")).json()).toEqual({ "gemini-api-key": [{ "api-key": "g1" }, { "api-key": "g2", "base-url": "https://gw.example.com" }] })
      expect((yield* call(s, "GET", "/generative-language-api-key")).json()).toEqual({ "generative-language-api-key": ["g1", "g2"] })
      expect((yield* call(s, "PATCH", "/gemini-api-key", { match: "g1", value: { "api-key": "g1", "proxy-url": "socks5://127.0.0.1:9" } })).status).toBe(200)
      expect(s.config.current().geminiApiKey[0]?.proxyUrl).toBe("socks5://127.0.0.1:9")
      // an empty api-key in a Gemini PATCH deletes the entry
      expect((yield* call(s, "PATCH", "/gemini-api-key", { index: 1, value: { "api-key": "" } })).status).toBe(200)
      expect(s.config.current().geminiApiKey.map((k) => k.apiKey)).toEqual(["g1"])
      // the legacy view edits the keys and keeps each kept key's whole entry
      expect((yield* call(s, "PUT", "/generative-language-api-key", ["g1", "g3"])).status).toBe(200)
      expect(s.config.current().geminiApiKey.map((k) => [k.apiKey, k.proxyUrl])).toEqual([["g1", "socks5://127.0.0.1:9"], ["g3", ""]])
      expect((yield* call(s, "DELETE", "/gemini-api-key?api-key=absent")).status).toBe(404)
      expect((yield* call(s, "DELETE", "/gemini-api-key?api-key=g3")).status).toBe(200)

      const badType = yield* call(s, "PUT", "/claude-api-key", [{ "api-key": 5 }])
      expect(badType.status).toBe(400)
      expect((badType.json() as { error: string }).error).toContain("claude-api-key")
      const noBase = yield* call(s, "PUT", "/codex-api-key", [{ "api-key": "c1" }])
      expect(noBase.status).toBe(400)
      expect((noBase.json() as { error: string }).error).toContain("base-url")
      expect(s.config.current().codexApiKey).toEqual([])

      expect((yield* call(s, "PUT", "/claude-api-key", { items: [{ "api-key": "a1", models: [{ name: "claude-x", alias: "cx" }] }] })).status).toBe(200)
      expect((yield* call(s, "PATCH", "/claude-api-key", { match: "nope", value: { "api-key": "a2" } })).status).toBe(404)
      expect((yield* call(s, "DELETE", "/claude-api-key?api-key=nope")).status).toBe(404)
      expect(s.config.current().claudeApiKey.map((k) => k.models)).toEqual([[{ name: "claude-x", alias: "cx" }]])

      expect((yield* call(s, "PUT", "/openai-compatibility", [{ name: "router", "base-url": "https://r.example.com/v1", "api-key-entries": [{ "api-key": "rk" }] }])).status).toBe(200)
      expect((yield* call(s, "PATCH", "/openai-compatibility", { name: "router", value: { name: "router", "base-url": "" } })).status).toBe(200)
      expect(s.config.current().openaiCompatibility).toEqual([])
      expect((yield* call(s, "DELETE", "/openai-compatibility")).json()).toEqual({ error: "missing name or index" })
      expect(fileOf(s)).toContain("# top comment: kept")
    }))
})

const claudeFile = JSON.stringify({ type: "claude", access_token: "tok", refresh_token: "r", email: "me@example.com", expired: "2099-01-01T00:00:00Z" })

describe("management API auth files", () => {
  it.scopedLive("upload, list with status, disable, download, delete; bad files and names refused", () =>
    Effect.gen(function*() {
      const s = yield* startServer(configText)
      const dir = path.join(s.dir, "auths")
      expect((yield* call(s, "POST", "/auth-files?name=claude-me.json", claudeFile)).json()).toEqual({ status: "ok" })
      expect(fs.statSync(path.join(dir, "claude-me.json")).mode & 0o777).toBe(0o600)
      const form = new FormData()
      form.append("file", new Blob([claudeFile.replace("\"tok\"", "\"tok2\"")]), "claude-two.json")
      const multipart = yield* http(`${s.url}/v0/management/auth-files`, { method: "POST", headers: { authorization: `Bearer ${SECRET}` }, body: form })
      expect(multipart.json()).toEqual({ status: "ok" })

      const bad = yield* call(s, "POST", "/auth-files?name=broken.json", "{not json")
      expect(bad.status).toBe(400)
      const unknown = yield* call(s, "POST", "/auth-files?name=odd.json", JSON.stringify({ type: "martian" }))
      expect(unknown.status).toBe(400)
      expect(fs.existsSync(path.join(dir, "broken.json")) || fs.existsSync(path.join(dir, "odd.json"))).toBe(false)

      fs.symlinkSync("/etc/passwd", path.join(dir, "link.json"))
      for (const name of ["../config.yaml", "..\\\\config.json", "/etc/passwd", "a/b.json", "..", "link.json", "x.txt"]) {
        const d = yield* call(s, "GET", `/auth-files/download?name=${encodeURIComponent(name)}`)
        expect(d.status).toBe(400)
        expect((yield* call(s, "POST", `/auth-files?name=${encodeURIComponent(name)}`, claudeFile)).status).toBe(400)
        expect((yield* call(s, "DELETE", `/auth-files?name=${encodeURIComponent(name)}`)).status).toBe(400)
      }
      expect(fs.readFileSync("/etc/passwd", "utf8").length).toBeGreaterThan(0)

      const listed = (yield* call(s, "GET", "/auth-files")).json() as { files: Array<Record<string, unknown>> }
      const me = listed.files.find((f) => f.name === "claude-me.json")
      expect(me).toMatchObject({ type: "claude", email: "me@example.com", disabled: false, status: "active", provider: "claude" })
      expect(listed.files.map((f) => f.name)).not.toContain("link.json")

      expect((yield* call(s, "PATCH", "/auth-files/status", { name: "claude-me.json", disabled: true })).status).toBe(200)
      expect(JSON.parse(fs.readFileSync(path.join(dir, "claude-me.json"), "utf8")).disabled).toBe(true)
      const stateOf = (name: string) =>
        Effect.map(call(s, "GET", "/auth-files"), (a) => (a.json() as { files: Array<Record<string, unknown>> }).files.find((f) => f.name === name)?.status)
      yield* eventuallyEffect(Effect.map(stateOf("claude-me.json"), (st) => st === "disabled"), "the disabled file's credential to be disabled")
      expect((yield* call(s, "PATCH", "/auth-files/status", { name: "absent.json", disabled: true })).status).toBe(404)

      const download = yield* call(s, "GET", "/auth-files/download?name=claude-two.json")
      expect(download.headers.get("content-disposition")).toBe("attachment; filename=\"claude-two.json\"")
      expect(JSON.parse(download.text).access_token).toBe("tok2")
      expect((yield* call(s, "GET", "/auth-files/download?name=absent.json")).status).toBe(404)
      expect((yield* call(s, "DELETE", "/auth-files?name=absent.json")).status).toBe(404)
      expect((yield* call(s, "DELETE", "/auth-files?name=claude-two.json")).json()).toEqual({ status: "ok" })
      expect(fs.existsSync(path.join(dir, "claude-two.json"))).toBe(false)
      expect((yield* call(s, "DELETE", "/auth-files?all=true")).json()).toEqual({ status: "ok", deleted: 1 })
    }))
})

describe("management API logs", () => {
  it.scopedLive("GET /logs returns the log lines (after a time: only newer ones); DELETE clears them; both need logging-to-file", () =>
    Effect.gen(function*() {
      const s = yield* startServer(`${configText}logging-to-file: true\n`)
      const logs = path.join(path.dirname(s.configFile), "logs")
      fs.mkdirSync(logs, { recursive: true })
      fs.writeFileSync(path.join(logs, "main-20200101-000000000001.log"), "[2020-01-01 00:00:00] [info] an old line\n  its continuation\n")
      yield* http(`${s.url}/v1/models`, { headers: { authorization: "Bearer client-one" } })
      const read = () => Effect.map(call(s, "GET", "/logs"), (a) => a.json() as { lines: Array<string>; "line-count": number; "latest-timestamp": number })
      yield* eventuallyEffect(Effect.map(read(), (r) => r.lines.some((l) => l.includes("GET /v1/models 200"))), "the access line in the log", 3000)
      const all = yield* read()
      expect(all.lines[0]).toBe("[2020-01-01 00:00:00] [info] an old line")
      expect(all.lines[1]).toBe("  its continuation")
      expect(all["line-count"]).toBeGreaterThanOrEqual(3)
      const old = Math.floor(new Date(2020, 0, 1).getTime() / 1000)
      const newer = (yield* call(s, "GET", `/logs?after=${old}`)).json() as { lines: Array<string> }
      expect(newer.lines.some((l) => l.includes("an old line") || l.includes("its continuation"))).toBe(false)
      expect(newer.lines.some((l) => l.includes("GET /v1/models 200"))).toBe(true)
      expect(((yield* call(s, "GET", `/logs?after=${all["latest-timestamp"] + 60}`)).json() as { lines: Array<string> }).lines).toEqual([])

      const cleared = yield* call(s, "DELETE", "/logs")
      expect(cleared.json()).toEqual({ success: true, message: "Logs cleared successfully", removed: 1 })
      expect(fs.readdirSync(logs)).toEqual(["main.log"])

      expect((yield* call(s, "PUT", "/logging-to-file", { value: false })).status).toBe(200)
      expect((yield* call(s, "GET", "/logs")).json()).toEqual({ error: "logging to file disabled" })
      expect((yield* call(s, "DELETE", "/logs")).status).toBe(400)
    }))
})
