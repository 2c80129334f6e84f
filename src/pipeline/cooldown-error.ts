import type { AllCoolingDown } from "../credentials/credential-pool.js"
import type * as IR from "../formats/ir.js"
import { ApiError } from "../http/errors.js"

/** Go's duration text, rounded to whole seconds: `1s`, `45s`, `1m30s`, `30m0s`, `1h0m0s`. @category formatting */
export const goDuration = (seconds: number): string => {
  const s = Math.max(1, Math.ceil(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const r = s % 60
  return h > 0 ? `${h}h${m}m${r}s` : m > 0 ? `${m}m${r}s` : `${r}s`
}

/**
 * Every credential is cooling down: 429 with Retry-After. OpenAI-dialect clients get the Go
 * version's `model_cooldown` body; Claude and Gemini clients get it in their own shape.
 * @category errors
 */
export const cooldownError = (e: AllCoolingDown, dialect: IR.Dialect): ApiError => {
  const seconds = Math.max(1, Math.ceil((e.resetAt - e.now) / 1000))
  const message = `All credentials for model ${e.model} are cooling down${e.provider ? ` via provider ${e.provider}` : ""}`
  const openAi = dialect === "openai-chat" || dialect === "openai-responses"
  return new ApiError({
    status: 429,
    kind: "rate_limit",
    code: "model_cooldown",
    message,
    headers: { "retry-after": String(seconds) },
    ...(openAi
      ? {
        raw: JSON.stringify({
          error: {
            code: "model_cooldown",
            message,
            type: "rate_limit_error",
            model: e.model,
            reset_time: goDuration(seconds),
            reset_seconds: seconds,
            ...(e.provider ? { provider: e.provider } : {})
          }
        })
      }
      : {})
  })
}
