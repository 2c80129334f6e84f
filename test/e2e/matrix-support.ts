/**
 * The end-to-end matrix (issues 4 and 6): one real server per test file with the four API-key
 * upstreams and the five subscription sign-ins (auth files) pointed at their fakes, the
 * scenario scripts the fakes answer with, a view of
 * what each upstream received normalised across dialects, and the shape every client
 * driver reduces its SDK's answer to. The dialect files (`matrix-*.test.ts`) hold the drivers.
 */
import { expect } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import * as Claude from "../fakes/claude.js"
import * as Codex from "../fakes/codex.js"
import * as CodeAssist from "../fakes/gemini-code-assist.js"
import type * as FakeServer from "../fakes/fake-server.js"
import * as Gemini from "../fakes/gemini.js"
import * as Compat from "../fakes/openai-chat.js"
import * as Script from "../fakes/script.js"
import { http, startServer } from "../support/server.js"

/** The upstreams under test: API keys, and the subscription sign-ins of auth files. */
export type Upstream = Family | "claude-oauth" | "codex-oauth" | "gemini-cli" | "qwen" | "iflow"
export const upstreams: ReadonlyArray<Upstream> = ["claude", "codex", "gemini", "compat", "claude-oauth", "codex-oauth", "gemini-cli", "qwen", "iflow"]

/** The wire dialect families: what an upstream's requests and answers look like. */
export type Family = "claude" | "codex" | "gemini" | "compat"

/** Each upstream's family. */
export const family: Record<Upstream, Family> = {
  claude: "claude",
  codex: "codex",
  gemini: "gemini",
  compat: "compat",
  "claude-oauth": "claude",
  "codex-oauth": "codex",
  "gemini-cli": "gemini",
  qwen: "compat",
  iflow: "compat"
}

export type Scenario = "text" | "tool" | "parallel" | "roundtrip" | "image" | "reasoning" | "length"
export const scenarios: ReadonlyArray<Scenario> = ["text", "tool", "parallel", "roundtrip", "image", "reasoning", "length"]

/**
 * The client model name (a config alias, or a sign-in's catalogue model) and the upstream
 * model and key (or token) behind it.
 */
export const route: Record<Upstream, { readonly alias: string; readonly model: string; readonly key: string }> = {
  claude: { alias: "mx-claude", model: "claude-sonnet-4-5-20250929", key: "up-claude-key" },
  codex: { alias: "mx-codex", model: "gpt-5-codex", key: "up-codex-key" },
  gemini: { alias: "mx-gemini", model: "gemini-2.5-flash", key: "up-gemini-key" },
  compat: { alias: "mx-compat", model: "vendor/model-x", key: "up-compat-key" },
  "claude-oauth": { alias: "claude-opus-4-1-20250805", model: "claude-opus-4-1-20250805", key: "up-claude-oauth-token" },
  "codex-oauth": { alias: "gpt-5", model: "gpt-5", key: "up-codex-oauth-token" },
  "gemini-cli": { alias: "gemini-2.5-pro", model: "gemini-2.5-pro", key: "up-gemini-cli-token" },
  qwen: { alias: "qwen3-coder-flash", model: "qwen3-coder-flash", key: "up-qwen-token" },
  iflow: { alias: "glm-4.6", model: "glm-4.6", key: "up-iflow-api-key" }
}

/** The Google Cloud project of the Gemini CLI sign-in. */
export const GEMINI_PROJECT = "mx-project"

/** A year from now, as the Go version writes expiry times. */
const later = new Date(Date.now() + 365 * 86_400_000).toISOString()

/** The auth files of the five sign-ins, in the Go version's format. */
const authFiles = (iflowBase: string): Record<string, string> => ({
  "claude-mx@example.com.json": JSON.stringify({ type: "claude", access_token: route["claude-oauth"].key, refresh_token: "r-claude", email: "mx@example.com", expired: later }),
  "codex-mx@example.com.json": JSON.stringify({ type: "codex", access_token: route["codex-oauth"].key, refresh_token: "r-codex", account_id: "acct-mx", email: "mx@example.com", expired: later }),
  "mx@example.com-mx-project.json": JSON.stringify({
    token: { access_token: route["gemini-cli"].key, refresh_token: "r-gemini", token_type: "Bearer", expiry: later },
    project_id: GEMINI_PROJECT,
    email: "mx@example.com",
    auto: false,
    checked: true,
    type: "gemini"
  }),
  // resource_url names the real Qwen host; upstream-endpoints points it at the fake instead
  "qwen-mx.json": JSON.stringify({ type: "qwen", access_token: route.qwen.key, refresh_token: "r-qwen", resource_url: "portal.qwen.ai", email: "mx", expired: later }),
  // iFlow's API takes the fetched API key, at the file's own base_url
  "iflow-mx.json": JSON.stringify({ type: "iflow", api_key: route.iflow.key, access_token: "iflow-oauth-token", refresh_token: "r-iflow", email: "mx", base_url: iflowBase, expired: later })
})

/** The key clients present to the proxy. */
export const CLIENT_KEY = "mx-client-key"

/** The management key, to read the usage statistics after each case. */
const MANAGEMENT_KEY = "mx-management-key"

/** A 1x1 red PNG. */
export const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="

/** What the client asks, per scenario (drivers wrap it in their dialect). */
export const prompts: Record<Scenario, string> = {
  text: "Say hello to the matrix.",
  tool: "What is the weather in Paris?",
  parallel: "What are the weather and the time in Paris?",
  roundtrip: "What is the weather in Paris?",
  image: "What is in this image?",
  reasoning: "What is six times seven?",
  length: "Write a long story."
}

/** The tools clients declare (tool, parallel and round-trip scenarios). */
export const tools = [
  { name: "get_weather", description: "Weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
  { name: "get_time", description: "Time in a zone", parameters: { type: "object", properties: { tz: { type: "string" } }, required: ["tz"] } }
] as const

/** The earlier turn of the round trip: the call the model made and what the tool answered. */
export const history = { id: "call_rt_0001", claudeId: "toolu_rt_0001", name: "get_weather", args: { city: "Paris" }, result: "18C and sunny" }

/** Scripted usage: reasoning tokens only where the model thinks. */
const usage = (reasoningTokens: number): Partial<Script.Usage> => ({ inputTokens: 11, outputTokens: 7, reasoningTokens })

const weather = { city: "Paris" }
const time = { tz: "Europe/Paris" }

/** Each upstream's own style of tool-call id (Gemini calls carry none). */
const callId = (upstream: Upstream, n: number): { readonly id?: string } =>
  family[upstream] === "gemini" ? {} : { id: family[upstream] === "claude" ? `toolu_mx_${n}` : `call_mx_${n}` }

/** What the fake answers in a scenario. */
export const reply = (scenario: Scenario, upstream: Upstream): Script.Reply => {
  switch (scenario) {
    case "text":
      return { parts: [Script.text("Hello from the matrix.")], usage: usage(0) }
    case "tool":
      return { parts: [Script.toolCall("get_weather", weather, callId(upstream, 1))], usage: usage(0) }
    case "parallel":
      return {
        parts: [Script.toolCall("get_weather", weather, callId(upstream, 1)), Script.toolCall("get_time", time, callId(upstream, 2))],
        usage: usage(0)
      }
    case "roundtrip":
      return { parts: [Script.text("It is 18C and sunny in Paris.")], usage: usage(0) }
    case "image":
      return { parts: [Script.text("A single red pixel.")], usage: usage(0) }
    case "reasoning":
      return { parts: [Script.reasoning("Six sevens are forty-two.", "sig-mx-1"), Script.text("The answer is 42.")], usage: usage(3) }
    case "length":
      return { parts: [Script.text("Once upon a time, there")], finishReason: "length", usage: usage(0) }
  }
}

/** Canonical finish reasons; each dialect file maps them to what its SDK shows. */
export type Finish = "stop" | "tool_calls" | "length"

/** What a client received, reduced to one shape. */
export interface Seen {
  readonly text: string
  readonly reasoning: string
  readonly calls: ReadonlyArray<{ readonly id: string | undefined; readonly name: string; readonly args: unknown }>
  /** The dialect's own finish value. */
  readonly finish: string | undefined
  /** Input and output tokens (output includes reasoning), where the dialect reports usage. */
  readonly usage: { readonly input: number; readonly output: number } | undefined
}

/** What the client should see in a scenario. */
export interface Expected {
  readonly text: string
  readonly reasoning: string
  readonly calls: ReadonlyArray<{ readonly name: string; readonly args: unknown }>
  readonly finish: Finish
}

export const expected = (scenario: Scenario): Expected => {
  const plain = (text: string): Expected => ({ text, reasoning: "", calls: [], finish: "stop" })
  switch (scenario) {
    case "text":
      return plain("Hello from the matrix.")
    case "tool":
      return { text: "", reasoning: "", calls: [{ name: "get_weather", args: weather }], finish: "tool_calls" }
    case "parallel":
      return { text: "", reasoning: "", calls: [{ name: "get_weather", args: weather }, { name: "get_time", args: time }], finish: "tool_calls" }
    case "roundtrip":
      return plain("It is 18C and sunny in Paris.")
    case "image":
      return plain("A single red pixel.")
    case "reasoning":
      return { ...plain("The answer is 42."), reasoning: "Six sevens are forty-two." }
    case "length":
      return { ...plain("Once upon a time, there"), finish: "length" }
  }
}

/** One matrix case. */
export interface Case {
  readonly upstream: Upstream
  readonly scenario: Scenario
  readonly stream: boolean
}

export const cases = (only: ReadonlyArray<Scenario> = scenarios): ReadonlyArray<Case> =>
  upstreams.flatMap((upstream) => only.flatMap((scenario) => [false, true].map((stream) => ({ upstream, scenario, stream }))))

export const caseName = (c: Case) => `${c.scenario} -> ${c.upstream}${c.stream ? " (stream)" : ""}`

/** The running proxy and its fakes. */
export class Matrix extends Context.Tag("cli-proxy-api/test/Matrix")<Matrix, {
  readonly url: string
  readonly fakes: Record<Upstream, FakeServer.Service>
}>() {}

/** Boots the fakes and one server configured with all of them. */
export const layer = Layer.scoped(
  Matrix,
  Effect.gen(function*() {
    // no model listings: each model is served by exactly one upstream
    const fakes: Record<Upstream, FakeServer.Service> = {
      claude: yield* Claude.make({ models: [] }),
      codex: yield* Codex.make(),
      gemini: yield* Gemini.make({ models: [] }),
      compat: yield* Compat.make({ models: [] }),
      "claude-oauth": yield* Claude.make({ models: [] }),
      "codex-oauth": yield* Codex.make(),
      "gemini-cli": yield* CodeAssist.make(),
      qwen: yield* Compat.make({ models: [] }),
      iflow: yield* Compat.make({ models: [] })
    }
    const models = (u: Upstream) => `    models: [{name: ${route[u].model}, alias: ${route[u].alias}}]`
    const server = yield* startServer([
      `api-keys: [${CLIENT_KEY}]`,
      `remote-management: {secret-key: ${MANAGEMENT_KEY}}`,
      "claude-api-key:",
      `  - api-key: ${route.claude.key}`,
      `    base-url: ${fakes.claude.url}`,
      models("claude"),
      "codex-api-key:",
      `  - api-key: ${route.codex.key}`,
      `    base-url: ${fakes.codex.url}`,
      models("codex"),
      "gemini-api-key:",
      `  - api-key: ${route.gemini.key}`,
      `    base-url: ${fakes.gemini.url}`,
      models("gemini"),
      "openai-compatibility:",
      "  - name: compat",
      `    base-url: ${fakes.compat.url}/v1`,
      `    api-key-entries: [{api-key: ${route.compat.key}}]`,
      models("compat"),
      "upstream-endpoints:",
      `  claude: ${fakes["claude-oauth"].url}`,
      `  codex: ${fakes["codex-oauth"].url}`,
      `  gemini-cli: ${fakes["gemini-cli"].url}`,
      `  qwen: ${fakes.qwen.url}/v1`
    ].join("\n"), { auths: authFiles(`${fakes.iflow.url}/v1`) })
    return { url: server.url, fakes }
  })
)

// ---------------------------------------------------------------- what the upstream received

type Obj = Readonly<Record<string, unknown>>
const o = (x: unknown): Obj => (typeof x === "object" && x !== null && !Array.isArray(x) ? (x as Obj) : {})
const a = (x: unknown): ReadonlyArray<unknown> => (Array.isArray(x) ? x : [])
const s = (x: unknown): string | undefined => (typeof x === "string" ? x : undefined)
const parsed = (x: unknown): unknown => {
  if (typeof x !== "string") return x
  try {
    return JSON.parse(x)
  } catch {
    return x
  }
}
const textOf = (x: unknown): string => typeof x === "string" ? x : JSON.stringify(x)

/** An upstream request reduced to what the matrix checks. */
export interface UpstreamSaw {
  readonly model: string | undefined
  readonly auth: string | undefined
  readonly stream: boolean
  readonly userText: string
  readonly images: ReadonlyArray<{ readonly mime: string | undefined; readonly data: string | undefined }>
  readonly toolNames: ReadonlyArray<string>
  readonly calls: ReadonlyArray<{ readonly id: string | undefined; readonly name: string | undefined; readonly args: unknown }>
  readonly results: ReadonlyArray<{ readonly id: string | undefined; readonly name: string | undefined; readonly content: string }>
  /** The request asks for reasoning in the upstream's own terms. */
  readonly thinking: boolean
}

const dataUrl = (url: unknown) => {
  const m = /^data:([^;]+);base64,(.*)$/.exec(s(url) ?? "")
  return { mime: m?.[1], data: m?.[2] }
}

/** Reduces a recorded upstream request (any of the four dialects) to an `UpstreamSaw`. */
export const upstreamSaw = (upstream: Upstream, r: Script.RecordedRequest): UpstreamSaw => {
  const outer = o(r.json)
  // Gemini CLI requests travel as {model, project, request}
  const body = upstream === "gemini-cli" ? o(outer.request) : outer
  const bearer = r.headers["authorization"]?.replace(/^Bearer /, "")
  switch (family[upstream]) {
    case "claude": {
      const blocks = a(body.messages).flatMap((m) => {
        const content = o(m).content
        return typeof content === "string" ? [{ role: o(m).role, type: "text", text: content }] : a(content).map((b): Obj => ({ ...o(b), role: o(m).role }))
      })
      return {
        model: s(body.model),
        auth: upstream === "claude-oauth" ? bearer : r.headers["x-api-key"],
        stream: body.stream === true,
        userText: blocks.filter((b) => b.role === "user" && b.type === "text").map((b) => s(b.text)).join("\n"),
        images: blocks.filter((b) => b.type === "image").map((b) => ({ mime: s(o(b.source).media_type), data: s(o(b.source).data) })),
        toolNames: a(body.tools).map((t) => s(o(t).name) ?? ""),
        calls: blocks.filter((b) => b.type === "tool_use").map((b) => ({ id: s(b.id), name: s(b.name), args: b.input })),
        results: blocks.filter((b) => b.type === "tool_result").map((b) => ({ id: s(b.tool_use_id), name: undefined, content: textOf(b.content) })),
        thinking: body.thinking !== undefined
      }
    }
    case "codex": {
      const items = a(body.input).map(o)
      // a message item may leave out `type` (the API's EasyInputMessage)
      const parts = items.filter((i) => (i.type ?? "message") === "message" && i.role === "user").flatMap((i) => typeof i.content === "string" ? [{ type: "input_text", text: i.content }] : a(i.content).map(o))
      return {
        model: s(body.model),
        auth: bearer,
        stream: body.stream === true,
        userText: parts.filter((p) => p.type === "input_text").map((p) => s(p.text)).join("\n"),
        images: parts.filter((p) => p.type === "input_image").map((p) => dataUrl(p.image_url)),
        toolNames: a(body.tools).map((t) => s(o(t).name) ?? ""),
        calls: items.filter((i) => i.type === "function_call").map((i) => ({ id: s(i.call_id), name: s(i.name), args: parsed(i.arguments) })),
        results: items.filter((i) => i.type === "function_call_output").map((i) => ({ id: s(i.call_id), name: undefined, content: textOf(i.output) })),
        thinking: body.reasoning !== undefined
      }
    }
    case "gemini": {
      // the model is in the path for the Gemini API, in the envelope for Code Assist
      const api = /^\/v1beta\/models\/([^:]+):(\w+)$/.exec(r.path)
      const method = upstream === "gemini-cli" ? /^\/v1internal:(\w+)$/.exec(r.path)?.[1] : api?.[2]
      const model = upstream === "gemini-cli" ? s(outer.model) : api?.[1] === undefined ? undefined : decodeURIComponent(api[1])
      const parts = a(body.contents).flatMap((c) => a(o(c).parts).map((p): Obj => ({ ...o(p), role: o(c).role })))
      return {
        model,
        auth: upstream === "gemini-cli" ? bearer : r.headers["x-goog-api-key"],
        stream: method === "streamGenerateContent" && r.query["alt"] === "sse",
        userText: parts.filter((p) => p.role === "user" && typeof p.text === "string").map((p) => s(p.text)).join("\n"),
        images: parts.filter((p) => p.inlineData !== undefined).map((p) => ({ mime: s(o(p.inlineData).mimeType), data: s(o(p.inlineData).data) })),
        toolNames: a(body.tools).flatMap((t) => a(o(t).functionDeclarations).map((d) => s(o(d).name) ?? "")),
        calls: parts.filter((p) => p.functionCall !== undefined).map((p) => ({ id: s(o(p.functionCall).id), name: s(o(p.functionCall).name), args: o(p.functionCall).args })),
        results: parts.filter((p) => p.functionResponse !== undefined).map((p) => ({
          id: s(o(p.functionResponse).id),
          name: s(o(p.functionResponse).name),
          content: textOf(o(p.functionResponse).response)
        })),
        thinking: o(body.generationConfig).thinkingConfig !== undefined
      }
    }
    case "compat": {
      const messages = a(body.messages).map(o)
      const userParts = messages.filter((m) => m.role === "user").flatMap((m) => typeof m.content === "string" ? [{ type: "text", text: m.content }] : a(m.content).map(o))
      return {
        model: s(body.model),
        auth: bearer,
        stream: body.stream === true,
        userText: userParts.filter((p) => p.type === "text").map((p) => s(p.text)).join("\n"),
        images: userParts.filter((p) => p.type === "image_url").map((p) => dataUrl(o(p.image_url).url)),
        toolNames: a(body.tools).map((t) => s(o(o(t).function).name) ?? ""),
        calls: messages.flatMap((m) => a(m.tool_calls).map(o)).map((c) => ({ id: s(c.id), name: s(o(c.function).name), args: parsed(o(c.function).arguments) })),
        results: messages.filter((m) => m.role === "tool").map((m) => ({ id: s(m.tool_call_id), name: undefined, content: textOf(m.content) })),
        thinking: body.reasoning_effort !== undefined || body.reasoning !== undefined
      }
    }
  }
}

/** Which parts of a scenario the client dialect can express in its request. */
export interface Expressible {
  readonly tools: boolean
  readonly reasoningRequest: boolean
}

/** Asserts what the upstream received for a case. */
export const checkUpstream = (c: Case, r: Script.RecordedRequest, can: Expressible = { tools: true, reasoningRequest: true }) => {
  const saw = upstreamSaw(c.upstream, r)
  const fam = family[c.upstream]
  expect(saw.model).toBe(route[c.upstream].model)
  expect(saw.auth).toBe(route[c.upstream].key)
  // Codex is always streamed upstream (the backend rejects anything else)
  expect(saw.stream).toBe(fam === "codex" ? true : c.stream)
  const body = o(r.json)
  if (fam === "codex") {
    expect(s(body.instructions)?.length ?? 0).toBeGreaterThan(0)
    expect(body.store).toBe(false)
  }
  if (fam === "claude") {
    // the Messages API requires max_tokens, and a thinking budget below it
    const max = typeof body.max_tokens === "number" ? body.max_tokens : 0
    expect(max).toBeGreaterThan(0)
    const budget = o(body.thinking).budget_tokens
    if (typeof budget === "number") expect(budget).toBeLessThan(max)
  }
  checkSignIn(c, r)
  expect(saw.userText).toContain(prompts[c.scenario])
  const toolScenario = c.scenario === "tool" || c.scenario === "parallel" || c.scenario === "roundtrip"
  // Qwen streams always carry a decoy tool (spec/02 §7c)
  const decoy = c.upstream === "qwen" && c.stream && !(toolScenario && can.tools) ? ["do_not_call_me"] : []
  expect(saw.toolNames).toEqual(toolScenario && can.tools ? tools.map((t) => t.name) : decoy)
  if (c.scenario === "image") expect(saw.images).toEqual([{ mime: "image/png", data: PNG }])
  else expect(saw.images).toEqual([])
  if (c.scenario === "roundtrip") {
    expect(saw.calls.map((x) => ({ name: x.name, args: x.args }))).toEqual([{ name: history.name, args: history.args }])
    expect(saw.results).toHaveLength(1)
    const [call, result] = [saw.calls[0], saw.results[0]]
    expect(result?.content).toContain(history.result)
    // the result is tied to its call: by id, or by name where Gemini has no id
    if (fam === "gemini") expect(result?.name).toBe(history.name)
    else expect(result?.id).toBe(call?.id)
  } else {
    expect(saw.calls).toEqual([])
    expect(saw.results).toEqual([])
  }
  if (c.scenario === "reasoning" && can.reasoningRequest) expect(saw.thinking).toBe(true)
}

/** What each subscription sign-in must send besides the request itself (spec/02 §1c, §5c, §6c, §7c, §8c). */
const checkSignIn = (c: Case, r: Script.RecordedRequest) => {
  const body = o(r.json)
  switch (c.upstream) {
    case "claude-oauth": {
      expect(r.headers["anthropic-beta"]).toContain("oauth-2025-04-20")
      const system = a(body.system).map(o)
      expect(s(system[0]?.text)).toBe("You are Claude Code, Anthropic's official CLI for Claude.")
      return
    }
    case "codex-oauth":
      expect(r.headers["originator"]).toBe("codex_cli_rs")
      expect(r.headers["chatgpt-account-id"]).toBe("acct-mx")
      return
    case "gemini-cli":
      expect(body.project).toBe(GEMINI_PROJECT)
      expect(a(o(body.request).safetySettings).length).toBe(5)
      // the Gemini CLI's headers, unless the client sent its own (the Google SDK sends x-goog-api-client)
      expect(r.headers["client-metadata"]).toBe("ideType=IDE_UNSPECIFIED,platform=PLATFORM_UNSPECIFIED,pluginType=GEMINI")
      expect(r.headers["x-goog-api-client"]).toMatch(/gl-node\//)
      return
    case "qwen":
      expect(r.headers["user-agent"]).toBe("google-api-nodejs-client/9.15.1")
      if (c.stream) expect(o(body.stream_options).include_usage).toBe(true)
      return
    case "iflow":
      expect(r.headers["user-agent"]).toBe("iFlow-Cli")
      return
    default:
      return
  }
}

/** Asserts what the client received for a case, given the dialect's finish values. */
export const checkClient = (c: Case, seen: Seen, finishes: Record<Finish, string>, want: Expected = expected(c.scenario)) => {
  expect(seen.text).toBe(want.text)
  expect(seen.reasoning).toBe(want.reasoning)
  expect(seen.calls.map((x) => ({ name: x.name, args: x.args }))).toEqual(want.calls)
  expect(seen.finish).toBe(finishes[want.finish])
  expect(seen.usage).toEqual({ input: 11, output: 7 })
}

/** Ids of the calls a client got: present, distinct, and the upstream's own where it gave one. */
export const checkCallIds = (c: Case, seen: Seen) => {
  const ids = seen.calls.map((x) => x.id ?? "")
  for (const id of ids) expect(id).not.toBe("")
  expect(new Set(ids).size).toBe(ids.length)
  if (family[c.upstream] !== "gemini") expect(ids).toEqual(seen.calls.map((_, i) => callId(c.upstream, i + 1).id))
}

/**
 * Runs one case: script the upstream's fake, drive the client, then check both sides.
 * `check` adds the dialect's own checks on what the client saw.
 */
export const runCase = (
  c: Case,
  drive: (c: Case) => Promise<Seen>,
  check: (seen: Seen) => void,
  can?: Expressible
) =>
  Effect.gen(function*() {
    const { fakes } = yield* Matrix
    const fake = fakes[c.upstream]
    yield* fake.clear
    yield* fake.enqueue(reply(c.scenario, c.upstream))
    const seen = yield* Effect.promise(() => drive(c))
    const posts = (yield* fake.requests).filter((r) => r.method === "POST")
    expect(posts).toHaveLength(1)
    checkUpstream(c, posts[0]!, can)
    check(seen)
    yield* checkUsage(c)
  })

/** The usage statistics counted the call: the scripted 11 input and 7 output tokens, under the masked client key. */
const checkUsage = (c: Case) =>
  Effect.gen(function*() {
    const { url } = yield* Matrix
    const answer = yield* http(`${url}/v0/management/usage`, { headers: { authorization: `Bearer ${MANAGEMENT_KEY}` } })
    const usage = (answer.json() as { usage: { apis: Record<string, { models: Record<string, { details: Array<{ failed: boolean; tokens: Record<string, number> }> }> }> } }).usage
    expect(Object.keys(usage.apis)).toEqual(["mx-c...-key"])
    const details = usage.apis["mx-c...-key"]?.models[route[c.upstream].alias]?.details ?? []
    expect(details.at(-1)?.failed).toBe(false)
    expect(details.at(-1)?.tokens).toMatchObject({ input_tokens: 11, output_tokens: 7, total_tokens: 18 })
  })
