import type { IncomingHttpHeaders } from "node:http"
import type { Config } from "../config/schema.js"
import type { JsonObject } from "../formats/json.js"
import type { Dialect } from "../http/dialect.js"
import type { CallFormat, GeminiAction } from "../http/routes.js"
import type { RequestRecord } from "../logging/request-log.js"

/** One parsed model call, as the front door hands it to the pipeline. @category models */
export interface ModelCall {
  readonly format: CallFormat
  readonly dialect: Dialect
  readonly action?: GeminiAction
  /** The model as the client named it (path for Gemini, body otherwise). */
  readonly model: string
  readonly stream: boolean
  /** The client's original bytes, forwarded as they are on the passthrough path. */
  readonly body: Buffer
  readonly json: JsonObject
  readonly headers: IncomingHttpHeaders
  readonly query: URLSearchParams
  /** The non-secret id of the client key that authenticated the call. */
  readonly keyId?: string
  /** That key shown by its ends (`sk-1...abcd`), for usage statistics. */
  readonly keyMask?: string
  /** The call's request-log record, when `request-log` is on. */
  readonly record?: RequestRecord
  /** The config in force when the call arrived; the whole call runs under it. */
  readonly config: Config
}

/** Whether a call streams, by each dialect's rule (spec/01 §3.3, §3.6, §3.10). @category parsing */
export const isStreaming = (format: CallFormat, action: GeminiAction | undefined, json: Readonly<Record<string, unknown>>): boolean => {
  switch (format) {
    case "claude":
      // Anthropic: anything but an absent or false `stream` streams
      return "stream" in json && json.stream !== false
    case "gemini":
    case "gemini-cli":
      return action === "streamGenerateContent"
    case "claude-count-tokens":
      return false
    default:
      return json.stream === true
  }
}
