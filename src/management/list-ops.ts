/**
 * The list edits of the management API (spec/03 A.3, A.5) as pure functions over the
 * list's current JSON: each gives the new list, or the refusal to answer. Unlike the Go
 * version, a missing item is a 404 everywhere.
 */
import * as Either from "effect/Either"
import type { Refusal } from "./access.js"

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v)
const invalid: Refusal = { status: 400, error: "invalid body" }
const notFound: Refusal = { status: 404, error: "item not found" }

/** The items of a list PUT: a raw JSON array, or `{"items": [...]}` with at least one item. @category bodies */
export const putItems = (body: unknown): Either.Either<ReadonlyArray<unknown>, Refusal> => {
  if (Array.isArray(body)) return Either.right(body)
  const items = isObj(body) ? body.items : undefined
  return Array.isArray(items) && items.length > 0 ? Either.right(items) : Either.left(invalid)
}

/** Every item a string, or the refusal. @category bodies */
export const strings = (items: ReadonlyArray<unknown>): Either.Either<ReadonlyArray<string>, Refusal> =>
  items.every((i) => typeof i === "string") ? Either.right(items as ReadonlyArray<string>) : Either.left(invalid)

const inRange = (index: unknown, length: number): index is number => Number.isInteger(index) && (index as number) >= 0 && (index as number) < length

/** PATCH of a string list: `{index, value}` replaces at an index, `{old, new}` replaces a value. @category strings */
export const patchString = (list: ReadonlyArray<string>, body: unknown): Either.Either<ReadonlyArray<string>, Refusal> => {
  if (!isObj(body)) return Either.left(invalid)
  if (body.index !== undefined && typeof body.value === "string") {
    if (!inRange(body.index, list.length)) return Either.left(notFound)
    return Either.right(list.map((v, i) => (i === body.index ? body.value as string : v)))
  }
  if (typeof body.old === "string" && typeof body.new === "string") {
    const at = list.indexOf(body.old)
    if (at < 0) return Either.left(notFound)
    return Either.right(list.map((v, i) => (i === at ? body.new as string : v)))
  }
  return Either.left({ status: 400, error: "missing fields" })
}

/** DELETE of a string list: `?index=i`, or `?value=v` (every equal item). @category strings */
export const deleteString = (list: ReadonlyArray<string>, query: URLSearchParams): Either.Either<ReadonlyArray<string>, Refusal> => {
  const index = query.get("index")
  if (index !== null && index !== "") {
    const i = Number(index)
    return inRange(i, list.length) ? Either.right(list.filter((_, j) => j !== i)) : Either.left(notFound)
  }
  const value = query.get("value")?.trim()
  if (value === undefined || value === "") return Either.left({ status: 400, error: "missing index or value" })
  const kept = list.filter((v) => v.trim() !== value)
  return kept.length === list.length ? Either.left(notFound) : Either.right(kept)
}

/** How one object list is matched and edited (spec/03 A.5). @category objects */
export interface ObjectList {
  /** The field that names an item (`api-key`, or `name` for OpenAI-compatible providers). */
  readonly key: string
  /** The PATCH body field that selects by that name (`match`, or `name`). */
  readonly matchField: string
  /** A PATCH whose value has this field empty deletes the item (Gemini: `api-key`, Codex: `base-url`). */
  readonly deleteWhenEmpty?: string
}

// the fields people paste with stray spaces; the rest of an item is kept as sent
const trimmed = (item: Obj): Obj => {
  const out: Obj = { ...item }
  for (const f of ["api-key", "base-url", "proxy-url", "name"]) if (typeof out[f] === "string") out[f] = (out[f] as string).trim()
  return out
}

/** The items of an object-list PUT, each a JSON object, trimmed. @category objects */
export const objects = (items: ReadonlyArray<unknown>): Either.Either<ReadonlyArray<Obj>, Refusal> =>
  items.every(isObj) ? Either.right(items.map(trimmed)) : Either.left({ status: 400, error: "invalid body: every item must be a JSON object" })

const findIndex = (list: ReadonlyArray<Obj>, spec: ObjectList, body: Obj): number => {
  if (inRange(body.index, list.length)) return body.index
  const match = typeof body[spec.matchField] === "string" ? (body[spec.matchField] as string).trim() : ""
  return match === "" ? -1 : list.findIndex((item) => item[spec.key] === match)
}

/** PATCH of an object list: `{index | <match>, value}` replaces (or deletes, see `deleteWhenEmpty`). @category objects */
export const patchObject = (list: ReadonlyArray<Obj>, spec: ObjectList, body: unknown): Either.Either<ReadonlyArray<Obj>, Refusal> => {
  if (!isObj(body) || !isObj(body.value)) return Either.left(invalid)
  const value = trimmed(body.value)
  const at = findIndex(list, spec, body)
  if (at < 0) return Either.left(notFound)
  const empty = spec.deleteWhenEmpty !== undefined && (typeof value[spec.deleteWhenEmpty] !== "string" || value[spec.deleteWhenEmpty] === "")
  return Either.right(empty ? list.filter((_, i) => i !== at) : list.map((item, i) => (i === at ? value : item)))
}

/** DELETE of an object list: `?<key>=v` (every item with it), or `?index=i`. @category objects */
export const deleteObject = (list: ReadonlyArray<Obj>, spec: ObjectList, query: URLSearchParams): Either.Either<ReadonlyArray<Obj>, Refusal> => {
  const named = query.get(spec.key)?.trim()
  if (named !== undefined && named !== "") {
    const kept = list.filter((item) => item[spec.key] !== named)
    return kept.length === list.length ? Either.left(notFound) : Either.right(kept)
  }
  const index = query.get("index")
  if (index !== null && index !== "") {
    const i = Number(index)
    return inRange(i, list.length) ? Either.right(list.filter((_, j) => j !== i)) : Either.left(notFound)
  }
  return Either.left({ status: 400, error: `missing ${spec.key} or index` })
}
