/**
 * The matrix through the official `@anthropic-ai/sdk` Messages client: every upstream, every
 * scenario, stream (the SDK's `messages.stream` accumulator) and non-stream (see matrix-support.ts).
 */
import Anthropic from "@anthropic-ai/sdk"
import type { MessageCreateParamsBase, MessageParam } from "@anthropic-ai/sdk/resources/messages"
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as M from "./matrix-support.js"

const finishes: Record<M.Finish, string> = { stop: "end_turn", tool_calls: "tool_use", length: "max_tokens" }

const messages = (scenario: M.Scenario): Array<MessageParam> => {
  const prompt = M.prompts[scenario]
  if (scenario === "image") {
    return [{
      role: "user",
      content: [{ type: "text", text: prompt }, { type: "image", source: { type: "base64", media_type: "image/png", data: M.PNG } }]
    }]
  }
  if (scenario === "roundtrip") {
    return [
      { role: "user", content: prompt },
      { role: "assistant", content: [{ type: "tool_use", id: M.history.claudeId, name: M.history.name, input: M.history.args }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: M.history.claudeId, content: M.history.result }] }
    ]
  }
  return [{ role: "user", content: prompt }]
}

const params = (c: M.Case): MessageCreateParamsBase => ({
  model: M.route[c.upstream].alias,
  max_tokens: 2048,
  messages: messages(c.scenario),
  ...(c.scenario === "tool" || c.scenario === "parallel" || c.scenario === "roundtrip"
    ? { tools: M.tools.map((t) => ({ name: t.name, description: t.description, input_schema: { ...t.parameters, required: [...t.parameters.required] } })) }
    : {}),
  ...(c.scenario === "reasoning" ? { thinking: { type: "enabled" as const, budget_tokens: 1024 } } : {})
})

const drive = (url: string) => async (c: M.Case): Promise<M.Seen> => {
  const client = new Anthropic({ baseURL: url, apiKey: M.CLIENT_KEY, maxRetries: 0 })
  const m = c.stream
    ? await client.messages.stream(params(c)).finalMessage()
    : await client.messages.create({ ...params(c), stream: false })
  // every thinking block carries a signature (Claude rejects unsigned thinking in later turns)
  for (const b of m.content) if (b.type === "thinking") expect(b.signature).not.toBe("")
  return {
    text: m.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join(""),
    reasoning: m.content.flatMap((b) => (b.type === "thinking" ? [b.thinking] : [])).join(""),
    calls: m.content.flatMap((b) => (b.type === "tool_use" ? [{ id: b.id, name: b.name, args: b.input }] : [])),
    finish: m.stop_reason ?? undefined,
    usage: { input: m.usage.input_tokens, output: m.usage.output_tokens }
  }
}

layer(M.layer, { excludeTestServices: true })("matrix: Claude client", (it) => {
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
