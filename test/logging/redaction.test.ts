import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { eventually, http, startServer } from "../support/server.js"

describe("log redaction", () => {
  it.scopedLive("no client key, upstream key or management key appears in any log line", () =>
    Effect.gen(function*() {
      const secrets = ["sk-client-key-0123456789", "AIzaSyUPSTREAM-KEY-abcdef", "sk-ant-claude-key-xyz987", "mgmt-plain-secret-42"]
      const s = yield* startServer([
        "debug: true",
        `api-keys: [${secrets[0]}]`,
        "gemini-api-key:",
        `  - api-key: ${secrets[1]}`,
        "claude-api-key:",
        `  - api-key: ${secrets[2]}`,
        "remote-management:",
        `  secret-key: ${secrets[3]}`
      ].join("\n"))
      yield* http(`${s.url}/v1/models?key=${secrets[0]}`)
      yield* http(`${s.url}/v1beta/models?key=wrong-${secrets[1]}`)
      yield* http(`${s.url}/v1/models`, { headers: { authorization: `Bearer ${secrets[0]}` } })
      yield* http(`${s.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${secrets[0]}` }, body: `{"model":"${secrets[2]}"}` })
      // the access line of the last request is written when its response closes
      yield* eventually(() => s.logs.filter((l) => l.includes("/v1/chat/completions")).length > 0)
      const all = s.logs.join("")
      for (const secret of secrets) expect(all).not.toContain(secret)
      expect(all).toMatch(/GET \/v1\/models\?key=sk-c\.\.\.6789 200/)
      expect(all).toMatch(/key=key-[0-9a-f]{8}/)
    }))
})
