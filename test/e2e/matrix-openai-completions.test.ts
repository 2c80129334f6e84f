/**
 * The matrix through the official `openai` SDK's legacy Completions (`/v1/completions`):
 * every upstream, stream and non-stream (see matrix-support.ts). A completions request is a
 * bare prompt: it cannot declare tools, carry an image, replay a tool round trip or ask for
 * reasoning. So the image and round-trip scenarios do not apply; the reasoning scenario checks
 * that the upstream's thinking stays out of the text; the tool scenarios check what a client
 * gets when an upstream calls a tool it was never offered (no text, the call dropped,
 * finish_reason `tool_calls` as the chat answer had it).
 */
import { layer } from "@effect/vitest"
import { Effect } from "effect"
import OpenAI from "openai"
import * as M from "./matrix-support.js"

const finishes: Record<M.Finish, string> = { stop: "stop", tool_calls: "tool_calls", length: "length" }

/** What a completions client can see of a scenario: text and finish only. */
const want = (scenario: M.Scenario): M.Expected => {
  const e = M.expected(scenario)
  return { ...e, reasoning: "", calls: [] }
}

const drive = (url: string) => async (c: M.Case): Promise<M.Seen> => {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: M.CLIENT_KEY, maxRetries: 0 })
  const base = { model: M.route[c.upstream].alias, prompt: M.prompts[c.scenario], max_tokens: 256 }
  if (!c.stream) {
    const r = await client.completions.create({ ...base, stream: false })
    return {
      text: r.choices[0]?.text ?? "",
      reasoning: "",
      calls: [],
      finish: r.choices[0]?.finish_reason,
      usage: r.usage === undefined ? undefined : { input: r.usage.prompt_tokens, output: r.usage.completion_tokens }
    }
  }
  const stream = await client.completions.create({ ...base, stream: true, stream_options: { include_usage: true } })
  let text = ""
  let finish: string | undefined
  let usage: M.Seen["usage"]
  for await (const chunk of stream) {
    text += chunk.choices[0]?.text ?? ""
    if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason
    if (chunk.usage) usage = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens }
  }
  return { text, reasoning: "", calls: [], finish, usage }
}

const applicable: ReadonlyArray<M.Scenario> = ["text", "tool", "parallel", "reasoning", "length"]

layer(M.layer, { excludeTestServices: true })("matrix: OpenAI legacy completions client", (it) => {
  for (const c of M.cases(applicable)) {
    it.effect(M.caseName(c), () =>
      M.Matrix.pipe(
        Effect.flatMap(({ url }) =>
          M.runCase(c, drive(url), (seen) => M.checkClient(c, seen, finishes, want(c.scenario)), { tools: false, reasoningRequest: false })
        )
      ))
  }
})
