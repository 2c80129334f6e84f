import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as os from "node:os"
import * as path from "node:path"
import { expandHome } from "../../src/config/home.js"
import { parseByteSize } from "../../src/config/primitives.js"
import { Config, defaults } from "../../src/config/schema.js"
import { parse } from "./helpers.js"

const home = os.homedir()

describe("defaults", () => {
  it("are the documented values", () => {
    expect(defaults).toEqual({
      port: 8317,
      authDir: path.join(home, ".cli-proxy-api"),
      proxyUrl: "",
      requestRetry: 0,
      maxBodySize: 64 * 1024 * 1024,
      quotaExceeded: { switchProject: true, switchPreviewModel: true },
      remoteManagement: { allowRemote: false, secretKey: "", disableControlPanel: false },
      apiKeys: [],
      debug: false,
      loggingToFile: true,
      usageStatisticsEnabled: true,
      disableCooling: false,
      requestLog: false,
      requestLogMaxSize: 1073741824,
      wsAuth: false,
      geminiApiKey: [],
      codexApiKey: [],
      claudeApiKey: [],
      openaiCompatibility: [],
      upstreamEndpoints: {},
      routing: { strategy: "round-robin" },
      metrics: { enabled: true }
    })
    expect("host" in defaults).toBe(false)
  })

  it.effect("an empty file, a comment-only file and a null document give the defaults", () =>
    Effect.gen(function*() {
      for (const text of ["", "\n\n", "# only a comment\n# another\n", "~\n", "---\n"]) {
        const loaded = yield* parse(text)
        expect(loaded.config).toEqual(defaults)
        expect(loaded.unknownKeys).toEqual([])
        expect(loaded.warnings).toEqual([])
        expect(loaded.exists).toBe(true)
      }
    }))

  it.effect("a key without a value keeps its default", () =>
    Effect.gen(function*() {
      const { config } = yield* parse("port:\nremote-management:\ngemini-api-key:\nlogging-to-file:\n")
      expect(config).toEqual(defaults)
    }))
})

describe("top-level keys", () => {
  it.effect("every scalar key is read into its camelCase field", () =>
    Effect.gen(function*() {
      const { config, unknownKeys } = yield* parse(`
host: 127.0.0.1
port: 9000
auth-dir: /var/lib/cpa
proxy-url: " socks5://user:pass@10.0.0.1:1080 "
request-retry: 5
max-body-size: 1048576
quota-exceeded:
  switch-project: false
  switch-preview-model: false
remote-management:
  allow-remote: true
  secret-key: s3cret
  disable-control-panel: true
api-keys: [k1, k2]
debug: true
logging-to-file: false
usage-statistics-enabled: false
disable-cooling: true
request-log: true
ws-auth: true
upstream-endpoints:
  gemini: http://127.0.0.1:9999/
  claude: https://mirror.example.com/anthropic
`)
      expect(unknownKeys).toEqual([])
      expect(config).toEqual({
        ...defaults,
        host: "127.0.0.1",
        port: 9000,
        authDir: "/var/lib/cpa",
        proxyUrl: "socks5://user:pass@10.0.0.1:1080",
        requestRetry: 5,
        maxBodySize: 1048576,
        quotaExceeded: { switchProject: false, switchPreviewModel: false },
        remoteManagement: { allowRemote: true, secretKey: "s3cret", disableControlPanel: true },
        apiKeys: ["k1", "k2"],
        debug: true,
        loggingToFile: false,
        usageStatisticsEnabled: false,
        disableCooling: true,
        requestLog: true,
        wsAuth: true,
        upstreamEndpoints: { gemini: "http://127.0.0.1:9999", claude: "https://mirror.example.com/anthropic" }
      })
    }))

  it.effect("an empty host means all interfaces (absent)", () =>
    Effect.gen(function*() {
      const { config } = yield* parse("host: \"\"\n")
      expect("host" in config).toBe(false)
    }))

  it.effect("booleans accept the YAML 1.1 spellings the Go parser accepts", () =>
    Effect.gen(function*() {
      const { config } = yield* parse("debug: yes\nws-auth: on\nrequest-log: 'True'\nlogging-to-file: no\nusage-statistics-enabled: off\n")
      expect([config.debug, config.wsAuth, config.requestLog]).toEqual([true, true, true])
      expect([config.loggingToFile, config.usageStatisticsEnabled]).toEqual([false, false])
    }))

  it.effect("max-body-size accepts sizes with units", () =>
    Effect.gen(function*() {
      expect((yield* parse("max-body-size: 64MiB")).config.maxBodySize).toBe(64 * 1024 * 1024)
      expect((yield* parse("max-body-size: 10MB")).config.maxBodySize).toBe(10_000_000)
      expect((yield* parse("max-body-size: \"512 kb\"")).config.maxBodySize).toBe(512_000)
    }))

  it("parseByteSize reads bytes, decimal and binary units", () => {
    expect(parseByteSize("1024")).toBe(1024)
    expect(parseByteSize("1k")).toBe(1024)
    expect(parseByteSize("1KiB")).toBe(1024)
    expect(parseByteSize("1.5MiB")).toBe(1572864)
    expect(parseByteSize("2GB")).toBe(2_000_000_000)
    expect(parseByteSize("0")).toBeUndefined()
    expect(parseByteSize("12 parsecs")).toBeUndefined()
    expect(parseByteSize("-1")).toBeUndefined()
  })
})

describe("~ expansion", () => {
  it.effect("auth-dir expands a leading ~", () =>
    Effect.gen(function*() {
      expect((yield* parse("auth-dir: ~/.cli-proxy-api")).config.authDir).toBe(path.join(home, ".cli-proxy-api"))
      expect((yield* parse("auth-dir: \"~\"")).config.authDir).toBe(home)
      expect((yield* parse("auth-dir: /abs/dir")).config.authDir).toBe("/abs/dir")
    }))

  it("expandHome handles ~, ~/ and ~\\ and leaves ~user alone", () => {
    expect(expandHome("~", "/h")).toBe("/h")
    expect(expandHome("~/a/b", "/h")).toBe(path.join("/h", "a/b"))
    expect(expandHome("~\\a", "/h")).toBe(path.join("/h", "a"))
    expect(expandHome("~bob/a", "/h")).toBe("~bob/a")
    expect(expandHome("rel/~", "/h")).toBe("rel/~")
  })
})

describe("Config schema", () => {
  it("decodes {} to the defaults and encodes back to kebab-case keys", () => {
    expect(Schema.decodeUnknownSync(Config)({})).toEqual(defaults)
    const encoded = Schema.encodeSync(Config)(defaults)
    expect(Object.keys(encoded)).toContain("auth-dir")
    expect(Object.keys(encoded)).toContain("usage-statistics-enabled")
    expect(encoded["remote-management"]).toEqual({ "allow-remote": false, "secret-key": "", "disable-control-panel": false })
  })
})
