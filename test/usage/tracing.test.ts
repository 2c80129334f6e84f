/**
 * Tracing (issue 10, point 4): with an OTLP endpoint each model call is a span with its
 * route, model, provider, credential and status, and each upstream attempt a child span;
 * a local collector stub receives them. Without one, no tracer is installed at all.
 */
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Claude from "../fakes/claude.js"
import { eventually, http, startServer } from "../support/server.js"

interface OtlpSpan {
  readonly name: string
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId?: string
  readonly attributes: ReadonlyArray<{ readonly key: string; readonly value: Record<string, unknown> }>
}

/** A collector stub: every span posted to /v1/traces (OTLP/HTTP JSON). */
const collector = Effect.acquireRelease(
  Effect.async<{ url: string; spans: Array<OtlpSpan>; close: () => void }>((resume) => {
    const spans: Array<OtlpSpan> = []
    const server = createServer((req, res) => {
      let body = ""
      req.on("data", (c) => (body += c))
      req.on("end", () => {
        if (req.url === "/v1/traces") {
          const json = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<OtlpSpan> }> }> }
          for (const r of json.resourceSpans) for (const s of r.scopeSpans) spans.push(...s.spans)
        }
        res.writeHead(200, { "content-type": "application/json" }).end("{}")
      })
    })
    server.listen(0, "127.0.0.1", () =>
      resume(Effect.succeed({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, close: () => server.close() })))
  }),
  (c) => Effect.sync(c.close)
)

const attr = (span: OtlpSpan | undefined, key: string): unknown => {
  const v = span?.attributes.find((a) => a.key === key)?.value
  return v === undefined ? undefined : Object.values(v)[0]
}

const ask = (url: string) =>
  http(`${url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model: "claude-mx", max_tokens: 20, messages: [{ role: "user", content: "hi" }] })
  })

const config = (url: string) => [
  "claude-api-key:",
  ...["up-a", "up-b"].map((k) => `  - {api-key: ${k}, base-url: "${url}", models: [{name: claude-sonnet-4-5-20250929, alias: claude-mx}]}`)
].join("\n")

describe("tracing", () => {
  it.scopedLive("exports a span per model call and per upstream attempt to the OTLP endpoint", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.ClaudeFake
      const otlp = yield* collector
      const s = yield* startServer(config(fake.url), { tracing: { endpoint: otlp.url, exportInterval: "100 millis" } })
      yield* fake.enqueue(Claude.errorReply(429, { retryAfter: 30 }))
      expect((yield* ask(s.url)).status).toBe(200)
      yield* eventually(() => otlp.spans.some((sp) => sp.name === "model call"), 5000)
      const call = otlp.spans.find((sp) => sp.name === "model call")!
      expect(attr(call, "route")).toBe("/v1/messages")
      expect(attr(call, "model")).toBe("claude-mx")
      expect(attr(call, "provider")).toBe("claude")
      expect(String(attr(call, "credential.id"))).toMatch(/^claude:/)
      expect(Number(attr(call, "status"))).toBe(200)
      yield* eventually(() => otlp.spans.filter((sp) => sp.name === "upstream attempt").length >= 2, 5000)
      const attempts = otlp.spans.filter((sp) => sp.name === "upstream attempt" && sp.traceId === call.traceId)
      expect(attempts.map((a) => [Number(attr(a, "attempt")), Number(attr(a, "status"))])).toEqual([[1, 429], [2, 200]])
      for (const a of attempts) expect(a.parentSpanId).toBe(call.spanId)
    }).pipe(Effect.provide(Claude.layer({ models: [] }))))

  it.scopedLive("without an endpoint nothing is exported and no span is made", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.ClaudeFake
      const otlp = yield* collector
      const s = yield* startServer(config(fake.url))
      expect((yield* ask(s.url)).status).toBe(200)
      yield* Effect.sleep("300 millis")
      expect(otlp.spans).toEqual([])
    }).pipe(Effect.provide(Claude.layer({ models: [] }))))
})
