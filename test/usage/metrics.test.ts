/**
 * Prometheus /metrics (issue 10, point 3) after a scripted run: the exposition parses, every
 * series is declared, and the counts match what happened, a 429 failover included.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Claude from "../fakes/claude.js"
import { http, startServer } from "../support/server.js"

interface Sample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

/** A small parser of the Prometheus text format: samples, and the declared type of each family. */
const parse = (text: string) => {
  const types = new Map<string, string>()
  const samples: Array<Sample> = []
  for (const line of text.split("\n")) {
    if (line === "") continue
    const declared = /^# TYPE (\w+) (counter|gauge|histogram|summary|untyped)$/.exec(line)
    if (declared) {
      types.set(declared[1]!, declared[2]!)
      continue
    }
    if (line.startsWith("# HELP ")) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line)
    if (m === null) throw new Error(`not a sample line: ${line}`)
    const labels: Record<string, string> = {}
    for (const pair of (m[3] ?? "").match(/\w+="(?:[^"\\]|\\.)*"/g) ?? []) {
      const at = pair.indexOf("=")
      labels[pair.slice(0, at)] = pair.slice(at + 2, -1)
    }
    samples.push({ name: m[1]!, labels, value: Number(m[4]) })
  }
  return { types, samples }
}

const value = (samples: ReadonlyArray<Sample>, name: string, labels: Record<string, string>) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0)

const ask = (url: string, stream: boolean) =>
  http(`${url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "client-key", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model: "claude-mx", max_tokens: 20, stream, messages: [{ role: "user", content: "hi" }] })
  })

describe("/metrics", () => {
  it.scopedLive("counts calls, latency, first bytes, attempts by outcome, failovers, tokens and credentials by state", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.ClaudeFake
      const s = yield* startServer([
        "api-keys: [client-key]",
        "claude-api-key:",
        ...["up-a", "up-b"].map((k) => `  - {api-key: ${k}, base-url: "${fake.url}", models: [{name: claude-sonnet-4-5-20250929, alias: claude-mx}]}`)
      ].join("\n"))
      yield* fake.enqueue(Claude.errorReply(429, { retryAfter: 60 }), { parts: [{ type: "text", text: "hello" }], usage: { inputTokens: 10, outputTokens: 4 } })
      expect((yield* ask(s.url, false)).status).toBe(200)
      expect((yield* ask(s.url, true)).status).toBe(200)
      expect((yield* http(`${s.url}/v1/messages`, { method: "POST", headers: { "x-api-key": "client-key", "content-type": "application/json" }, body: JSON.stringify({ model: "nope", max_tokens: 5, messages: [] }) })).status).toBe(400)

      expect((yield* http(`${s.url}/metrics`)).status).toBe(401)
      const scraped = yield* http(`${s.url}/metrics`, { headers: { authorization: "Bearer client-key" } })
      expect(scraped.status).toBe(200)
      expect(scraped.headers.get("content-type")).toContain("text/plain; version=0.0.4")
      const { types, samples } = parse(scraped.text)
      // every sample belongs to a declared family, named by the conventions
      for (const sample of samples) {
        const family = sample.name.replace(/_(bucket|sum|count)$/, "")
        expect(types.has(sample.name) || types.get(family) === "histogram").toBe(true)
        expect(sample.name).toMatch(/^cli_proxy_[a-z_]+$/)
        if (types.get(sample.name) === "counter") expect(sample.name.endsWith("_total")).toBe(true)
        for (const l of Object.values(sample.labels)) expect(l).not.toMatch(/client-key|up-a|up-b/)
      }
      const route = { route: "/v1/messages", dialect: "claude" }
      expect(value(samples, "cli_proxy_requests_total", { ...route, provider: "claude", model: "claude-mx", status: "200" })).toBe(2)
      expect(value(samples, "cli_proxy_requests_total", { ...route, provider: "", model: "", status: "400" })).toBe(1)
      expect(value(samples, "cli_proxy_request_duration_seconds_count", { ...route, status: "200" })).toBe(2)
      expect(value(samples, "cli_proxy_request_duration_seconds_bucket", { ...route, status: "200", le: "+Inf" })).toBe(2)
      expect(value(samples, "cli_proxy_stream_first_byte_seconds_count", { provider: "claude", model: "claude-mx" })).toBe(1)
      expect(value(samples, "cli_proxy_upstream_attempts_total", { provider: "claude", outcome: "429" })).toBe(1)
      expect(value(samples, "cli_proxy_upstream_attempts_total", { provider: "claude", outcome: "success" })).toBe(2)
      expect(value(samples, "cli_proxy_failovers_total", { provider: "claude" })).toBe(1)
      expect(value(samples, "cli_proxy_tokens_total", { provider: "claude", model: "claude-mx", kind: "input" })).toBeGreaterThanOrEqual(10)
      expect(value(samples, "cli_proxy_tokens_total", { provider: "claude", model: "claude-mx", kind: "output" })).toBeGreaterThanOrEqual(4)
      expect(value(samples, "cli_proxy_credentials", { provider: "claude", state: "cooling" })).toBe(1)
      expect(value(samples, "cli_proxy_credentials", { provider: "claude", state: "active" })).toBe(1)
      expect(value(samples, "cli_proxy_credentials", { provider: "claude", state: "disabled" })).toBe(0)
    }).pipe(Effect.provide(Claude.layer({ models: [] }))))

  it.scopedLive("metrics.enabled: false turns the endpoint off", () =>
    Effect.gen(function*() {
      const s = yield* startServer("metrics:\n  enabled: false")
      expect((yield* http(`${s.url}/metrics`)).status).toBe(404)
    }))
})
