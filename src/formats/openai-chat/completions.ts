/**
 * Legacy `POST /v1/completions` over the chat codec (spec/04 1.1): the prompt becomes one
 * user message; answers are turned back into `text_completion` objects and chunks.
 */
import { Either } from "effect"
import { type DecodeError, invalidField } from "../errors.js"
import type * as IR from "../ir.js"
import { arr, compact, type JsonObject, obj, str, tryParse } from "../json.js"
import type { SseEvent } from "../sse.js"
import type { Transducer } from "../transducer.js"
import { decodeRequest as decodeChat } from "./request.js"
import { encodeResponse as encodeChat, type EncodeResponseOptions } from "./response.js"

const COPIED = ["model", "max_tokens", "temperature", "top_p", "frequency_penalty", "presence_penalty", "stop", "stream", "stream_options", "logprobs", "top_logprobs", "n", "seed", "user"]

/** Decodes a completions request: `prompt` (default "Complete this:") as one user message. @category decoding */
export const decodeRequest = (body: unknown): Either.Either<IR.Request, DecodeError> => {
  const b = obj(body)
  if (b === undefined) return Either.left(invalidField("openai-chat", "body", "a JSON object"))
  const prompt = typeof b.prompt === "string"
    ? b.prompt
    : arr(b.prompt)?.filter((p): p is string => typeof p === "string").join("\n") ?? ""
  const chat: Record<string, unknown> = { messages: [{ role: "user", content: prompt === "" ? "Complete this:" : prompt }] }
  for (const k of COPIED) if (b[k] !== undefined) chat[k] = b[k]
  // `logprobs` is a number in completions and a boolean in chat.
  if (typeof b.logprobs === "number") {
    chat.logprobs = true
    chat.top_logprobs = b.logprobs
  }
  return decodeChat(chat)
}

/** Encodes an IR response as a `text_completion` body. @category encoding */
export const encodeResponse = (res: IR.Response, options: EncodeResponseOptions = {}): JsonObject => {
  const chat = encodeChat(res, options)
  const choice = obj(arr(chat.choices)?.[0])
  return compact({
    id: str(chat.id) ?? "",
    object: "text_completion",
    created: chat.created,
    model: chat.model,
    choices: [{ index: 0, text: str(obj(choice?.message)?.content) ?? "", finish_reason: choice?.finish_reason ?? "stop", logprobs: null }],
    usage: chat.usage
  })
}

/**
 * Re-shapes chat chunks (the chat stream encoder's output) into completion chunks; chunks
 * with neither text nor a finish reason are dropped, `[DONE]` passes through.
 * @category encoding
 */
export const makeChunkAdapter = (): Transducer<SseEvent, SseEvent> => ({
  step: (ev) => {
    if (ev.data === "[DONE]") return [ev]
    const c = obj(tryParse(ev.data))
    if (c === undefined || c.error !== undefined) return [ev]
    const choice = obj(arr(c.choices)?.[0])
    const text = str(obj(choice?.delta)?.content) ?? ""
    const finish = str(choice?.finish_reason)
    if (text === "" && (finish === undefined || finish === "")) return []
    return [{
      data: JSON.stringify(compact({
        id: str(c.id) ?? "",
        object: "text_completion",
        created: c.created,
        model: c.model,
        choices: [{ index: 0, text, finish_reason: finish ?? null, logprobs: null }],
        usage: c.usage
      }))
    }]
  },
  flush: () => []
})
