import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as YAML from "yaml"
import { ConfigService } from "../config/config-service.js"
import { parseConfig } from "../config/load.js"
import { Store } from "../store/store.js"

/** A config edit that was refused (400 bad value, 404 no such item) or could not be saved (500). @category errors */
export class EditError extends Data.TaggedError("EditError")<{ readonly status: number; readonly error: string }> {}

/** One change to config.yaml, made on its YAML document (comments and order stay). @category models */
export type Change = (doc: YAML.Document) => Effect.Effect<void, EditError>

/** Comment-preserving, race-safe edits of config.yaml. @category models */
export interface Service {
  /**
   * Applies a change to the stored config.yaml and reloads it, so the change is in force
   * when this returns. A change that would make the config invalid, or make the loader
   * drop or ignore an entry, is refused with a 400 naming the key.
   */
  readonly edit: (change: Change) => Effect.Effect<void, EditError>
}

/** The config editor. @category tags */
export class ConfigEditor extends Context.Tag("cli-proxy-api/ConfigEditor")<ConfigEditor, Service>() {}

/** How often an edit re-reads and re-applies when the file changed under it (a hand edit wins the race). */
const ATTEMPTS = 5

/** A YAML node for a value: block style, except empty lists which read best as `[]`. @category nodes */
export const nodeFor = (doc: YAML.Document, value: unknown): YAML.Node => {
  const node = doc.createNode(value) as YAML.Node
  YAML.visit(node, {
    Seq: (_, n) => void (n.flow = n.items.length === 0),
    Map: (_, n) => void (n.flow = false)
  })
  return node
}

/** Builds the editor over the Store's config record. @category constructors */
export const make = Effect.gen(function*() {
  const store = yield* Store
  const config = yield* ConfigService
  const record = store.config
  const lock = yield* Effect.makeSemaphore(1)
  const failed = (e: { readonly message: string }) => new EditError({ status: 500, error: `failed to save config: ${e.message}` })

  const attempt = (change: Change) =>
    Effect.gen(function*() {
      const before = (yield* record.read.pipe(Effect.mapError(failed))) ?? ""
      const doc = YAML.parseDocument(before)
      if (doc.errors.length > 0) {
        return yield* new EditError({ status: 500, error: `config.yaml is not valid YAML, fix it by hand first: ${doc.errors[0]!.message}` })
      }
      if (!YAML.isMap(doc.contents)) doc.contents = doc.createNode({}) as unknown as typeof doc.contents
      yield* change(doc)
      const after = doc.toString({ lineWidth: 0 })
      const old = yield* Effect.either(parseConfig(before, record.path))
      const next = yield* parseConfig(after, record.path).pipe(Effect.mapError((e) => new EditError({ status: 400, error: e.message })))
      // a value the loader would drop or ignore is refused rather than silently lost
      const known = new Set(Either.isRight(old) ? old.right.warnings : [])
      const fresh = next.warnings.filter((w) => !known.has(w))
      if (fresh.length > 0) return yield* new EditError({ status: 400, error: fresh.join("; ") })
      return yield* record.write(after, { expect: before }).pipe(Effect.mapError(failed))
    })

  const edit = (change: Change) =>
    lock.withPermits(1)(
      Effect.gen(function*() {
        for (let i = 0; i < ATTEMPTS; i++) {
          if (yield* attempt(change)) return yield* config.reload
        }
        return yield* new EditError({ status: 409, error: "config.yaml kept changing while it was being saved; try again" })
      })
    )
  return ConfigEditor.of({ edit })
})

/** The editor as a Layer. @category layers */
export const layer = Layer.effect(ConfigEditor, make)
