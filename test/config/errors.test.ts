import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { ConfigError } from "../../src/config/load.js"
import { errorOf, parse } from "./helpers.js"

const cases: ReadonlyArray<readonly [string, string]> = [
  ["port: abc", `port: expected an integer from 1 to 65535, got "abc"`],
  ["port: 70000", "port: expected an integer from 1 to 65535, got 70000"],
  ["port: 1.5", "port: expected an integer from 1 to 65535, got 1.5"],
  ["port: 0", "port: expected an integer from 1 to 65535, got 0"],
  ["gemini-api-key:\n  - api-key: a\n  - base-url: 42", "gemini-api-key[1].base-url: expected a string, got 42"],
  ["remote-management: [1]", "remote-management: expected an object, got a list"],
  ["quota-exceeded: 3", "quota-exceeded: expected an object, got 3"],
  ["- 1", "the top level: expected a mapping of config keys, got a list"],
  ["just text", `the top level: expected a mapping of config keys, got "just text"`],
  ["debug: 3", "debug: expected a boolean (true or false), got 3"],
  ["ws-auth: maybe", `ws-auth: expected a boolean (true or false), got "maybe"`],
  ["remote-management:\n  allow-remote: []", "remote-management.allow-remote: expected a boolean (true or false), got a list"],
  ["request-retry: -1", "request-retry: expected an integer of 0 or more, got -1"],
  ["auth-dir: ''", `auth-dir: expected a non-empty string, got ""`],
  ["auth-dir: 5", "auth-dir: expected a string, got 5"],
  ["proxy-url: {a: 1}", "proxy-url: expected a string, got an object"],
  ["host: [a]", "host: expected a string, got a list"],
  [
    "max-body-size: lots",
    `max-body-size: expected a size in bytes (a positive integer, or a string like "64MiB"), got "lots"`
  ],
  [
    "max-body-size: -5",
    `max-body-size: expected a size in bytes (a positive integer, or a string like "64MiB"), got -5`
  ],
  ["upstream-endpoints: {gemini: 'ftp://x'}", `upstream-endpoints.gemini: expected an http(s) URL, got "ftp://x"`],
  ["upstream-endpoints: [a]", "upstream-endpoints: expected a mapping of provider names to base URLs, got a list"],
  ["gemini-api-key: {}", "gemini-api-key: expected a list of {api-key, ...} objects, got an object"],
  ["gemini-api-key: [k1]", `gemini-api-key[0]: expected an object with api-key, got "k1"`],
  ["claude-api-key:\n  - models: [{name: 3}]", "claude-api-key[0].models[0].name: expected a string, got 3"],
  ["claude-api-key:\n  - models: x", `claude-api-key[0].models: expected a list of {name, alias} objects, got "x"`],
  ["codex-api-key: 1", "codex-api-key: expected a list of {api-key, base-url, ...} objects, got 1"],
  ["openai-compatibility:\n  - name: 7", "openai-compatibility[0].name: expected a string, got 7"],
  ["openai-compatibility:\n  - api-key-entries: [x]", `openai-compatibility[0].api-key-entries[0]: expected an object with api-key and proxy-url, got "x"`],
  ["gemini-api-key:\n  - headers: {X-A: 1}", "gemini-api-key[0].headers.X-A: expected a string, got a number (value hidden)"],
  ["auth:\n  providers: {}", "auth.providers: expected a list of provider objects, got an object"]
]

describe("error messages name the key path and what was expected", () => {
  for (const [text, message] of cases) {
    it.effect(JSON.stringify(text), () =>
      Effect.gen(function*() {
        expect(yield* errorOf(text)).toBe(message)
      }))
  }

  it.effect("secret values are never repeated in a message", () =>
    Effect.gen(function*() {
      expect(yield* errorOf("api-keys: sk-live-secret")).toBe("api-keys: expected a list of strings, got a string (value hidden)")
      expect(yield* errorOf("generative-language-api-key: AIzaSecret"))
        .toBe("generative-language-api-key: expected a list of strings, got a string (value hidden)")
      expect(yield* errorOf("gemini-api-key:\n  - headers: secret"))
        .toBe("gemini-api-key[0].headers: expected a mapping of strings, got a string (value hidden)")
      expect(yield* errorOf("gemini-api-key:\n  - api-key: a\n  - api-key: 42"))
        .toBe("gemini-api-key[1].api-key: expected a string, got a number (value hidden)")
      expect(yield* errorOf("remote-management:\n  secret-key: 123456"))
        .toBe("remote-management.secret-key: expected a string, got a number (value hidden)")
    }))

  it.effect("every problem is reported, one line each", () =>
    Effect.gen(function*() {
      expect(yield* errorOf("port: x\ndebug: 2\ngemini-api-key:\n  - api-key: 1\n")).toBe([
        `port: expected an integer from 1 to 65535, got "x"`,
        "debug: expected a boolean (true or false), got 2",
        "gemini-api-key[0].api-key: expected a string, got a number (value hidden)"
      ].join("\n"))
    }))

  it.effect("the error is a ConfigError carrying the file path", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(parse("port: x"))
      expect(error).toBeInstanceOf(ConfigError)
      expect(error._tag).toBe("ConfigError")
      expect(error.path).toBe("config.yaml")
    }))
})

describe("YAML syntax errors give line and column", () => {
  it.effect("a nested mapping on one line", () =>
    Effect.gen(function*() {
      expect(yield* errorOf("port: 8317\ndebug: true: false\n"))
        .toBe("invalid YAML at line 2, column 8: Nested mappings are not allowed in compact mappings")
    }))

  it.effect("a duplicate key", () =>
    Effect.gen(function*() {
      expect(yield* errorOf("port: 1\nport: 2\n")).toBe("invalid YAML at line 2, column 1: Map keys must be unique")
    }))

  it.effect("an unclosed flow sequence", () =>
    Effect.gen(function*() {
      const message = yield* errorOf("api-keys: [a, b\nport: 1\n")
      expect(message).toMatch(/^invalid YAML at line \d+, column \d+: /)
    }))

  it.effect("alias bombs are refused", () =>
    Effect.gen(function*() {
      const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
      for (let i = 1; i < 8; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(", ")}]`)
      const message = yield* errorOf(lines.join("\n"))
      expect(message).toMatch(/^invalid YAML: /)
    }))
})
