import * as HttpRouter from "@effect/platform/HttpRouter"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as YAML from "yaml"
import { ConfigService } from "../config/config-service.js"
import type { Refusal } from "./access.js"
import { ConfigEditor, EditError, nodeFor } from "./config-editor.js"
import * as Ops from "./list-ops.js"
import { bodyJson, fromEdit, json, ok, query } from "./respond.js"
import { configView } from "./routes-config.js"

type Obj = Record<string, unknown>

/** The list at a top-level key of the document, as JSON (absent: empty). */
const listIn = (doc: YAML.Document, key: string): ReadonlyArray<unknown> => {
  const node = doc.get(key, true)
  const value: unknown = YAML.isNode(node) ? node.toJSON() : node
  return Array.isArray(value) ? value : []
}

const refused = (r: Refusal) => new EditError(r)

/**
 * Runs one list edit: `next` turns the document's current list into the new one (or
 * refuses), which replaces it in config.yaml. Computed from the file, not from memory, so
 * an edit made by hand a moment before is built upon, not lost.
 */
const editList = (key: string, next: (current: ReadonlyArray<unknown>, doc: YAML.Document) => Either.Either<ReadonlyArray<unknown>, Refusal>) =>
  Effect.flatMap(ConfigEditor, (editor) =>
    editor.edit((doc) =>
      Either.match(next(listIn(doc, key), doc), {
        onLeft: (r) => Effect.fail(refused(r)),
        onRight: (list) => Effect.sync(() => void doc.set(key, nodeFor(doc, list)))
      })
    )).pipe(Effect.as(ok), Effect.catchTag("EditError", (e) => Effect.succeed(fromEdit(e))))

const asStrings = (list: ReadonlyArray<unknown>) => list.filter((v): v is string => typeof v === "string")
const asObjects = (list: ReadonlyArray<unknown>) => list.filter((v): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v))

// Gemini entries leave out their empty optional fields, as the Go version shows them
const compact = (item: unknown): unknown =>
  typeof item !== "object" || item === null ? item : Object.fromEntries(Object.entries(item).filter(([, v]) =>
    v !== "" && !(Array.isArray(v) && v.length === 0) && !(typeof v === "object" && v !== null && Object.keys(v).length === 0)
  ))

const show = (key: string) =>
  Effect.map(ConfigService, (c) => {
    const list = configView(c.current())[key]
    return json({ [key]: key === "gemini-api-key" && Array.isArray(list) ? list.map(compact) : list ?? [] })
  })

/** GET/PUT/PATCH/DELETE on a list of strings kept at `key`. */
const stringList = <E, R>(router: HttpRouter.HttpRouter<E, R>, path: HttpRouter.PathInput, key: string) =>
  router.pipe(
    HttpRouter.get(path, show(key)),
    HttpRouter.put(path, Effect.flatMap(bodyJson, (body) => editList(key, () => Either.flatMap(Ops.putItems(body), Ops.strings)))),
    HttpRouter.patch(path, Effect.flatMap(bodyJson, (body) => editList(key, (current) => Ops.patchString(asStrings(current), body)))),
    HttpRouter.del(path, Effect.flatMap(query, (q) => editList(key, (current) => Ops.deleteString(asStrings(current), q))))
  )

/** GET/PUT/PATCH/DELETE on a list of objects kept at `key`. */
const objectList = <E, R>(router: HttpRouter.HttpRouter<E, R>, key: string, spec: Ops.ObjectList) => {
  const path = `/${key}` as HttpRouter.PathInput
  return router.pipe(
    HttpRouter.get(path, show(key)),
    HttpRouter.put(path, Effect.flatMap(bodyJson, (body) => editList(key, () => Either.flatMap(Ops.putItems(body), Ops.objects)))),
    HttpRouter.patch(path, Effect.flatMap(bodyJson, (body) => editList(key, (current) => Ops.patchObject(asObjects(current), spec, body)))),
    HttpRouter.del(path, Effect.flatMap(query, (q) => editList(key, (current) => Ops.deleteObject(asObjects(current), spec, q))))
  )
}

/**
 * The legacy key-only view of `gemini-api-key` (spec/03 A.5): string-list edits on the
 * keys, which then rebuild the objects (a kept key keeps its whole entry).
 */
const legacyGeminiKeys = <E, R>(router: HttpRouter.HttpRouter<E, R>) => {
  const path = "/generative-language-api-key"
  const rebuild = (op: (keys: ReadonlyArray<string>) => Either.Either<ReadonlyArray<string>, Refusal>) =>
    editList("gemini-api-key", (current) => {
      const entries = asObjects(current)
      const keys = entries.map((e) => (typeof e["api-key"] === "string" ? e["api-key"] : "")).filter((k) => k !== "")
      return Either.map(op(keys), (next) => {
        const seen = new Set<string>()
        return next.map((k) => k.trim()).filter((k) => k !== "" && !seen.has(k) && seen.add(k))
          .map((k) => entries.find((e) => e["api-key"] === k) ?? { "api-key": k })
      })
    })
  return router.pipe(
    HttpRouter.get(path, Effect.map(ConfigService, (c) => json({ "generative-language-api-key": c.current().geminiApiKey.map((k) => k.apiKey) }))),
    HttpRouter.put(path, Effect.flatMap(bodyJson, (body) => rebuild(() => Either.flatMap(Ops.putItems(body), Ops.strings)))),
    HttpRouter.patch(path, Effect.flatMap(bodyJson, (body) => rebuild((keys) => Ops.patchString(keys, body)))),
    HttpRouter.del(path, Effect.flatMap(query, (q) => rebuild((keys) => Ops.deleteString(keys, q))))
  )
}

/** The client keys and the upstream key lists (spec/03 A.5). @category routes */
export const listRoutes = legacyGeminiKeys(
  objectList(
    objectList(
      objectList(
        objectList(stringList(HttpRouter.empty, "/api-keys", "api-keys"), "gemini-api-key", { key: "api-key", matchField: "match", deleteWhenEmpty: "api-key" }),
        "claude-api-key",
        { key: "api-key", matchField: "match" }
      ),
      "codex-api-key",
      { key: "api-key", matchField: "match", deleteWhenEmpty: "base-url" }
    ),
    "openai-compatibility",
    { key: "name", matchField: "name", deleteWhenEmpty: "base-url" }
  )
)
