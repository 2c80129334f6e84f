import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { eventually, http, startServer } from "../support/server.js"

const statusWith = (url: string, key: string) => http(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })

describe("config hot reload", () => {
  it.scopedLive("a valid edit takes effect without a restart: keys added and removed", () =>
    Effect.gen(function*() {
      const s = yield* startServer("api-keys: [k1]")
      expect((yield* statusWith(s.url, "k1")).status).toBe(200)
      expect((yield* statusWith(s.url, "k2")).status).toBe(401)
      const text = fs.readFileSync(s.configFile, "utf8").replace("api-keys: [k1]", "api-keys: [k2]")
      fs.writeFileSync(s.configFile, text)
      yield* eventually(() => s.config.current().apiKeys[0] === "k2")
      expect((yield* statusWith(s.url, "k2")).status).toBe(200)
      expect((yield* statusWith(s.url, "k1")).status).toBe(401)
      yield* eventually(() => s.logs.join("").includes("config reloaded"))
    }))

  it.scopedLive("an editor's atomic rename is picked up", () =>
    Effect.gen(function*() {
      const s = yield* startServer("api-keys: [k1]")
      const tmp = path.join(s.dir, ".config.yaml.swp")
      fs.writeFileSync(tmp, fs.readFileSync(s.configFile, "utf8").replace("k1", "k3"))
      fs.renameSync(tmp, s.configFile)
      yield* eventually(() => s.config.current().apiKeys[0] === "k3")
      expect((yield* statusWith(s.url, "k3")).status).toBe(200)
    }))

  it.scopedLive("an invalid edit is logged with a clear message and the last good config stays", () =>
    Effect.gen(function*() {
      const s = yield* startServer("api-keys: [k1]")
      fs.writeFileSync(s.configFile, `${fs.readFileSync(s.configFile, "utf8")}\nport: abc\n`)
      const line = yield* eventually(() => s.logs.find((l) => l.includes("config reload rejected")))
      expect(line).toContain("port")
      expect(line).toContain("\"abc\"")
      expect(s.config.current().apiKeys).toEqual(["k1"])
      expect((yield* statusWith(s.url, "k1")).status).toBe(200)
    }))

  it.scopedLive("a change that needs a restart is logged as such and not applied", () =>
    Effect.gen(function*() {
      const s = yield* startServer("port: 18317\napi-keys: [k1]")
      fs.writeFileSync(s.configFile, fs.readFileSync(s.configFile, "utf8").replace("port: 18317", "port: 18318").replace("[k1]", "[k5]"))
      const line = yield* eventually(() => s.logs.find((l) => l.includes("restart")))
      expect(line).toContain("port changed")
      yield* eventually(() => s.config.current().apiKeys[0] === "k5")
      expect(s.config.current().port).toBe(18317)
      expect((yield* statusWith(s.url, "k5")).status).toBe(200)
    }))

  it.scopedLive("a request in flight finishes under the config it started with", () =>
    Effect.gen(function*() {
      const s = yield* startServer("api-keys: [k1]\nmax-body-size: 100000")
      const port = Number(new URL(s.url).port)
      // start a request whose body has not fully arrived, then change the config under it
      const { request } = yield* Effect.promise(() => import("node:http"))
      const res = yield* Effect.async<number>((resume) => {
        const req = request({ host: "127.0.0.1", port, method: "POST", path: "/v1/chat/completions", headers: { authorization: "Bearer k1", "content-type": "application/json" } }, (r) => {
          r.resume()
          r.on("end", () => resume(Effect.succeed(r.statusCode ?? 0)))
        })
        req.write("{\"model\":\"m\",\"pad\":\"")
        fs.writeFileSync(s.configFile, fs.readFileSync(s.configFile, "utf8").replace("max-body-size: 100000", "max-body-size: 10"))
        const waitReload = setInterval(() => {
          if (s.config.current().maxBodySize === 10) {
            clearInterval(waitReload)
            req.end(`${"x".repeat(50)}"}`)
          }
        }, 10)
      })
      // under the new limit this body would be 413; it started under the old one
      expect(res).toBe(400)
      const after = yield* http(`${s.url}/v1/chat/completions`, { method: "POST", headers: { authorization: "Bearer k1" }, body: JSON.stringify({ model: "m", pad: "x".repeat(50) }) })
      expect(after.status).toBe(413)
    }))
})

describe("management secret hashing", () => {
  it.scopedLive("a plaintext secret-key is replaced by its bcrypt hash at startup and on reload, comments and order kept", () =>
    Effect.gen(function*() {
      const { verifySecret } = yield* Effect.promise(() => import("../../src/config/secret.js"))
      const s = yield* startServer([
        "# top comment",
        "port: 8317 # the port",
        "remote-management:",
        "  allow-remote: false",
        "  # the management key",
        "  secret-key: \"first-secret\"",
        "api-keys: [k1]"
      ].join("\n"))
      const text = fs.readFileSync(s.configFile, "utf8")
      const hash = /secret-key: "?(\$2[aby]\$10\$[^"\s]+)/.exec(text)?.[1]
      expect(hash).toBeDefined()
      expect(yield* verifySecret("first-secret", hash!)).toBe(true)
      expect(text).toContain("# top comment\nport: 8317 # the port\nremote-management:\n  allow-remote: false\n  # the management key\n")
      expect(s.config.current().remoteManagement.secretKey).toBe(hash)
      fs.writeFileSync(s.configFile, text.replace(hash!, "second-secret"))
      const next = yield* eventually(() => {
        const h = s.config.current().remoteManagement.secretKey
        return h !== hash && h.startsWith("$2") ? h : undefined
      })
      expect(yield* verifySecret("second-secret", next)).toBe(true)
      expect(fs.readFileSync(s.configFile, "utf8")).not.toContain("second-secret")
    }))
})
