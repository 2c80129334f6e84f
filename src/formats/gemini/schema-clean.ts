/**
 * JSON-Schema cleaning for Gemini-bound tool schemas (spec/04 3.5.1, rules 32-34), and
 * the lower-casing of OpenAPI-style uppercase types that genai and Gemini CLI send.
 * Applied to a schema only, never to a whole request. Whether a key is a keyword or a
 * property name is decided by position: the values of `properties` are property schemas.
 */
import { isObject, type Json, type JsonObject, str } from "../json.js"

const HINT_KEYS = [
  "minLength",
  "maxLength",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "pattern",
  "minItems",
  "maxItems",
  "uniqueItems",
  "format",
  "default",
  "examples"
] as const

const DROP_KEYS: ReadonlySet<string> = new Set([
  ...HINT_KEYS,
  "$schema",
  "$defs",
  "definitions",
  "const",
  "$ref",
  "$id",
  "additionalProperties",
  "propertyNames",
  "patternProperties",
  "if",
  "then",
  "else",
  "$comment",
  "enumDescriptions",
  "enumTitles",
  "prefill",
  "deprecated",
  "encrypted",
  "nullable",
  "title",
  "anyOf",
  "oneOf",
  "allOf"
])

const show = (v: Json): string => (typeof v === "string" ? v : JSON.stringify(v))

const score = (s: JsonObject): number =>
  s.type === "object" || isObject(s.properties) ? 3 : s.type === "array" || s.items !== undefined ? 2 : s.type === "null" ? 0 : 1

interface Cleaned {
  readonly schema: JsonObject
  readonly nullable: boolean
}

const clean = (input: Json, isProperty: boolean): Cleaned => {
  if (!isObject(input)) return { schema: {}, nullable: false }
  const n: Record<string, Json> = { ...input }
  let desc = str(n.description) ?? ""
  const hint = (h: string) => {
    desc = desc === "" ? h : `${desc} (${h})`
  }
  let nullable = false
  const ref = str(n.$ref)
  if (ref !== undefined) {
    const name = ref.slice(ref.lastIndexOf("/") + 1)
    return { schema: { type: "object", description: desc === "" ? `See: ${name}` : `${desc} (See: ${name})` }, nullable }
  }
  if ("const" in n && !("enum" in n)) n.enum = [n.const as Json]
  if (Array.isArray(n.enum)) {
    const members = (n.enum as ReadonlyArray<Json>).filter((v) => v !== null).map(show)
    n.enum = members
    n.type = "string"
    if (members.length >= 2 && members.length <= 10) hint(`Allowed: ${members.join(", ")}`)
  }
  if (n.additionalProperties === false) hint("No extra properties allowed")
  for (const k of HINT_KEYS) if (k in n) hint(`${k}: ${show(n[k] as Json)}`)
  const props: Record<string, Json> = isObject(n.properties) ? { ...n.properties } : {}
  let required = Array.isArray(n.required) ? (n.required as ReadonlyArray<Json>).filter((r): r is string => typeof r === "string") : []
  for (const branch of [n.then, n.else]) {
    if (isObject(branch) && isObject(branch.properties)) {
      for (const [k, v] of Object.entries(branch.properties)) if (!(k in props)) props[k] = v
    }
  }
  if (Array.isArray(n.allOf)) {
    for (const b of n.allOf as ReadonlyArray<Json>) {
      if (!isObject(b)) continue
      if (isObject(b.properties)) for (const [k, v] of Object.entries(b.properties)) if (!(k in props)) props[k] = v
      if (Array.isArray(b.required)) for (const r of b.required) if (typeof r === "string" && !required.includes(r)) required.push(r)
      if (n.type === undefined && typeof b.type === "string") n.type = b.type
    }
  }
  const alts = Array.isArray(n.anyOf) ? n.anyOf : Array.isArray(n.oneOf) ? n.oneOf : undefined
  if (alts !== undefined) {
    const branches = (alts as ReadonlyArray<Json>).map((b) => clean(b, false).schema)
    const types = [...new Set(branches.flatMap((b) => (typeof b.type === "string" && b.type !== "null" ? [b.type] : [])))]
    if ((alts as ReadonlyArray<Json>).some((b) => isObject(b) && b.type === "null") && isProperty) nullable = true
    let best: JsonObject | undefined
    for (const b of branches) if (best === undefined || score(b) > score(best)) best = b
    if (best !== undefined) {
      const bestDesc = str(best.description)
      for (const [k, v] of Object.entries(best)) if (k !== "description") n[k] = v
      if (isObject(best.properties)) for (const [k, v] of Object.entries(best.properties)) if (!(k in props)) props[k] = v
      if (Array.isArray(best.required)) required = [...new Set([...required, ...best.required.filter((r): r is string => typeof r === "string")])]
      if (bestDesc !== undefined && bestDesc !== "") desc = desc === "" ? bestDesc : `${desc} ${bestDesc}`
    }
    if (types.length > 1) hint(`Accepts: ${types.join(" | ")}`)
  }
  if (Array.isArray(n.type)) {
    const all = (n.type as ReadonlyArray<Json>).filter((t): t is string => typeof t === "string")
    const nonNull = all.filter((t) => t !== "null")
    n.type = nonNull[0] ?? "string"
    if (nonNull.length > 1) hint(`Accepts: ${nonNull.join(" | ")}`)
    if (all.includes("null") && isProperty) nullable = true
  }
  const out: Record<string, Json> = {}
  for (const [k, v] of Object.entries(n)) {
    if (DROP_KEYS.has(k) || k.startsWith("x-") || k === "description" || k === "properties" || k === "required") continue
    if (k === "items") out.items = Array.isArray(v) ? clean(v[0] ?? {}, false).schema : clean(v, false).schema
    else out[k] = v
  }
  const nullableProps = new Set<string>()
  if (Object.keys(props).length > 0 || isObject(n.properties)) {
    const cleanedProps: Record<string, Json> = {}
    for (const [name, sub] of Object.entries(props)) {
      const c = clean(sub, true)
      cleanedProps[name] = c.schema
      if (c.nullable) nullableProps.add(name)
    }
    out.properties = cleanedProps
  }
  required = required.filter((r) => r in props && !nullableProps.has(r))
  if (required.length > 0) out.required = required
  if (nullable) desc = desc === "" ? "(nullable)" : `${desc} (nullable)`
  if (desc !== "") out.description = desc
  return { schema: out, nullable }
}

/** Cleans a tool-parameter schema for Gemini (spec/04 3.5.1). @category schema */
export const cleanSchema = (schema: Json): JsonObject => clean(schema, false).schema

/** Lower-cases OpenAPI-style `type` values (`OBJECT` -> `object`) by position. @category schema */
export const lowercaseTypes = (schema: Json): Json => {
  if (Array.isArray(schema)) return schema.map(lowercaseTypes)
  if (!isObject(schema)) return schema
  const out: Record<string, Json> = {}
  for (const [k, v] of Object.entries(schema)) {
    if (k === "type") out[k] = typeof v === "string" ? v.toLowerCase() : Array.isArray(v) ? v.map((t) => (typeof t === "string" ? t.toLowerCase() : t)) : v
    else if (k === "properties" && isObject(v)) {
      const props: Record<string, Json> = {}
      for (const [name, sub] of Object.entries(v)) props[name] = lowercaseTypes(sub)
      out[k] = props
    } else if (k === "items" || k === "anyOf" || k === "oneOf" || k === "allOf" || k === "additionalProperties") out[k] = lowercaseTypes(v)
    else out[k] = v
  }
  return out
}
