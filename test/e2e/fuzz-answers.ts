/**
 * What the route fuzz test accepts as an answer: a well-formed error in the route's dialect
 * (4xx/5xx, JSON, never empty, never the front door's "Internal error" that marks a crash),
 * or a valid answer (JSON or a complete event stream) in the route's shape.
 */
import { parseAll, type SseEvent } from "../../src/formats/sse.js"
import { chatViolations, claudeViolations, geminiViolations, responsesViolations } from "../formats/validators.js"
import type { FuzzRoute } from "./fuzz-bodies.js"

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v)
const str = (v: unknown) => typeof v === "string"

/** The error dialect of a route. @internal */
export const dialectOf = (route: FuzzRoute): "openai" | "claude" | "gemini" =>
  route === "messages" || route === "count_tokens" ? "claude"
  : route === "chat" || route === "completions" || route === "responses" ? "openai"
  : "gemini"

const errorProblem = (route: FuzzRoute, status: number, body: unknown): string | undefined => {
  if (!isObj(body)) return "error body is not a JSON object"
  const e = body.error
  if (!isObj(e)) return "no error object"
  switch (dialectOf(route)) {
    case "openai":
      if (!str(e.message) || !str(e.type)) return "not an OpenAI error {error:{message,type}}"
      break
    case "claude":
      if (body.type !== "error" || !str(e.type) || !str(e.message)) return "not a Claude error {type:error,error:{type,message}}"
      break
    case "gemini":
      if (e.code !== status || !str(e.message) || !str(e.status)) return "not a Gemini error {error:{code,message,status}}"
      break
  }
  // the front door's last resort: a defect (crash) in src, rendered so the client is not left empty
  if (status === 500 && String(e.message).startsWith("Internal error")) return `crash: ${String(e.message)}`
  return undefined
}

const jsonProblem = (route: FuzzRoute, b: unknown): string | undefined => {
  const ok = (() => {
    switch (route) {
      case "chat":
        return isObj(b) && b.object === "chat.completion" && Array.isArray(b.choices) && b.choices.length > 0
      case "completions":
        return isObj(b) && b.object === "text_completion" && Array.isArray(b.choices)
      case "responses":
        return isObj(b) && b.object === "response" && Array.isArray(b.output)
      case "messages":
        return isObj(b) && b.type === "message" && Array.isArray(b.content)
      case "count_tokens":
        return isObj(b) && typeof b.input_tokens === "number"
      case "generateContent":
        return isObj(b) && Array.isArray(b.candidates)
      case "streamGenerateContent":
        // without alt=sse Google streams one JSON array of responses
        return Array.isArray(b) && b.length > 0 && b.every((x) => isObj(x) && (Array.isArray(x.candidates) || isObj(x.error)))
      case "countTokens":
        return isObj(b) && typeof b.totalTokens === "number"
    }
  })()
  return ok ? undefined : `200 JSON is not a ${route} answer`
}

const parseData = (e: SseEvent): unknown => (e.data === "[DONE]" ? "[DONE]" : JSON.parse(e.data))

/** The last event is an error: `{"error": {...}}` (chat) or `{"type": "error", "message"}` (Responses). */
const erroredLast = (events: ReadonlyArray<SseEvent>): boolean => {
  const last = events[events.length - 1]
  const d = last === undefined ? undefined : parseData(last)
  return isObj(d) && (isObj(d.error) || (d.type === "error" && str(d.message)))
}

const streamProblem = (route: FuzzRoute, events: Array<SseEvent>): string | undefined => {
  let v: Array<string>
  switch (route) {
    case "chat": {
      const usageOnly = (e: SseEvent) => {
        const d = parseData(e)
        return isObj(d) && Array.isArray(d.choices) && d.choices.length === 0
      }
      v = chatViolations(events.filter((e) => !usageOnly(e)))
      // an upstream that broke off mid-stream: the error chunk ends it (the SDK throws on it; [DONE] is optional)
      if (erroredLast(events.filter((e) => e.data !== "[DONE]"))) v = v.filter((p) => !p.includes("[DONE]"))
      break
    }
    case "completions": {
      v = []
      const chunks = events.filter((e) => e.data !== "[DONE]")
      // [DONE] ends the stream, or an error chunk when the upstream broke off
      if (events[events.length - 1]?.data !== "[DONE]" && !erroredLast(chunks)) v.push("[DONE] is not last")
      for (const d of chunks.map(parseData)) {
        if (!isObj(d) || (d.object !== "text_completion" && !isObj(d.error))) v.push("chunk is not a text_completion")
      }
      break
    }
    case "responses": {
      // an upstream that broke off mid-stream: the API's `error` event ends it instead of a terminal event
      const broke = events[events.length - 1]?.event === "error" && erroredLast(events)
      const body = broke ? events.slice(0, -1) : events
      v = responsesViolations(body).filter((p) => !p.includes("sequence_number") && !(broke && p === "no terminal event"))
      const seq = body.map(parseData).map((d) => (isObj(d) ? d.sequence_number : undefined))
      if (!seq.every((n, i) => i === 0 || n === (seq[i - 1] as number) + 1)) v.push("sequence numbers do not count up by one")
      break
    }
    case "messages":
      v = claudeViolations(events.filter((e) => e.event !== "ping"))
      break
    case "streamGenerateContent":
      v = geminiViolations(events)
      break
    default:
      v = [`${route} answered with a stream`]
  }
  return v.length === 0 ? undefined : v.slice(0, 3).join("; ")
}

/** Why an answer is not acceptable, or undefined when it is. @internal */
export const answerProblem = (route: FuzzRoute, status: number, contentType: string, body: Buffer): string | undefined => {
  const text = body.toString("utf8")
  try {
    if (status >= 400 && status <= 599) {
      if (body.length === 0) return `empty ${status}`
      if (!contentType.startsWith("application/json")) return `${status} with content-type ${contentType}`
      return errorProblem(route, status, JSON.parse(text))
    }
    if (status !== 200) return `status ${status}`
    if (contentType.startsWith("text/event-stream")) return streamProblem(route, parseAll(text))
    if (contentType.startsWith("application/json")) return jsonProblem(route, JSON.parse(text))
    return `200 with content-type ${contentType}`
  } catch (e) {
    return `unreadable ${status} answer (${String(e)})`
  }
}
