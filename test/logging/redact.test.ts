import { describe, expect, it } from "vitest"
import { makeRedactor, maskQuery, maskSecret } from "../../src/logging/redact.js"

describe("maskSecret", () => {
  it("keeps the Go version's visible ends by length", () => {
    expect(maskSecret("sk-1234567890abcdef")).toBe("sk-1...cdef")
    expect(maskSecret("abcdefgh")).toBe("ab...gh")
    expect(maskSecret("abcd")).toBe("a...d")
    expect(maskSecret("ab")).toBe("**")
  })
})

describe("makeRedactor", () => {
  it("masks every occurrence of every secret, longest first", () => {
    const redact = makeRedactor(["sk-secret-one", "sk-secret-one-longer", "tok"])
    const out = redact("a=sk-secret-one b=sk-secret-one-longer c=tok")
    expect(out).not.toContain("sk-secret-one ")
    expect(out).not.toContain("sk-secret-one-longer")
    expect(out).toContain("c=tok") // too short to be a secret worth mangling text for
  })
  it("escapes regex characters in secrets", () => {
    const redact = makeRedactor(["a+b*c?(d)[e]"])
    expect(redact("x a+b*c?(d)[e] y")).toBe(`x ${maskSecret("a+b*c?(d)[e]")} y`)
  })
  it("is the identity with no secrets", () => {
    expect(makeRedactor([])("anything")).toBe("anything")
  })
})

describe("maskQuery", () => {
  it("masks key, auth_token and names with token/secret/api-key", () => {
    const out = maskQuery("/v1beta/models?key=AIzaSyVERYSECRET123&alt=sse&auth_token=tok123456789&x_api_key=abcdefghijk")
    expect(out).toContain("alt=sse")
    expect(out).not.toContain("AIzaSyVERYSECRET123")
    expect(out).not.toContain("tok123456789")
    expect(out).not.toContain("abcdefghijk")
  })
  it("leaves paths without a query alone", () => {
    expect(maskQuery("/v1/models")).toBe("/v1/models")
  })
})
