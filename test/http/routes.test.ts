import { describe, expect, it } from "vitest"
import { matchRoute } from "../../src/http/routes.js"

describe("matchRoute", () => {
  it("routes the model-call endpoints", () => {
    expect(matchRoute("POST", "/v1/chat/completions", "openai")).toMatchObject({ kind: "model", format: "openai-chat", dialect: "openai" })
    expect(matchRoute("POST", "/v1/completions", "openai")).toMatchObject({ format: "openai-completions" })
    expect(matchRoute("POST", "/v1/responses", "openai")).toMatchObject({ format: "openai-responses" })
    expect(matchRoute("POST", "/v1/messages", "openai")).toMatchObject({ format: "claude", dialect: "claude" })
    expect(matchRoute("POST", "/v1/messages/count_tokens", "openai")).toMatchObject({ format: "claude-count-tokens" })
    expect(matchRoute("POST", "/v1beta/models/gemini-2.5-pro:streamGenerateContent", "openai")).toEqual({
      kind: "model", dialect: "gemini", format: "gemini", pathModel: "gemini-2.5-pro", action: "streamGenerateContent"
    })
  })
  it("routes the Gemini methods under /v1 too (@google/genai 3.x)", () => {
    for (const action of ["generateContent", "streamGenerateContent", "countTokens"]) {
      expect(matchRoute("POST", `/v1/models/gemini-2.5-flash:${action}`, "openai")).toEqual({
        kind: "model", dialect: "gemini", format: "gemini", pathModel: "gemini-2.5-flash", action
      })
    }
    expect(matchRoute("POST", "/v1/models/gemini-2.5-flash:embedContent", "openai")).toMatchObject({ kind: "bad-gemini-action" })
    expect(matchRoute("POST", "/v1/models/gemini-2.5-flash", "openai")).toBeUndefined()
  })
  it("reports bad Gemini actions", () => {
    expect(matchRoute("POST", "/v1beta/models/gemini-2.5-pro", "openai")).toMatchObject({ kind: "bad-gemini-action", action: "" })
    expect(matchRoute("POST", "/v1beta/models/gemini-2.5-pro:embedContent", "openai")).toMatchObject({ kind: "bad-gemini-action", action: "embedContent" })
    expect(matchRoute("POST", "/v1beta/models/%E0%A4%A:generateContent", "openai")).toMatchObject({ kind: "model" })
  })
  it("routes the info endpoints and picks the list dialect by user agent", () => {
    expect(matchRoute("GET", "/", "openai")).toMatchObject({ kind: "info", auth: false })
    expect(matchRoute("GET", "/v1/models", "claude")).toMatchObject({ kind: "info", dialect: "claude" })
    expect(matchRoute("GET", "/v1/models/", "openai")).toMatchObject({ kind: "info", dialect: "openai" })
    expect(matchRoute("GET", "/v1beta/models/gemini-2.5-pro", "openai")).toMatchObject({ kind: "info", dialect: "gemini" })
  })
  it("routes genai 3.x /v1/models/{m}:{action}, Claude Code's probe and Codex's websocket attempt", () => {
    expect(matchRoute("POST", "/v1/models/gemini-2.5-flash:streamGenerateContent", "openai")).toEqual({
      kind: "model", dialect: "gemini", format: "gemini", pathModel: "gemini-2.5-flash", action: "streamGenerateContent"
    })
    expect(matchRoute("GET", "/v1/models", "gemini")).toMatchObject({ kind: "info", dialect: "gemini" })
    expect(matchRoute("GET", "/v1/models/gpt-5", "openai")).toMatchObject({ kind: "info", dialect: "openai" })
    expect(matchRoute("HEAD", "/api/hello", "openai")).toMatchObject({ kind: "hello" })
    expect(matchRoute("GET", "/v1/responses", "openai")).toMatchObject({ kind: "upgrade-required" })
  })
  it("returns undefined for unknown paths and methods", () => {
    expect(matchRoute("GET", "/v1/chat/completions", "openai")).toBeUndefined()
    expect(matchRoute("DELETE", "/v1/models", "openai")).toBeUndefined()
    expect(matchRoute("HEAD", "/", "openai")).toBeUndefined()
    expect(matchRoute("POST", "/nope", "openai")).toBeUndefined()
  })
})
