/**
 * JSON value types and the lenient helpers every codec shares: guards, safe parsing,
 * and the single-quote repair that some OpenAI-compatible servers need (spec/04 rule 9).
 */

/** A JSON value. @category models */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | JsonObject

/** A JSON object. @category models */
export interface JsonObject {
  readonly [key: string]: Json
}

/** True for a plain JSON object (not an array, not null). @category guards */
export const isObject = (u: unknown): u is JsonObject =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** The value as an object, or undefined. @category accessors */
export const obj = (u: unknown): JsonObject | undefined => (isObject(u) ? u : undefined)

/** The value as an array, or undefined. @category accessors */
export const arr = (u: unknown): ReadonlyArray<Json> | undefined =>
  Array.isArray(u) ? (u as ReadonlyArray<Json>) : undefined

/** The value as a string, or undefined. @category accessors */
export const str = (u: unknown): string | undefined => (typeof u === "string" ? u : undefined)

/** The value as a finite number, or undefined. @category accessors */
export const num = (u: unknown): number | undefined =>
  typeof u === "number" && Number.isFinite(u) ? u : undefined

/** The value as a boolean, or undefined. @category accessors */
export const bool = (u: unknown): boolean | undefined => (typeof u === "boolean" ? u : undefined)

/** Parses JSON text, returning undefined instead of throwing. @category parsing */
export const tryParse = (text: string): Json | undefined => {
  try {
    return JSON.parse(text) as Json
  } catch {
    return undefined
  }
}

/** True when the text is valid JSON (rule 8: never embed raw text that does not parse). @category parsing */
export const isJsonText = (text: string): boolean => tryParse(text) !== undefined

/**
 * Rewrites single-quoted strings to double-quoted ones outside of double-quoted strings,
 * escaping embedded double quotes, so `{'x': 'y'}` becomes `{"x": "y"}`.
 * @category parsing
 */
export const fixSingleQuotes = (text: string): string => {
  let out = ""
  let mode: "none" | "double" | "single" = "none"
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (mode === "double") {
      out += c
      if (c === "\\" && i + 1 < text.length) out += text[++i]
      else if (c === "\"") mode = "none"
    } else if (mode === "single") {
      if (c === "\\" && i + 1 < text.length) {
        const n = text[++i] as string
        out += n === "'" ? "'" : "\\" + n
      } else if (c === "'") {
        out += "\""
        mode = "none"
      } else if (c === "\"") out += "\\\""
      else out += c
    } else {
      if (c === "\"") mode = "double"
      else if (c === "'") {
        mode = "single"
        out += "\""
        continue
      }
      out += c
    }
  }
  return out
}

/**
 * Parses tool-call arguments tolerantly (spec/04 rules 9 and 10): strict JSON, then the
 * single-quote repair; `null`, empty and unparseable text become `{}`.
 * @category parsing
 */
export const parseArguments = (text: string | undefined): Json => {
  if (text === undefined || text.trim() === "") return {}
  const strict = tryParse(text)
  if (strict !== undefined) return strict === null ? {} : strict
  const repaired = tryParse(fixSingleQuotes(text))
  return repaired === undefined || repaired === null ? {} : repaired
}

/** Arguments text normalised to valid JSON text (`{}` when it cannot be repaired). @category parsing */
export const normalizeArgumentsText = (text: string | undefined): string => {
  if (text !== undefined && text.trim() !== "" && isJsonText(text)) return text
  return JSON.stringify(parseArguments(text))
}

/** A JSON object from entries, leaving out the undefined ones. @category constructors */
export const compact = (o: { readonly [key: string]: Json | undefined }): JsonObject => {
  const out: Record<string, Json> = {}
  for (const k in o) {
    const v = o[k]
    if (v !== undefined) out[k] = v
  }
  return out
}

/** The defined entries of an object, typed for spreading into optional properties. @category constructors */
export const defined = <T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } => {
  const out: Record<string, unknown> = {}
  for (const k in o) {
    const v = (o as Record<string, unknown>)[k]
    if (v !== undefined) out[k] = v
  }
  return out as { [K in keyof T]?: Exclude<T[K], undefined> }
}
