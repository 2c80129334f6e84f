/**
 * Token-count answers per client dialect (spec/04 section 6): Claude
 * `{input_tokens}`, Gemini `{totalTokens, promptTokensDetails}`; and reading a count from
 * an upstream's answer.
 */
import type { Dialect } from "./ir.js"
import { type JsonObject, num, obj } from "./json.js"

/** The count-tokens body a client of `dialect` expects (OpenAI dialects have none). @category encoding */
export const encodeCount = (dialect: Dialect, n: number): JsonObject | undefined =>
  dialect === "claude"
    ? { input_tokens: n }
    : dialect === "gemini"
    ? { totalTokens: n, promptTokensDetails: [{ modality: "TEXT", tokenCount: n }] }
    : undefined

/** The count in an upstream count-tokens answer (Claude `input_tokens`, Gemini `totalTokens`). @category decoding */
export const decodeCount = (body: unknown): number | undefined => {
  const b = obj(body)
  return num(b?.input_tokens) ?? num(b?.totalTokens) ?? num(obj(b?.response)?.totalTokens)
}
