import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { parse } from "./helpers.js"

describe("gemini-api-key", () => {
  it.effect("reads every field, trims, strips the trailing slash and cleans headers", () =>
    Effect.gen(function*() {
      const { config, warnings } = yield* parse(`
gemini-api-key:
  - api-key: " AIza-1 "
    base-url: "https://gl.example.com/ "
    proxy-url: socks5://p:1080
    headers:
      X-Foo: " bar "
      " X-Empty": ""
  - api-key: AIza-2
`)
      expect(config.geminiApiKey).toEqual([
        { apiKey: "AIza-1", baseUrl: "https://gl.example.com", proxyUrl: "socks5://p:1080", headers: { "X-Foo": "bar" }, models: [] },
        { apiKey: "AIza-2", baseUrl: "", proxyUrl: "", headers: {}, models: [] }
      ])
      expect(warnings).toEqual([`gemini-api-key[0].headers: dropped header "X-Empty", empty name or value`])
    }))

  it.effect("drops empty and duplicate keys with a warning naming the entry", () =>
    Effect.gen(function*() {
      const { config, warnings } = yield* parse("gemini-api-key:\n  - api-key: a\n  - api-key: ''\n  - base-url: http://x\n  - api-key: a\n")
      expect(config.geminiApiKey.map((k) => k.apiKey)).toEqual(["a"])
      expect(warnings).toEqual([
        "gemini-api-key[1]: dropped, api-key is empty",
        "gemini-api-key[2]: dropped, api-key is empty",
        "gemini-api-key[3]: dropped, same api-key as an earlier entry"
      ])
    }))

  it.effect("legacy generative-language-api-key strings are merged in, without duplicates", () =>
    Effect.gen(function*() {
      const { config, warnings } = yield* parse(`
gemini-api-key:
  - api-key: k1
    base-url: https://b
generative-language-api-key: [k1, " k2 ", k2, k3, ""]
`)
      expect(config.geminiApiKey).toEqual([
        { apiKey: "k1", baseUrl: "https://b", proxyUrl: "", headers: {}, models: [] },
        { apiKey: "k2", baseUrl: "", proxyUrl: "", headers: {}, models: [] },
        { apiKey: "k3", baseUrl: "", proxyUrl: "", headers: {}, models: [] }
      ])
      expect(warnings).toEqual(["generative-language-api-key[4]: dropped, empty key"])
      expect("generativeLanguageApiKey" in config).toBe(false)
    }))
})

describe("claude-api-key", () => {
  it.effect("reads every field and model aliases", () =>
    Effect.gen(function*() {
      const { config, warnings } = yield* parse(`
claude-api-key:
  - api-key: sk-ant-1
    base-url: https://claude.example.com/
    proxy-url: http://proxy:3128
    models:
      - name: claude-3-5-sonnet-20241022
        alias: claude-sonnet-latest
      - name: " claude-3-opus "
      - {name: "", alias: ""}
  - api-key: ""
`)
      expect(config.claudeApiKey).toEqual([{
        apiKey: "sk-ant-1",
        baseUrl: "https://claude.example.com",
        proxyUrl: "http://proxy:3128",
        models: [
          { name: "claude-3-5-sonnet-20241022", alias: "claude-sonnet-latest" },
          { name: "claude-3-opus", alias: "" }
        ]
      }])
      expect(warnings).toEqual([
        "claude-api-key[0].models[2]: dropped, both name and alias are empty",
        "claude-api-key[1]: dropped, api-key is empty"
      ])
    }))
})

describe("codex-api-key", () => {
  it.effect("keeps entries with a base-url and drops, with a warning, those without", () =>
    Effect.gen(function*() {
      const { config, warnings } = yield* parse(`
codex-api-key:
  - api-key: sk-1
    base-url: https://codex.example.com/v1
    proxy-url: socks5://p:1
  - api-key: sk-2
  - base-url: https://x
`)
      expect(config.codexApiKey).toEqual([{ apiKey: "sk-1", baseUrl: "https://codex.example.com/v1", proxyUrl: "socks5://p:1", models: [] }])
      expect(warnings).toEqual([
        "codex-api-key[1]: dropped, base-url is required for Codex API keys",
        "codex-api-key[2]: dropped, api-key is empty"
      ])
    }))
})

describe("openai-compatibility", () => {
  it.effect("reads api-key-entries and models", () =>
    Effect.gen(function*() {
      const { config, warnings } = yield* parse(`
openai-compatibility:
  - name: " openrouter "
    base-url: https://openrouter.ai/api/v1/
    api-key-entries:
      - api-key: sk-or-1
        proxy-url: socks5://p:1
      - api-key: ""
    models:
      - name: moonshotai/kimi-k2:free
        alias: kimi-k2
`)
      expect(config.openaiCompatibility).toEqual([{
        name: "openrouter",
        baseUrl: "https://openrouter.ai/api/v1",
        apiKeys: [],
        apiKeyEntries: [{ apiKey: "sk-or-1", proxyUrl: "socks5://p:1" }, { apiKey: "", proxyUrl: "" }],
        models: [{ name: "moonshotai/kimi-k2:free", alias: "kimi-k2" }]
      }])
      expect(warnings).toEqual([])
    }))

  it.effect("legacy api-keys become entries when api-key-entries is empty", () =>
    Effect.gen(function*() {
      const { config } = yield* parse(`
openai-compatibility:
  - name: a
    base-url: https://a
    api-keys: [k1, " k2 ", "", k1]
`)
      expect(config.openaiCompatibility[0]?.apiKeyEntries).toEqual([
        { apiKey: "k1", proxyUrl: "" },
        { apiKey: "k2", proxyUrl: "" }
      ])
      expect(config.openaiCompatibility[0]?.apiKeys).toEqual([])
    }))

  it.effect("legacy api-keys next to api-key-entries are ignored with a warning", () =>
    Effect.gen(function*() {
      const { config, warnings } = yield* parse(`
openai-compatibility:
  - name: a
    base-url: https://a
    api-keys: [old]
    api-key-entries: [{api-key: new}]
`)
      expect(config.openaiCompatibility[0]?.apiKeyEntries).toEqual([{ apiKey: "new", proxyUrl: "" }])
      expect(warnings).toEqual(["openai-compatibility[0].api-keys: ignored, api-key-entries is set"])
    }))

  it.effect("entries without base-url are dropped with a warning naming them", () =>
    Effect.gen(function*() {
      const { config, warnings } = yield* parse("openai-compatibility:\n  - name: nobase\n  - base-url: ' '\n")
      expect(config.openaiCompatibility).toEqual([])
      expect(warnings).toEqual([
        `openai-compatibility[0] (name "nobase"): dropped, base-url is required`,
        "openai-compatibility[1]: dropped, base-url is required"
      ])
    }))
})

describe("api-keys and legacy auth.providers", () => {
  it.effect("api-keys are kept verbatim (not trimmed); empty ones are dropped", () =>
    Effect.gen(function*() {
      const { config, warnings } = yield* parse("api-keys: [' k1', K2, '']\n")
      expect(config.apiKeys).toEqual([" k1", "K2"])
      expect(warnings).toEqual(["api-keys[2]: dropped, empty key"])
    }))

  it.effect("config-api-key provider keys are copied when api-keys is empty", () =>
    Effect.gen(function*() {
      const { config, unknownKeys } = yield* parse(`
auth:
  providers:
    - name: config-inline
      type: config-api-key
      sdk: builtin
      api-keys: [a, b]
      config: {anything: [1, 2]}
`)
      expect(config.apiKeys).toEqual(["a", "b"])
      expect(unknownKeys).toEqual([])
      expect("auth" in config).toBe(false)
    }))

  it.effect("api-keys wins over auth.providers; other provider types are ignored with a warning", () =>
    Effect.gen(function*() {
      const { config, warnings } = yield* parse(`
api-keys: [main]
auth:
  providers:
    - {name: x, type: config-api-key, api-keys: [legacy]}
    - {name: y, type: oauth2}
`)
      expect(config.apiKeys).toEqual(["main"])
      expect(warnings).toEqual([
        "auth.providers[0].api-keys: ignored, api-keys is set",
        `auth.providers[1]: ignored, type "oauth2" is not supported (only config-api-key)`
      ])
    }))
})

describe("unknown keys", () => {
  it.effect("are reported with their kebab-case paths, nested ones included, and do not fail", () =>
    Effect.gen(function*() {
      const { config, unknownKeys } = yield* parse(`
port: 8400
tls: {enable: true}
remote-management:
  foo: 1
quota-exceeded:
  switch-project: true
  bar: 2
gemini-api-key:
  - api-key: k
    excluded-models: [x]
openai-compatibility:
  - name: n
    base-url: https://n
    api-key-entries: [{api-key: k, weight: 3}]
    models: [{name: m, alias: a, thinking: true}]
upstream-endpoints:
  anything-goes: http://x
`)
      expect(config.port).toBe(8400)
      expect(unknownKeys).toEqual([
        "tls",
        "remote-management.foo",
        "quota-exceeded.bar",
        "gemini-api-key[0].excluded-models",
        "openai-compatibility[0].api-key-entries[0].weight",
        "openai-compatibility[0].models[0].thinking"
      ])
    }))
})

describe("YAML features", () => {
  it.effect("anchors, aliases and merge keys are resolved", () =>
    Effect.gen(function*() {
      const { config, unknownKeys } = yield* parse(`
x-proxy: &proxy socks5://p:1
x-common: &common
  base-url: https://c.example.com
  proxy-url: *proxy
claude-api-key:
  - <<: *common
    api-key: k1
  - <<: *common
    api-key: k2
`)
      expect(config.claudeApiKey.map((k) => [k.apiKey, k.baseUrl, k.proxyUrl])).toEqual([
        ["k1", "https://c.example.com", "socks5://p:1"],
        ["k2", "https://c.example.com", "socks5://p:1"]
      ])
      expect(unknownKeys).toEqual(["x-proxy", "x-common"])
    }))

  it.effect("a __proto__ key is just an unknown key", () =>
    Effect.gen(function*() {
      const { config, unknownKeys } = yield* parse("__proto__: {port: 1}\nremote-management:\n  __proto__: {allow-remote: true}\n")
      expect(config.port).toBe(8317)
      expect(config.remoteManagement.allowRemote).toBe(false)
      expect(unknownKeys).toEqual(["__proto__", "remote-management.__proto__"])
    }))
})
