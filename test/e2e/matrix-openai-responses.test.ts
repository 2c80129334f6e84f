/**
 * The matrix through the official `openai` SDK's Responses API: every upstream, every
 * scenario, stream and non-stream (see matrix-support.ts). Responses has no finish reason:
 * the status says it, `incomplete` with `max_output_tokens` for a cut answer.
 */
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import OpenAI from "openai"
import type { Response, ResponseCreateParamsBase, ResponseInputItem } from "openai/resources/responses/responses"
import * as M from "./matrix-support.js"

const finishes: Record<M.Finish, string> = { stop: "completed", tool_calls: "completed", length: "incomplete:max_output_tokens" }

const input = (scenario: M.Scenario): Array<ResponseInputItem> => {
  const prompt = M.prompts[scenario]
  if (scenario === "image") {
    return [{
      role: "user",
      content: [{ type: "input_text", text: prompt }, { type: "input_image", image_url: `data:image/png;base64,${M.PNG}`, detail: "auto" }]
    }]
  }
  if (scenario === "roundtrip") {
    return [
      { role: "user", content: prompt },
      { type: "function_call", call_id: M.history.id, name: M.history.name, arguments: JSON.stringify(M.history.args) },
      { type: "function_call_output", call_id: M.history.id, output: M.history.result }
    ]
  }
  return [{ role: "user", content: prompt }]
}

const params = (c: M.Case): ResponseCreateParamsBase => ({
  model: M.route[c.upstream].alias,
  input: input(c.scenario),
  ...(c.scenario === "tool" || c.scenario === "parallel" || c.scenario === "roundtrip"
    ? { tools: M.tools.map((t) => ({ type: "function" as const, name: t.name, description: t.description, parameters: { ...t.parameters }, strict: false })) }
    : {}),
  ...(c.scenario === "reasoning" ? { reasoning: { effort: "low" as const, summary: "auto" as const } } : {})
})

const seenOf = (r: Response): M.Seen => ({
  text: r.output.flatMap((o) => (o.type === "message" ? o.content.flatMap((p) => (p.type === "output_text" ? [p.text] : [])) : [])).join(""),
  reasoning: r.output.flatMap((o) => (o.type === "reasoning" ? o.summary.map((s) => s.text) : [])).join(""),
  calls: r.output.flatMap((o) => (o.type === "function_call" ? [{ id: o.call_id, name: o.name, args: JSON.parse(o.arguments) as unknown }] : [])),
  finish: r.status === "incomplete" ? `incomplete:${r.incomplete_details?.reason ?? ""}` : r.status,
  usage: r.usage === undefined || r.usage === null ? undefined : { input: r.usage.input_tokens, output: r.usage.output_tokens }
})

const drive = (url: string) => async (c: M.Case): Promise<M.Seen> => {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: M.CLIENT_KEY, maxRetries: 0 })
  if (!c.stream) return seenOf(await client.responses.create({ ...params(c), stream: false }))
  const stream = await client.responses.create({ ...params(c), stream: true })
  let final: Response | undefined
  let text = ""
  let reasoning = ""
  const args = new Map<string, string>()
  const types: Array<string> = []
  let first: number | undefined
  for await (const e of stream) {
    // events are numbered one by one: from 0 as Codex sends them (passthrough), from 1 when
    // translated (spec/04 5.3, as the Go version numbers them)
    first ??= e.sequence_number
    expect(e.sequence_number).toBe(first + types.length)
    types.push(e.type)
    if (e.type === "response.output_text.delta") text += e.delta
    if (e.type === "response.reasoning_summary_text.delta") reasoning += e.delta
    if (e.type === "response.function_call_arguments.delta") args.set(e.item_id, (args.get(e.item_id) ?? "") + e.delta)
    if (e.type === "response.completed" || e.type === "response.incomplete") final = e.response
  }
  expect(final).toBeDefined()
  expect(first).toBe(M.family[c.upstream] === "codex" ? 0 : 1)
  expect(types.slice(0, 2)).toEqual(["response.created", "response.in_progress"])
  expect(types[types.length - 1]).toBe(final?.status === "incomplete" ? "response.incomplete" : "response.completed")
  const seen = seenOf(final!)
  // the deltas add up to what the terminal event reports
  expect(text).toBe(seen.text)
  expect(reasoning).toBe(seen.reasoning)
  expect([...args.values()].map((a) => JSON.parse(a) as unknown)).toEqual(seen.calls.map((x) => x.args))
  return seen
}

layer(M.layer, { excludeTestServices: true })("matrix: OpenAI Responses client", (it) => {
  for (const c of M.cases()) {
    it.effect(M.caseName(c), () =>
      M.Matrix.pipe(
        Effect.flatMap(({ url }) =>
          M.runCase(c, drive(url), (seen) => {
            M.checkClient(c, seen, finishes)
            M.checkCallIds(c, seen)
          })
        )
      ))
  }
})
