/**
 * The matrix through the official `@google/genai` SDK (`/v1beta/models/{model}:generateContent`
 * and `:streamGenerateContent?alt=sse`): every upstream, every scenario, stream and non-stream
 * (see matrix-support.ts). Gemini has no tool-calls finish reason (a call ends with STOP), and
 * its function calls need no id: the round trip ties a response to its call by name.
 */
import { type Content, type GenerateContentParameters, type GenerateContentResponse, GoogleGenAI, Type } from "@google/genai"
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as M from "./matrix-support.js"

const finishes: Record<M.Finish, string> = { stop: "STOP", tool_calls: "STOP", length: "MAX_TOKENS" }

const contents = (scenario: M.Scenario): Array<Content> => {
  const prompt = M.prompts[scenario]
  if (scenario === "image") return [{ role: "user", parts: [{ text: prompt }, { inlineData: { mimeType: "image/png", data: M.PNG } }] }]
  if (scenario === "roundtrip") {
    return [
      { role: "user", parts: [{ text: prompt }] },
      { role: "model", parts: [{ functionCall: { name: M.history.name, args: M.history.args } }] },
      { role: "user", parts: [{ functionResponse: { name: M.history.name, response: { result: M.history.result } } }] }
    ]
  }
  return [{ role: "user", parts: [{ text: prompt }] }]
}

const params = (c: M.Case): GenerateContentParameters => ({
  model: M.route[c.upstream].alias,
  contents: contents(c.scenario),
  config: {
    ...(c.scenario === "tool" || c.scenario === "parallel" || c.scenario === "roundtrip"
      ? {
        tools: [{
          functionDeclarations: M.tools.map((t) => ({
            name: t.name,
            description: t.description,
            parameters: {
              type: Type.OBJECT,
              properties: Object.fromEntries(Object.keys(t.parameters.properties).map((k) => [k, { type: Type.STRING }])),
              required: [...t.parameters.required]
            }
          }))
        }]
      }
      : {}),
    ...(c.scenario === "reasoning" ? { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } } : {})
  }
})

/** Folds responses (one, or a stream's chunks) into what the client saw. */
const fold = (responses: ReadonlyArray<GenerateContentResponse>): M.Seen => {
  let text = ""
  let reasoning = ""
  let finish: string | undefined
  let usage: M.Seen["usage"]
  const calls: Array<{ id: string | undefined; name: string; args: unknown }> = []
  for (const r of responses) {
    const candidate = r.candidates?.[0]
    for (const p of candidate?.content?.parts ?? []) {
      if (p.thought === true) reasoning += p.text ?? ""
      else if (p.text !== undefined) text += p.text
      if (p.functionCall) calls.push({ id: p.functionCall.id, name: p.functionCall.name ?? "", args: p.functionCall.args })
    }
    if (candidate?.finishReason) finish = candidate.finishReason
    const u = r.usageMetadata
    if (u?.candidatesTokenCount !== undefined) {
      usage = { input: u.promptTokenCount ?? 0, output: u.candidatesTokenCount + (u.thoughtsTokenCount ?? 0) }
    }
  }
  return { text, reasoning, calls, finish, usage }
}

const drive = (url: string) => async (c: M.Case): Promise<M.Seen> => {
  const ai = new GoogleGenAI({ apiKey: M.CLIENT_KEY, httpOptions: { baseUrl: url } })
  if (!c.stream) return fold([await ai.models.generateContent(params(c))])
  const chunks: Array<GenerateContentResponse> = []
  for await (const chunk of await ai.models.generateContentStream(params(c))) chunks.push(chunk)
  return fold(chunks)
}

layer(M.layer, { excludeTestServices: true })("matrix: Gemini client", (it) => {
  for (const c of M.cases()) {
    it.effect(M.caseName(c), () =>
      M.Matrix.pipe(
        Effect.flatMap(({ url }) =>
          M.runCase(c, drive(url), (seen) => {
            M.checkClient(c, seen, finishes)
            // deliberate: like the Gemini API's own generateContent, answers carry calls without ids
            expect(seen.calls.map((x) => x.id)).toEqual(seen.calls.map(() => undefined))
          })
        )
      ))
  }
})
