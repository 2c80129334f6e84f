/**
 * Replays every recorded real-client request (spec/05) through the proxy to the fakes, on the
 * upstream that speaks the client's dialect (passthrough) and on each of the three others
 * (translated), and checks that the client gets a complete, valid answer in its own dialect
 * with the elements spec/05 says it cannot do without.
 */
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, type Scope } from "effect"
import * as Claude from "../fakes/claude.js"
import * as Codex from "../fakes/codex.js"
import type { Service as FakeService } from "../fakes/fake-server.js"
import * as Gemini from "../fakes/gemini.js"
import * as Compat from "../fakes/openai-chat.js"
import { startServer } from "../support/server.js"
import {
  answerViolations,
  clientHeaders,
  loadFixtures,
  type Recorded,
  replyFor,
  sameDialect,
  type Upstream,
  upstreamConfig
} from "./replay-support.js"

const { replayed, skipped } = loadFixtures()
const models = [...new Set(replayed.map((f) => f.model))]
const KEY = "replay-client-key"

const counting = (f: Recorded) => f.route === "count_tokens" || f.route === "countTokens"
// Codex and OpenAI-compatible upstreams cannot count: the proxy counts locally, no upstream call
const countsLocally = (u: Upstream) => u === "codex" || u === "openai-compat"

/** Sends each fixture in turn to a proxy whose only upstream is `fake`; returns every violation found. */
const replayAll = (upstream: Upstream, fake: FakeService) =>
  Effect.gen(function*() {
    const s = yield* startServer(upstreamConfig(upstream, fake.url, models, KEY))
    const problems: Array<string> = []
    for (const f of replayed) {
      const before = (yield* fake.requests).filter((r) => r.method === "POST").length
      if (!counting(f)) yield* fake.enqueue(replyFor(f))
      const query = new URLSearchParams(f.query).toString()
      const res = yield* Effect.promise(async () => {
        const r = await fetch(`${s.url}${f.path}${query === "" ? "" : `?${query}`}`, {
          method: "POST",
          headers: clientHeaders(f.client, KEY),
          body: JSON.stringify(f.body),
          signal: AbortSignal.timeout(5000)
        })
        return { status: r.status, type: r.headers.get("content-type") ?? "", text: await r.text() }
      })
      const label = `${f.name} (${f.route}${f.stream ? ", stream" : ""}) -> ${upstream}`
      for (const p of answerViolations(f, res.status, res.type, res.text)) problems.push(`${label}: ${p}`)
      // the answer came from the upstream: exactly one model call, which consumed the scripted reply
      const after = (yield* fake.requests).filter((r) => r.method === "POST").length
      const expected = counting(f) && countsLocally(upstream) ? 0 : 1
      if (after - before !== expected) problems.push(`${label}: upstream saw ${after - before} calls, expected ${expected}`)
      const sent = (yield* fake.requests).filter((r) => r.method === "POST")[before]
      if (sent !== undefined) {
        // the model the client named reached the upstream (name = alias in the config)
        if (!(sent.json as { model?: string } | undefined)?.model?.includes(f.model) && !sent.path.includes(f.model)) {
          problems.push(`${label}: upstream was asked for another model`)
        }
        // Claude Code's `safeguards` (local paths, rules) must not leave for a non-Anthropic upstream
        if (upstream !== "claude" && sent.body.includes("\"safeguards\"")) problems.push(`${label}: safeguards forwarded`)
      }
      if ((yield* fake.pending) !== 0) {
        problems.push(`${label}: scripted reply not consumed`)
        yield* fake.clear
      }
    }
    return problems
  })

// each fake is started in the test's scope and closed with it
const fakeOf: Record<Upstream, Effect.Effect<FakeService, never, Scope.Scope>> = {
  "openai-compat": Effect.map(Layer.build(Compat.layer()), Context.get(Compat.OpenAiChatFake)),
  codex: Effect.map(Layer.build(Codex.layer()), Context.get(Codex.CodexFake)),
  claude: Effect.map(Layer.build(Claude.layer()), Context.get(Claude.ClaudeFake)),
  gemini: Effect.map(Layer.build(Gemini.layer()), Context.get(Gemini.GeminiFake))
}

describe("real-client replay", () => {
  it("replays every model-call fixture and leaves out only the Code Assist ones", () => {
    expect(replayed.length).toBeGreaterThanOrEqual(60)
    expect(skipped.every((s) => s.name.startsWith("gemini-cli-code-assist"))).toBe(true)
    // every client dialect and route is represented
    expect(new Set(replayed.map((f) => f.route))).toEqual(
      new Set(["chat", "responses", "messages", "count_tokens", "generateContent", "streamGenerateContent", "countTokens"])
    )
  })

  for (const upstream of ["openai-compat", "codex", "claude", "gemini"] as const) {
    it.scopedLive(`every fixture through a ${upstream} upstream (same dialect for ${
      [...new Set(replayed.filter((f) => sameDialect(f.route) === upstream).map((f) => f.route))].join(", ")
    }; translated for the rest)`, () =>
      Effect.gen(function*() {
        const fake = yield* fakeOf[upstream]
        const problems = yield* replayAll(upstream, fake)
        expect(problems).toEqual([])
      }), 60_000)
  }
})
