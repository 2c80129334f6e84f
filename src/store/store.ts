import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import type { JsonObject } from "../formats/json.js"
import type { AuthFile } from "./auth-file.js"

/** One stored credential: its file (relative id), the decoded fields and the whole JSON. @category models */
export interface AuthRecord {
  /** File name relative to the auth folder, e.g. `claude-user@example.com.json`. */
  readonly id: string
  readonly path: string
  readonly file: AuthFile
  /** The whole JSON object, unknown fields included: what a write puts back. */
  readonly metadata: JsonObject
  /** SHA-256 of the content, to skip writes and reloads that change nothing. */
  readonly hash: string
}

/** A change to the stored records. @category models */
export type StoreChange =
  | { readonly _tag: "Upsert"; readonly record: AuthRecord }
  | { readonly _tag: "Remove"; readonly id: string }

/** A record could not be written or removed. @category errors */
export class StoreError extends Data.TaggedError("StoreError")<{ readonly id: string; readonly message: string }> {}

/** config.yaml as a stored record: its text, written whole, with change signals. @category models */
export interface ConfigRecord {
  /** Where the config is (or is mirrored) on disk, for messages and relative paths. */
  readonly path: string
  /** The text now, or undefined when there is none yet (the defaults are in force). */
  readonly read: Effect.Effect<string | undefined, StoreError>
  /**
   * Replaces the text atomically; with `expect`, only if the stored text is still that
   * (someone edited it meanwhile otherwise) and returns false, writing nothing.
   */
  readonly write: (text: string, options?: { readonly expect?: string }) => Effect.Effect<boolean, StoreError>
  /** A signal after each change, by us or by anyone; read the text again to see it. */
  readonly changes: Stream.Stream<void>
}

/** The config and the auth records, with change notifications; FileStore is the default backend. @category models */
export interface Service {
  readonly config: ConfigRecord
  /** Where auth records are (or are mirrored) on disk. */
  readonly dir: string
  /** Where the application and request logs go. */
  readonly logsDir: string
  /** Every valid record now. */
  readonly list: Effect.Effect<ReadonlyArray<AuthRecord>>
  /** Writes a record atomically (mode 0600), serialised per id; unchanged content is not rewritten. */
  readonly save: (id: string, metadata: JsonObject) => Effect.Effect<AuthRecord, StoreError>
  readonly remove: (id: string) => Effect.Effect<void, StoreError>
  /** Every change after subscription: files added, replaced or deleted, by us or by anyone. */
  readonly changes: Stream.Stream<StoreChange>
}

/** The store service. @category tags */
export class Store extends Context.Tag("cli-proxy-api/Store")<Store, Service>() {}
