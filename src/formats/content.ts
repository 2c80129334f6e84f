/**
 * Content helpers shared by codecs: data URLs, tool-result flattening (rules 11-13),
 * system-text filtering (rule 41) and request-scoped tool facts.
 */
import type { FilePart, ImagePart, MediaSource, Request, ToolResultContent } from "./ir.js"
import { isJsonText, type Json, tryParse } from "./json.js"

/** Parses `data:<mime>;base64,<data>` into a base64 source; other URLs stay URLs. @category media */
export const sourceFromUrl = (url: string, fallbackMime = "application/octet-stream"): MediaSource => {
  const m = /^data:([^;,]*)(?:;[^,]*)?,(.*)$/s.exec(url)
  if (m !== null) return { kind: "base64", mime: m[1] === "" ? fallbackMime : (m[1] as string), data: m[2] as string }
  return { kind: "url", url }
}

/** A data URL or plain URL for a media source. @category media */
export const sourceToUrl = (s: MediaSource): string => (s.kind === "base64" ? `data:${s.mime};base64,${s.data}` : s.url)

/** Joined text of a tool result's text and JSON parts (`\n\n` between blocks, rule 11). @category tools */
export const toolResultText = (content: ReadonlyArray<ToolResultContent>): string =>
  content
    .filter((c) => c.type === "text" || c.type === "json")
    .map((c) => (c.type === "text" ? c.text : typeof c.value === "string" ? c.value : JSON.stringify(c.value)))
    .join("\n\n")

/** True when a tool result carries images or files. @category tools */
export const toolResultHasMedia = (content: ReadonlyArray<ToolResultContent>): boolean =>
  content.some((c) => c.type === "image" || c.type === "file")

/** Tool-result content from a string: kept as text (rule 8 decides JSON-ness later). @category tools */
export const textResult = (text: string): ReadonlyArray<ToolResultContent> => [{ type: "text", text }]

/**
 * The value to embed as Gemini `functionResponse.response.result` (rule 12): a string as a
 * string unless it is valid JSON, one non-media block raw, several as an array.
 */
export const toolResultValue = (content: ReadonlyArray<ToolResultContent>): Json => {
  const blocks = content.filter((c) => c.type !== "image" && c.type !== "file")
  const one = (c: ToolResultContent): Json => {
    if (c.type === "json") return c.value
    if (c.type === "text") {
      const t = c.text.trim()
      if ((t.startsWith("{") || t.startsWith("[")) && isJsonText(t)) return tryParse(t) ?? c.text
      return c.text
    }
    return null
  }
  if (blocks.length === 0) return ""
  if (blocks.length === 1) return one(blocks[0] as ToolResultContent)
  return blocks.map(one)
}

/** Images and files of a tool result. @category tools */
export const toolResultMedia = (content: ReadonlyArray<ToolResultContent>): ReadonlyArray<ImagePart | FilePart> =>
  content.filter((c): c is ImagePart | FilePart => c.type === "image" || c.type === "file")

/** Claude Code attribution text, stripped for non-Anthropic targets (rule 41). @category system */
export const isBillingHeader = (text: string): boolean => text.trimStart().startsWith("x-anthropic-billing-header:")

/** The tool-call id -> name map of a conversation, for naming results (rules 19-20). @category tools */
export const callNames = (req: Request): ReadonlyMap<string, string> => {
  const m = new Map<string, string>()
  for (const msg of req.messages) for (const p of msg.parts) if (p.type === "tool_call") m.set(p.id, p.name)
  return m
}

/** Names of the request's custom (freeform) tools. @category tools */
export const customToolNames = (req: Request): ReadonlySet<string> =>
  new Set(req.tools.flatMap((t) => (t.type === "custom" ? [t.name] : [])))

/** The schema given to a function tool without parameters (rule 31). @category tools */
export const emptyObjectSchema: Json = { type: "object", properties: {} }

/** The function-tool schema standing in for a freeform tool in dialects without them. @category tools */
export const customToolSchema: Json = {
  type: "object",
  properties: { input: { type: "string", description: "The raw tool input." } },
  required: ["input"]
}
