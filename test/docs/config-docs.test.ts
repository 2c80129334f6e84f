import * as fs from "node:fs"
import { describe, expect, it } from "vitest"
import { configKeys } from "./config-keys.js"

// Every key the config schema accepts is described in docs/configuration.md and shown (at
// least commented out) in config.example.yaml: adding a key to src/config/ without
// documenting it fails here.
const keys = configKeys()
const docs = fs.readFileSync("docs/configuration.md", "utf8")
// the example with its comment markers removed, so commented examples count
const example = fs.readFileSync("config.example.yaml", "utf8").split("\n").map((l) => l.replace(/^#( ?)/, "")).join("\n")
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

describe("the config keys", () => {
  it("are all found in the schema (the walk itself works)", () => {
    const names = keys.map((k) => k.path.join("."))
    expect(names).toEqual(expect.arrayContaining(["port", "remote-management.secret-key", "openai-compatibility.api-key-entries.proxy-url", "auth.providers.type", "generative-language-api-key"]))
    expect(names.length).toBeGreaterThan(60)
  })

  it("are each described in docs/configuration.md", () => {
    const missing = keys.filter(({ path, inList }) => {
      const key = path.at(-1)!
      // a field of a list entry: named in a code span of its table (`models[]`, `{api-key, proxy-url}`)
      if (inList) return !new RegExp(`\`[^\`\\n]*\\b${escape(key)}\\b[^\`\\n]*\``).test(docs)
      // a key of a mapping: its whole path (`quota-exceeded.switch-project`, `gemini-api-key[]`)
      return !new RegExp(`\`${escape(path.join("."))}(\\[\\])?[\`.]`).test(docs)
    })
    expect(missing.map((k) => k.path.join("."))).toEqual([])
  })

  it("are each shown in config.example.yaml, at least commented out", () => {
    const missing = keys.filter(({ path }) => {
      const key = path.at(-1)!
      return path.length === 1
        ? !new RegExp(`^${escape(key)}:`, "m").test(example)
        : !new RegExp(`^\\s+(- )?${escape(key)}:`, "m").test(example)
    })
    expect(missing.map((k) => k.path.join("."))).toEqual([])
  })
})
