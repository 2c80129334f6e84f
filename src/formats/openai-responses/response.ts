/**
 * OpenAI Responses `response` objects (and the Codex `response.completed` payload) <->
 * IR responses (spec/04 4.3, 4.4, rules 69, 70, 82). Output items keep block order.
 */
import { Either } from "effect"
import { type DecodeError, invalidField } from "../errors.js"
import { emptyNameMap, fromWireName, type NameMap } from "../ids.js"
import type * as IR from "../ir.js"
import { arr, compact, defined, type Json, type JsonObject, num, obj, str } from "../json.js"
import { toEffort } from "../thinking.js"
import { decodeUsage, encodeUsage, finishFromStatus, statusOf, type ToolFacts } from "./schema.js"

/** Options for Responses decoders. @category decoding */
export interface DecodeOptions {
  /** Restores original tool names from Codex short names. */
  readonly names?: NameMap
}

const texts = (items: unknown): Array<string> =>
  (arr(items) ?? []).flatMap((s) => {
    const t = str(obj(s)?.text)
    return t === undefined ? [] : [t]
  })

/** Decodes one output item into IR parts. @category decoding */
export const decodeItem = (item: JsonObject, names: NameMap): Array<IR.Part> => {
  const itemId = str(item.id)
  switch (item.type) {
    case "reasoning": {
      const summary = texts(item.summary)
      const enc = str(item.encrypted_content)
      return [{
        type: "thinking",
        text: (summary.length > 0 ? summary : texts(item.content)).join("\n\n"),
        ...(enc !== undefined && enc !== "" ? { signature: enc, signatureProvider: "openai" as const } : {}),
        ...defined({ itemId })
      }]
    }
    case "message":
      return (arr(item.content) ?? []).flatMap((c): Array<IR.Part> => {
        const o = obj(c)
        const text = o?.type === "refusal" ? str(o.refusal) : str(o?.text)
        return text === undefined || text === "" ? [] : [{ type: "text", text }]
      })
    case "function_call":
    case "custom_tool_call":
      return [{
        type: "tool_call",
        id: str(item.call_id) ?? str(item.id) ?? "",
        name: fromWireName(names, str(item.name) ?? ""),
        kind: item.type === "custom_tool_call" ? "custom" : "function",
        arguments: item.type === "custom_tool_call" ? str(item.input) ?? "" : str(item.arguments) ?? "{}",
        ...defined({ namespace: str(item.namespace), itemId })
      }]
    default:
      return [{ type: "opaque", dialect: "openai-responses", value: item }]
  }
}

/** Decodes a Responses `response` object (or a `response.completed` event) into an IR response. @category decoding */
export const decodeResponse = (body: unknown, options: DecodeOptions = {}): Either.Either<IR.Response, DecodeError> => {
  const outer = obj(body)
  const b = obj(outer?.response) ?? outer
  if (b === undefined) return Either.left(invalidField("openai-responses", "body", "a JSON object"))
  const names = options.names ?? emptyNameMap
  const parts = (arr(b.output) ?? []).flatMap((i) => (obj(i) === undefined ? [] : decodeItem(obj(i) as JsonObject, names)))
  const usage = obj(b.usage)
  const finish = finishFromStatus(str(b.status), str(obj(b.incomplete_details)?.reason), parts.some((p) => p.type === "tool_call"))
  return Either.right({
    id: str(b.id) ?? "",
    model: str(b.model) ?? "",
    parts,
    finish,
    ...defined({ created: num(b.created_at), usage: usage === undefined ? undefined : decodeUsage(usage) })
  })
}

/** The request fields a Responses object echoes (rule 69), from the original client request. @category encoding */
export const echoFields = (req: IR.Request | undefined): JsonObject => {
  if (req === undefined) return {}
  const instructions = req.system.filter((s) => s.source === "instructions").map((s) => s.text).join("\n\n")
  const r = req.reasoning
  return compact({
    instructions: instructions === "" ? null : instructions,
    max_output_tokens: req.sampling.maxOutputTokens ?? null,
    max_tool_calls: req.meta.maxToolCalls,
    parallel_tool_calls: req.parallelToolCalls ?? true,
    previous_response_id: req.meta.previousResponseId ?? null,
    prompt_cache_key: req.meta.promptCacheKey,
    reasoning: r === undefined ? undefined : compact({ effort: toEffort(r), summary: r.summary }),
    safety_identifier: req.meta.safetyIdentifier,
    service_tier: req.meta.serviceTier,
    store: req.meta.store,
    temperature: req.sampling.temperature,
    top_p: req.sampling.topP,
    top_logprobs: req.sampling.topLogprobs,
    truncation: req.meta.truncation,
    user: req.meta.user,
    metadata: req.meta.metadata ?? {}
  })
}

/** Options for Responses encoders. @category encoding */
export interface EncodeOptions {
  /** Model to report: the client's requested model. */
  readonly model?: string
  /** Creation time (unix seconds) when the upstream gives none. */
  readonly created?: number
  /** The client's original request, for echoed fields. */
  readonly request?: IR.Request
  /** Tool facts: which calls are custom tool calls, and their namespaces. */
  readonly tools?: ToolFacts
}

/** One IR part as an output item (ids derived from the response id, spec/04 4.3). @category encoding */
export const encodeItem = (p: IR.Part, responseId: string, n: number, tools: ToolFacts | undefined): JsonObject | undefined => {
  switch (p.type) {
    case "thinking":
      return compact({
        id: p.itemId ?? `rs_${responseId}_${n}`,
        type: "reasoning",
        summary: p.text === "" ? [] : [{ type: "summary_text", text: p.text }],
        encrypted_content: p.signatureProvider === "openai" ? p.signature : undefined
      })
    case "text":
      return {
        id: `msg_${responseId}_${n}`,
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", annotations: [], logprobs: [], text: p.text }]
      }
    case "tool_call": {
      const custom = p.kind === "custom" || tools?.custom.has(p.name) === true
      const namespace = p.namespace ?? (custom ? tools?.custom.get(p.name) : tools?.namespaces.get(p.name))
      const input = p.kind === "custom" ? p.arguments : custom ? unwrapInput(p.arguments) : p.arguments
      return custom
        ? compact({ id: `ctc_${p.id}`, type: "custom_tool_call", status: "completed", call_id: p.id, name: p.name, input, namespace })
        : compact({ id: `fc_${p.id}`, type: "function_call", status: "completed", arguments: p.arguments, call_id: p.id, name: p.name, namespace })
    }
    case "opaque":
      return p.dialect === "openai-responses" ? obj(p.value) : undefined
    default:
      return undefined
  }
}

/** A freeform tool's input when it came back as a function call `{"input": "..."}`. @category encoding */
export const unwrapInput = (args: string): string => {
  try {
    const v = JSON.parse(args) as Json
    const input = obj(v)?.input
    return typeof input === "string" ? input : args
  } catch {
    return args
  }
}

/** Encodes an IR response as a Responses `response` object. @category encoding */
export const encodeResponse = (res: IR.Response, options: EncodeOptions = {}): JsonObject => {
  const id = res.id === "" ? "resp_proxy" : res.id
  const output: Array<Json> = []
  res.parts.forEach((p, n) => {
    const item = encodeItem(p, id, n, options.tools)
    if (item !== undefined) output.push(item)
  })
  const { status, incomplete } = statusOf(res.finish)
  return compact({
    id,
    object: "response",
    created_at: res.created ?? options.created ?? 0,
    status,
    background: false,
    error: status === "failed" ? { code: "server_error", message: res.finish.native ?? "upstream error" } : null,
    incomplete_details: incomplete === undefined ? null : { reason: incomplete },
    ...echoFields(options.request),
    model: options.model ?? res.model,
    output,
    usage: encodeUsage(res.usage)
  })
}
