import { describe, expect, it } from "vitest"
import { ApiError, renderError } from "../../src/http/errors.js"

describe("renderError", () => {
  const e = new ApiError({ status: 429, kind: "rate_limit", message: "slow down", headers: { "retry-after": "3" } })
  it("renders OpenAI errors", () => {
    const r = renderError("openai", e)
    expect(r.status).toBe(429)
    expect(r.headers["retry-after"]).toBe("3")
    expect(JSON.parse(r.body)).toEqual({ error: { message: "slow down", type: "rate_limit_error", param: null, code: "rate_limit_exceeded" } })
  })
  it("renders Claude errors", () => {
    expect(JSON.parse(renderError("claude", e).body)).toEqual({ type: "error", error: { type: "rate_limit_error", message: "slow down" } })
  })
  it("renders Gemini errors", () => {
    expect(JSON.parse(renderError("gemini", e).body)).toEqual({ error: { code: 429, message: "slow down", status: "RESOURCE_EXHAUSTED" } })
  })
})
