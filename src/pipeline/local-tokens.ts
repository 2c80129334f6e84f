import * as Effect from "effect/Effect"
import type * as IR from "../formats/ir.js"

// The tokenizer's tables cost ~70 MB of RSS: loaded on the first local count, not at start.
let tokenizer: Promise<typeof import("gpt-tokenizer")> | undefined
const loadTokenizer = Effect.promise(() => (tokenizer ??= import("gpt-tokenizer")))

const partText = (p: IR.Part): string => {
  switch (p.type) {
    case "text":
    case "thinking":
      return p.text
    case "tool_call":
      return `${p.name} ${p.arguments}`
    case "tool_result":
      return p.content.map((c) => (c.type === "text" ? c.text : c.type === "json" ? JSON.stringify(c.value) : "")).join("\n")
    default:
      return ""
  }
}

const toolText = (t: IR.Tool): string =>
  t.type === "function" ? `${t.name} ${t.description ?? ""} ${t.parameters === undefined ? "" : JSON.stringify(t.parameters)}` : ""

/**
 * Counts a request's input tokens locally with the o200k tokenizer (GPT-4o/GPT-5 family),
 * for upstreams that have no counting endpoint (Codex, OpenAI-compatible).
 * @category counting
 */
export const countLocally = (req: IR.Request): Effect.Effect<number> =>
  Effect.map(loadTokenizer, ({ countTokens }) => {
    const texts: Array<string> = []
    for (const s of req.system) texts.push(s.text)
    for (const m of req.messages) for (const p of m.parts) texts.push(partText(p))
    for (const t of req.tools) texts.push(toolText(t))
    return countTokens(texts.filter((t) => t !== "").join("\n"))
  })
