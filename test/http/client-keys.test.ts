import { describe, expect, it } from "vitest"
import { keyId, makeClientKeys } from "../../src/http/client-keys.js"

const q = (s = "") => new URLSearchParams(s)

describe("client keys", () => {
  const keys = makeClientKeys(["k1", "k2"])
  it("is open when no keys are configured", () => {
    expect(makeClientKeys([]).check({}, q())._tag).toBe("Open")
    expect(makeClientKeys([""]).check({}, q())._tag).toBe("Open")
  })
  it("accepts every header and query form", () => {
    const cases: Array<[Record<string, string>, string, string]> = [
      [{ authorization: "Bearer k1" }, "", "authorization"],
      [{ authorization: "bearer   k1 " }, "", "authorization"],
      [{ authorization: "k1" }, "", "authorization"],
      [{ "x-api-key": "k1" }, "", "x-api-key"],
      [{ "x-goog-api-key": "k2" }, "", "x-goog-api-key"],
      [{}, "key=k1", "query-key"],
      [{}, "auth_token=k2", "query-auth-token"]
    ]
    for (const [headers, query, source] of cases) {
      const r = keys.check(headers, q(query))
      expect(r).toMatchObject({ _tag: "Accepted", source })
    }
  })
  it("reports a missing key and an invalid key", () => {
    expect(keys.check({}, q())._tag).toBe("Missing")
    expect(keys.check({ authorization: "Bearer " }, q())._tag).toBe("Missing")
    expect(keys.check({ authorization: "Bearer nope" }, q())._tag).toBe("Invalid")
    expect(keys.check({ authorization: "Basic k1" }, q())._tag).toBe("Invalid")
  })
  it("is case-sensitive", () => {
    expect(keys.check({ authorization: "Bearer K1" }, q())._tag).toBe("Invalid")
  })
  it("accepts when any candidate matches", () => {
    expect(keys.check({ authorization: "Bearer wrong" }, q("key=k1"))).toMatchObject({ _tag: "Accepted", source: "query-key" })
  })
  it("identifies a key without revealing it", () => {
    const r = keys.check({ "x-api-key": "k2" }, q())
    expect(r).toEqual({ _tag: "Accepted", keyId: keyId("k2"), source: "x-api-key", masked: "**" })
    expect(keyId("k2")).toMatch(/^key-[0-9a-f]{8}$/)
    expect(keyId("k2")).not.toContain("k2")
  })
})
