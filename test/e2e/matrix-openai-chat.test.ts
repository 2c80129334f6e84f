/**
 * The matrix through the official `openai` SDK's Chat Completions: every upstream, every
 * scenario, stream and non-stream (see matrix-support.ts).
 */
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import OpenAI from "openai"
import type { ChatCompletionCreateParamsBase, ChatCompletionMessageParam } from "openai/resources/chat/completions"
import * as M from "./matrix-support.js"

const finishes: Record<M.Finish, string> = { stop: "stop", tool_calls: "tool_calls", length: "length" }

const messages = (scenario: M.Scenario): Array<ChatCompletionMessageParam> => {
  const prompt = M.prompts[scenario]
  if (scenario === "image") {
    return [{
      role: "user",
      content: [{ type: "text", text: prompt }, { type: "image_url", image_url: { url: `data:image/png;base64,${M.PNG}` } }]
    }]
  }
  if (scenario === "roundtrip") {
    return [
      { role: "user", content: prompt },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: M.history.id, type: "function", function: { name: M.history.name, arguments: JSON.stringify(M.history.args) } }]
      },
      { role: "tool", tool_call_id: M.history.id, content: M.history.result }
    ]
  }
  return [{ role: "user", content: prompt }]
}

const params = (c: M.Case): ChatCompletionCreateParamsBase => ({
  model: M.route[c.upstream].alias,
  messages: messages(c.scenario),
  ...(c.scenario === "tool" || c.scenario === "parallel" || c.scenario === "roundtrip"
    ? { tools: M.tools.map((t) => ({ type: "function" as const, function: { ...t, parameters: { ...t.parameters } } })) }
    : {}),
  ...(c.scenario === "reasoning" ? { reasoning_effort: "low" as const } : {})
})

/** `reasoning_content` is the de-facto field (DeepSeek, the Go proxy); the SDK does not type it. */
const reasoningOf = (x: object): string => {
  const r: unknown = (x as { reasoning_content?: unknown }).reasoning_content
  return typeof r === "string" ? r : ""
}

const drive = (url: string) => async (c: M.Case): Promise<M.Seen> => {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: M.CLIENT_KEY, maxRetries: 0 })
  if (!c.stream) {
    const r = await client.chat.completions.create({ ...params(c), stream: false })
    const choice = r.choices[0]
    return {
      text: choice?.message.content ?? "",
      reasoning: choice === undefined ? "" : reasoningOf(choice.message),
      calls: (choice?.message.tool_calls ?? []).flatMap((t) =>
        t.type === "function" ? [{ id: t.id, name: t.function.name, args: JSON.parse(t.function.arguments) as unknown }] : []
      ),
      finish: choice?.finish_reason,
      usage: r.usage === undefined ? undefined : { input: r.usage.prompt_tokens, output: r.usage.completion_tokens }
    }
  }
  const stream = await client.chat.completions.create({ ...params(c), stream: true, stream_options: { include_usage: true } })
  let text = ""
  let reasoning = ""
  let finish: string | undefined
  let usage: M.Seen["usage"]
  const calls: Array<{ id: string | undefined; name: string; args: string }> = []
  const ids = new Set<string>()
  for await (const chunk of stream) {
    ids.add(chunk.id)
    expect(chunk.object).toBe("chat.completion.chunk")
    if (chunk.usage) usage = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens }
    const choice = chunk.choices[0]
    if (choice === undefined) continue
    text += choice.delta.content ?? ""
    reasoning += reasoningOf(choice.delta)
    for (const t of choice.delta.tool_calls ?? []) {
      const call = (calls[t.index] ??= { id: undefined, name: "", args: "" })
      if (t.id) call.id = t.id
      call.name += t.function?.name ?? ""
      call.args += t.function?.arguments ?? ""
    }
    if (choice.finish_reason) finish = choice.finish_reason
  }
  expect(ids.size).toBe(1) // one completion, one id
  return { text, reasoning, calls: calls.map((x) => ({ ...x, args: JSON.parse(x.args) as unknown })), finish, usage }
}

layer(M.layer, { excludeTestServices: true })("matrix: OpenAI chat client", (it) => {
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
