import { describe, expect, it } from "vitest"
import { matchRoute } from "../../src/http/routes.js"

describe("matchRoute", () => {
  it("routes the model-call endpoints", () => {
    expect(matchRoute("POST", "/v1/chat/completions", undefined)).toMatchObject({ kind: "model", format: "openai-chat", dialect: "openai" })
    expect(matchRoute("POST", "/v1/completions", undefined)).toMatchObject({ format: "openai-completions" })
    expect(matchRoute("POST", "/v1/responses", undefined)).toMatchObject({ format: "openai-responses" })
    expect(matchRoute("POST", "/v1/messages", undefined)).toMatchObject({ format: "claude", dialect: "claude" })
    expect(matchRoute("POST", "/v1/messages/count_tokens", undefined)).toMatchObject({ format: "claude-count-tokens" })
    expect(matchRoute("POST", "/v1beta/models/gemini-2.5-pro:streamGenerateContent", undefined)).toEqual({
      kind: "model", dialect: "gemini", format: "gemini", pathModel: "gemini-2.5-pro", action: "streamGenerateContent"
    })
  })
  it("routes the Gemini methods under /v1 too (@google/genai 3.x)", () => {
    for (const action of ["generateContent", "streamGenerateContent", "countTokens"]) {
      expect(matchRoute("POST", `/v1/models/gemini-2.5-flash:${action}`, undefined)).toEqual({
        kind: "model", dialect: "gemini", format: "gemini", pathModel: "gemini-2.5-flash", action
      })
    }
    expect(matchRoute("POST", "/v1/models/gemini-2.5-flash:embedContent", undefined)).toMatchObject({ kind: "bad-gemini-action" })
    expect(matchRoute("POST", "/v1/models/gemini-2.5-flash", undefined)).toBeUndefined()
  })
  it("reports bad Gemini actions", () => {
    expect(matchRoute("POST", "/v1beta/models/gemini-2.5-pro", undefined)).toMatchObject({ kind: "bad-gemini-action", action: "" })
    expect(matchRoute("POST", "/v1beta/models/gemini-2.5-pro:embedContent", undefined)).toMatchObject({ kind: "bad-gemini-action", action: "embedContent" })
    expect(matchRoute("POST", "/v1beta/models/%E0%A4%A:generateContent", undefined)).toMatchObject({ kind: "model" })
  })
  it("routes the info endpoints and picks the list dialect by user agent", () => {
    expect(matchRoute("GET", "/", undefined)).toMatchObject({ kind: "info", auth: false })
    expect(matchRoute("GET", "/v1/models", "claude-cli/2.0.1")).toMatchObject({ kind: "info", dialect: "claude" })
    expect(matchRoute("GET", "/v1/models/", "OpenAI/JS 6")).toMatchObject({ kind: "info", dialect: "openai" })
    expect(matchRoute("GET", "/v1beta/models/gemini-2.5-pro", undefined)).toMatchObject({ kind: "info", dialect: "gemini" })
  })
  it("returns undefined for unknown paths and methods", () => {
    expect(matchRoute("GET", "/v1/chat/completions", undefined)).toBeUndefined()
    expect(matchRoute("DELETE", "/v1/models", undefined)).toBeUndefined()
    expect(matchRoute("HEAD", "/", undefined)).toBeUndefined()
    expect(matchRoute("POST", "/nope", undefined)).toBeUndefined()
  })
})
