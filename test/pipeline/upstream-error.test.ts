import { describe, expect, it } from "vitest"
import { renderError } from "../../src/http/errors.js"
import { toApiError, UpstreamError } from "../../src/pipeline/upstream-error.js"

const upstream = (status: number, body: string) =>
  new UpstreamError({ provider: "codex", status, body, contentType: "application/json", retryAfterMs: undefined })

describe("toApiError", () => {
  it("passes a same-dialect upstream error body through as it is", () => {
    const body = JSON.stringify({ error: { message: "bad", type: "invalid_request_error", param: null, code: null } })
    const e = toApiError(upstream(400, body), true)
    expect(renderError("openai", e)).toMatchObject({ status: 400, body })
  })

  // The Codex backend speaks the Responses dialect but answers errors as {"detail": "..."}:
  // passed through raw, an OpenAI client got a body without `error` (route fuzzing).
  it("re-renders a same-dialect upstream body that is not an error object", () => {
    for (const body of ["{\"detail\":\"prompt is too long\"}", "{\"error\":\"prompt is too long\"}", "{\"message\":\"prompt is too long\"}"]) {
      const rendered = renderError("openai", toApiError(upstream(400, body), true))
      expect(rendered.status).toBe(400)
      expect(JSON.parse(rendered.body)).toEqual({
        error: { message: "prompt is too long", type: "invalid_request_error", param: null, code: null }
      })
    }
  })
})
