import { describe, expect, it } from "@effect/vitest"
import { changedKeys, restartRequired } from "../../src/config/diff.js"
import { defaults } from "../../src/config/schema.js"

describe("changedKeys / restartRequired", () => {
  it("lists changed top-level keys in kebab case and picks out the restart-only ones", () => {
    const next = {
      ...defaults,
      host: "127.0.0.1",
      port: 9000,
      debug: true,
      remoteManagement: { ...defaults.remoteManagement, secretKey: "x" }
    }
    expect([...changedKeys(defaults, next)].sort()).toEqual(["debug", "host", "port", "remote-management"])
    expect([...restartRequired(defaults, next)].sort()).toEqual(["host", "port"])
    expect(changedKeys(defaults, { ...defaults })).toEqual([])
    expect(restartRequired(defaults, { ...defaults, apiKeys: ["k"] })).toEqual([])
  })
})
