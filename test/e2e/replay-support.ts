/**
 * Support for the real-client replay (issue 4, "How it is checked"): the recorded requests of
 * spec/05 (test/formats/fixtures/real-clients), the headers each client sends, the four fake
 * upstreams as config, and checks that an answer is complete and valid in the client's dialect,
 * including what spec/05 says each client cannot do without.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { parseAll, type SseEvent } from "../../src/formats/sse.js"
import * as Script from "../fakes/script.js"
import { chatViolations, claudeViolations, geminiViolations, responsesViolations } from "../formats/validators.js"

type Obj = Record<string, unknown>

/** What a replayed route expects back. @internal */
export type Route = "chat" | "responses" | "messages" | "count_tokens" | "generateContent" | "streamGenerateContent" | "countTokens"

/** One recorded request, ready to replay. @internal */
export interface Recorded {
  readonly name: string
  readonly client: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly body: Obj
  readonly route: Route
  readonly stream: boolean
  readonly model: string
}

const root = join(import.meta.dirname, "..", "formats", "fixtures", "real-clients")

const routeOf = (path: string): Route | undefined =>
  path === "/v1/chat/completions" ? "chat"
  : path === "/v1/responses" ? "responses"
  : path === "/v1/messages" ? "messages"
  : path === "/v1/messages/count_tokens" ? "count_tokens"
  : /^\/v1(beta)?\/models\/[^/:]+:generateContent$/.test(path) ? "generateContent"
  : /^\/v1(beta)?\/models\/[^/:]+:streamGenerateContent$/.test(path) ? "streamGenerateContent"
  : /^\/v1(beta)?\/models\/[^/:]+:countTokens$/.test(path) ? "countTokens"
  : undefined

/**
 * Every recorded request of the public API routes, and those left out with the reason.
 * Gemini CLI's Code Assist sessions (`/v1internal...`) are replayed in order by
 * gemini-cli-relay.test.ts instead. The recorded GETs (`/v1/models`), Claude Code's
 * `HEAD /api/hello` and Codex's WebSocket upgrade are not in the repo copies, which keep
 * the model calls only; `codex-websockets/2.json` is the plain POST Codex falls back to.
 * @internal
 */
export const loadFixtures = () => {
  const replayed: Array<Recorded> = []
  const skipped: Array<{ readonly name: string; readonly reason: string }> = []
  for (const client of readdirSync(root).sort()) {
    for (const file of readdirSync(join(root, client)).sort((a, b) => parseInt(a) - parseInt(b))) {
      const name = `${client}/${file}`
      const j = JSON.parse(readFileSync(join(root, client, file), "utf8")) as { path: string; query: Record<string, string>; body: Obj }
      const route = routeOf(j.path)
      if (route === undefined) {
        skipped.push({ name, reason: `${j.path}: Code Assist route, replayed through the Gemini CLI relay (gemini-cli-relay.test.ts)` })
        continue
      }
      const model = j.path.includes("/models/") ? j.path.slice(j.path.indexOf("/models/") + 8, j.path.lastIndexOf(":")) : String(j.body.model)
      const stream = route === "streamGenerateContent" || (route !== "count_tokens" && route !== "countTokens" && j.body.stream === true)
      replayed.push({ name, client, path: j.path, query: j.query, body: j.body, route, stream, model })
    }
  }
  return { replayed, skipped }
}

const stainless = (version: string, runtime: string) => ({
  "x-stainless-lang": "js",
  "x-stainless-package-version": version,
  "x-stainless-os": "Linux",
  "x-stainless-arch": "x64",
  "x-stainless-runtime": "node",
  "x-stainless-runtime-version": runtime,
  "x-stainless-retry-count": "0"
})

const claudeCode = (ua: string) => ({
  "user-agent": `claude-cli/2.1.332 (${ua})`,
  "x-app": "cli",
  "anthropic-version": "2023-06-01",
  "anthropic-dangerous-direct-browser-access": "true",
  "anthropic-beta":
    "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,per-turn-control-2026-07-01,mid-conversation-tool-changes-2026-07-01,thinking-token-count-2026-05-13,advanced-tool-use-2025-11-20,effort-2025-11-24",
  ...stainless("0.128.0", "v26.12.1")
})

/** The non-secret headers each client sent (from the recordings), plus its way of passing the key. @internal */
export const clientHeaders = (client: string, key: string): Record<string, string> => {
  const bearer = { authorization: `Bearer ${key}` }
  const goog = { "x-goog-api-key": key }
  const table: Record<string, Record<string, string>> = {
    "openai-sdk": { ...bearer, "user-agent": "OpenAI/JS 7.59.0", ...stainless("7.59.0", "v22.23.3") },
    "openai-sdk-v6-node20": { ...bearer, "user-agent": "OpenAI/JS 6.49.0", ...stainless("6.49.0", "v20.20.2") },
    "anthropic-sdk": { ...bearer, "user-agent": "Anthropic/JS 1.14.0", "anthropic-version": "2026-10-21", ...stainless("1.14.0", "v22.23.3") },
    "anthropic-sdk-node20": { ...bearer, "user-agent": "Anthropic/JS 1.14.0", "anthropic-version": "2026-10-21", ...stainless("1.14.0", "v20.20.2") },
    "claude-code": { ...bearer, ...claudeCode("external, sdk-cli") },
    "claude-code-default-traffic": { ...bearer, ...claudeCode("external, sdk-cli") },
    // Claude Code with ANTHROPIC_API_KEY sends x-api-key instead of a Bearer token
    "claude-code-interactive": { "x-api-key": key, ...claudeCode("external, cli") },
    codex: { ...bearer, accept: "text/event-stream", originator: "codex_exec", "user-agent": "codex_exec/0.171.0 (Debian 12.0.0; x86_64) dumb (codex_exec; 0.171.0)" },
    "codex-websockets": { ...bearer, accept: "text/event-stream", originator: "codex_exec", "user-agent": "codex_exec/0.171.0 (Debian 12.0.0; x86_64) dumb (codex_exec; 0.171.0)" },
    "gemini-cli": { ...goog, "user-agent": "GeminiCLI-tui/0.61.0/gemini-3.1-pro-preview (linux; x64; terminal)", "x-goog-api-client": "google-genai-sdk/1.30.0 gl-node/v20.20.2" },
    "genai-sdk": { ...goog, "user-agent": "google-genai-sdk/3.3.0 gl-node/v22.23.3", "x-goog-api-client": "google-genai-sdk/3.3.0 gl-node/v22.23.3", "x-server-timeout": "60" },
    "genai-sdk-v2-node20": { ...goog, "user-agent": "google-genai-sdk/2.32.0 gl-node/v20.20.2", "x-goog-api-client": "google-genai-sdk/2.32.0 gl-node/v20.20.2", "x-server-timeout": "60" }
  }
  return { "content-type": "application/json", "accept-encoding": "gzip, deflate", accept: "application/json", ...table[client] }
}

/** The fake upstreams, by the dialect they speak. @internal */
export type Upstream = "openai-compat" | "codex" | "claude" | "gemini"

/** The upstream that speaks each route's dialect (the passthrough case). @internal */
export const sameDialect = (route: Route): Upstream =>
  route === "chat" ? "openai-compat"
  : route === "responses" ? "codex"
  : route === "messages" || route === "count_tokens" ? "claude"
  : "gemini"

/**
 * A config with one key of one upstream pointing at its fake. The fixtures ask for
 * today's models (`claude-opus-5-5`, `gpt-6.2-sol`, `gemini-3.8-flash`...), which no built-in
 * catalogue knows, so the key lists every fixture model as a `models: [{name, alias}]` pair
 * with the same name: the registry routes them to this key at once, without waiting for the
 * upstream's model listing.
 * @internal
 */
export const upstreamConfig = (upstream: Upstream, url: string, models: ReadonlyArray<string>, clientKey: string): string => {
  const list = `[${models.map((m) => `{name: ${JSON.stringify(m)}, alias: ${JSON.stringify(m)}}`).join(", ")}]`
  const entry = {
    "openai-compat": ["openai-compatibility:", "  - name: fakeup", `    base-url: ${url}/v1`, "    api-key-entries: [{api-key: up-key}]", `    models: ${list}`],
    codex: ["codex-api-key:", "  - api-key: up-key", `    base-url: ${url}`, `    models: ${list}`],
    claude: ["claude-api-key:", "  - api-key: up-key", `    base-url: ${url}`, `    models: ${list}`],
    gemini: ["gemini-api-key:", "  - api-key: up-key", `    base-url: ${url}`, `    models: ${list}`]
  }[upstream]
  return [`api-keys: [${clientKey}]`, ...entry].join("\n")
}

/** The first function tool a request declares, in its own dialect (the model is scripted to call it). @internal */
export const firstTool = (f: Recorded): string | undefined => {
  const tools = Array.isArray(f.body.tools) ? (f.body.tools as Array<Obj>) : []
  for (const t of tools) {
    if (f.route === "chat" && t.type === "function") return String((t.function as Obj).name)
    if (f.route === "responses" && t.type === "function" && typeof t.name === "string") return t.name
    if ((f.route === "messages") && t.input_schema !== undefined && typeof t.name === "string") return t.name
    const decl = (t.functionDeclarations as Array<Obj> | undefined)?.[0]
    if (decl !== undefined && typeof decl.name === "string") return decl.name
  }
  return undefined
}

/** The scripted model output: thinking with a signature, text, and a tool call when the request offers a tool. @internal */
export const replyFor = (f: Recorded): Script.Reply => {
  const tool = firstTool(f)
  return {
    parts: [
      Script.reasoning("Thinking about the request.", "c2lnbmF0dXJl"),
      Script.text("Here is the answer."),
      ...(tool === undefined ? [] : [Script.toolCall(tool, { command: "ls" }, { id: "call_1" })])
    ],
    usage: { inputTokens: 40, outputTokens: 12 }
  }
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v)
const num = (v: unknown) => typeof v === "number" && Number.isFinite(v)

/** A whole (non-stream) answer's violations, by route. @internal */
const jsonViolations = (f: Recorded, b: Obj, toolExpected: boolean): Array<string> => {
  const v: Array<string> = []
  const need = (ok: boolean, what: string) => void (ok || v.push(what))
  switch (f.route) {
    case "chat": {
      const c = (b.choices as Array<Obj> | undefined)?.[0]
      const m = c?.message as Obj | undefined
      need(b.object === "chat.completion", "object is not chat.completion")
      need(m?.role === "assistant", "message.role is not assistant")
      need(typeof m?.content === "string" || Array.isArray(m?.tool_calls), "message has neither content nor tool_calls")
      need(typeof c?.finish_reason === "string", "finish_reason missing")
      need(!toolExpected || (m?.tool_calls as Array<Obj> | undefined)?.[0]?.id !== undefined, "tool call missing")
      need(num((b.usage as Obj | undefined)?.prompt_tokens), "usage.prompt_tokens missing")
      break
    }
    case "responses": {
      const out = b.output as Array<Obj> | undefined
      need(b.object === "response", "object is not response")
      need(b.status === "completed", `status ${String(b.status)}`)
      need(Array.isArray(out) && out.length > 0, "output empty")
      need(!toolExpected || out?.some((o) => o.type === "function_call") === true, "function_call missing")
      need(num((b.usage as Obj | undefined)?.input_tokens), "usage.input_tokens missing")
      break
    }
    case "messages": {
      const content = b.content as Array<Obj> | undefined
      need(b.type === "message" && b.role === "assistant", "not an assistant message")
      need(Array.isArray(content) && content.length > 0, "content empty")
      need(!toolExpected || content?.some((c) => c.type === "tool_use" && isObj(c.input)) === true, "tool_use missing")
      need(typeof b.stop_reason === "string", "stop_reason missing")
      need(num((b.usage as Obj | undefined)?.input_tokens) && num((b.usage as Obj | undefined)?.output_tokens), "usage incomplete")
      break
    }
    case "generateContent": {
      const cand = (b.candidates as Array<Obj> | undefined)?.[0]
      const parts = (cand?.content as Obj | undefined)?.parts as Array<Obj> | undefined
      need(Array.isArray(parts) && parts.length > 0, "no parts")
      need(!toolExpected || parts?.some((p) => isObj(p.functionCall) && isObj((p.functionCall as Obj).args)) === true, "functionCall missing")
      need(typeof cand?.finishReason === "string", "finishReason missing")
      break
    }
    case "count_tokens":
      need(num(b.input_tokens) && (b.input_tokens as number) > 0, "input_tokens missing")
      break
    case "countTokens":
      need(num(b.totalTokens) && (b.totalTokens as number) > 0, "totalTokens missing")
      break
  }
  return v
}

/** A stream's violations: the dialect's validator, plus what spec/05 says the client needs. @internal */
const streamViolations = (f: Recorded, text: string, toolExpected: boolean): Array<string> => {
  const events = parseAll(text)
  const data = events.filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data) as Obj)
  const v: Array<string> = []
  const need = (ok: boolean, what: string) => void (ok || v.push(what))
  switch (f.route) {
    case "chat": {
      // the usage chunk (`choices: []`, after the finish) is checked apart from the validator's chunk rules
      const usageOnly = (e: SseEvent) => {
        const choices = e.data === "[DONE]" ? undefined : (JSON.parse(e.data) as Obj).choices
        return Array.isArray(choices) && choices.length === 0
      }
      v.push(...chatViolations(events.filter((e) => !usageOnly(e))))
      const calls = data.flatMap((c) => ((c.choices as Array<Obj>)[0]?.delta as Obj | undefined)?.tool_calls ?? []) as Array<Obj>
      need(!toolExpected || calls.some((t) => typeof t.id === "string" && t.index === 0), "no tool call delta with id and index")
      const wantsUsage = isObj(f.body.stream_options) && f.body.stream_options.include_usage === true
      need(!wantsUsage || data.some((c) => isObj(c.usage)), "include_usage set but no usage chunk")
      break
    }
    case "responses": {
      // sequence numbers: upstreams start at 0 or 1; what matters is that they count up by one
      v.push(...responsesViolations(events).filter((p) => !p.includes("sequence_number")))
      const seq = data.map((d) => d.sequence_number as number)
      need(seq.every((n, i) => i === 0 || n === (seq[i - 1] as number) + 1), `sequence numbers ${seq.join(",")}`)
      need(events[0]?.event === "response.created", "first event is not response.created")
      const done = data.find((d) => d.type === "response.completed")?.response as Obj | undefined
      need(isObj(done?.usage), "response.completed without usage")
      need(!toolExpected || (done?.output as Array<Obj> | undefined)?.some((o) => o.type === "function_call") === true, "function_call missing")
      break
    }
    case "messages": {
      // the validator covers message_start.message.usage, message_delta.usage, message_stop, index, content_block_stop
      v.push(...claudeViolations(events.filter((e) => e.event !== "ping")))
      const starts = data.filter((d) => d.type === "content_block_start").map((d) => (d.content_block as Obj).type)
      need(!toolExpected || starts.includes("tool_use"), "no tool_use block")
      break
    }
    case "streamGenerateContent": {
      // finishReason on the final chunk is what Gemini CLI cannot do without
      v.push(...geminiViolations(events))
      need(events.length > 0 && events.every((e) => e.event === undefined), "not plain data: events")
      const parts = data.flatMap((d) => ((((d.candidates as Array<Obj> | undefined)?.[0]?.content as Obj | undefined)?.parts ?? []) as Array<Obj>))
      need(!toolExpected || parts.some((p) => isObj(p.functionCall)), "no functionCall part")
      break
    }
    default:
      v.push(`route ${f.route} does not stream`)
  }
  return v
}

/** Everything wrong with an answer to a replayed request (empty: complete and valid). @internal */
export const answerViolations = (f: Recorded, status: number, contentType: string, text: string): Array<string> => {
  if (status !== 200) return [`status ${status}: ${text.slice(0, 300)}`]
  const toolExpected = firstTool(f) !== undefined && f.route !== "count_tokens" && f.route !== "countTokens"
  try {
    if (f.stream) {
      if (!contentType.startsWith("text/event-stream")) return [`content-type ${contentType} for a stream`]
      return streamViolations(f, text, toolExpected)
    }
    if (!contentType.startsWith("application/json")) return [`content-type ${contentType}`]
    const body = JSON.parse(text) as unknown
    return isObj(body) ? jsonViolations(f, body, toolExpected) : ["body is not a JSON object"]
  } catch (e) {
    return [`unreadable answer: ${String(e)}: ${text.slice(0, 200)}`]
  }
}
