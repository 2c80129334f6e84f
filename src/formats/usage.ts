/**
 * Token usage read straight from an upstream payload in its own dialect: a whole response,
 * or one stream event. The usage meter reads passthrough answers with it, which are
 * forwarded as bytes and never decoded in full.
 */
import * as ClaudeSchema from "./claude/schema.js"
import * as GeminiSchema from "./gemini/schema.js"
import type * as IR from "./ir.js"
import { mergeUsage } from "./ir.js"
import { type JsonObject, obj, tryParse } from "./json.js"
import * as Chat from "./openai-chat/response.js"
import * as ResponsesSchema from "./openai-responses/schema.js"
import { makeByteParser } from "./sse.js"

/** The usage a payload reports, if any. @category usage */
export const usageOf = (dialect: IR.Dialect, payload: JsonObject): IR.Usage | undefined => {
  switch (dialect) {
    case "openai-chat": {
      const u = obj(payload.usage)
      return u === undefined ? undefined : Chat.decodeUsage(u)
    }
    case "openai-responses": {
      // a whole response, or a stream event carrying one (response.completed ...)
      const u = obj(payload.usage) ?? obj(obj(payload.response)?.usage)
      return u === undefined ? undefined : ResponsesSchema.decodeUsage(u)
    }
    case "claude": {
      // message_delta and whole responses carry it at the top; message_start under `message`
      const u = obj(payload.usage) ?? obj(obj(payload.message)?.usage)
      return u === undefined ? undefined : ClaudeSchema.decodeUsage(u)
    }
    case "gemini": {
      const u = obj(GeminiSchema.unwrapResponse(payload)?.usageMetadata)
      return u === undefined ? undefined : GeminiSchema.decodeUsage(u)
    }
  }
}

/** Usage from a whole response body, if it is JSON and reports any. @category usage */
export const usageOfBody = (dialect: IR.Dialect, bytes: Buffer | string): IR.Usage | undefined => {
  const json = obj(tryParse(typeof bytes === "string" ? bytes : bytes.toString("utf8")))
  return json === undefined ? undefined : usageOf(dialect, json)
}

/** Follows a stream's usage across all its events (later reports win), without decoding the rest. @category models */
export interface UsageScanner {
  readonly step: (chunk: Uint8Array) => void
  readonly usage: () => IR.Usage | undefined
}

/**
 * A scanner for a passthrough stream: SSE framing, and only the events that mention usage
 * are parsed (a cheap substring test keeps text deltas free).
 * @category constructors
 */
export const makeUsageScanner = (dialect: IR.Dialect): UsageScanner => {
  const parser = makeByteParser()
  let usage: IR.Usage | undefined
  return {
    step: (chunk) => {
      for (const e of parser.step(chunk)) {
        if (!e.data.includes("sage")) continue
        const json = obj(tryParse(e.data))
        if (json !== undefined) usage = mergeUsage(usage, usageOf(dialect, json))
      }
    },
    usage: () => usage
  }
}
