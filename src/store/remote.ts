import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"

/** Everything a backend holds now: config.yaml's text and each auth record's JSON text by id. @category models */
export interface RemoteSnapshot {
  readonly config: string | undefined
  readonly auths: ReadonlyMap<string, string>
}

/** One local change to send: new text, or `undefined` to delete. @category models */
export type RemoteChange =
  | { readonly kind: "config"; readonly text: string | undefined }
  | { readonly kind: "auth"; readonly id: string; readonly text: string | undefined }

/** The backend could not be reached or refused an operation; `message` names the backend and the reason. @category errors */
export class RemoteError extends Data.TaggedError("RemoteError")<{ readonly message: string }> {}

/**
 * A backend that holds the config and the auth records away from this machine: PostgreSQL,
 * S3-compatible object storage or a Git repository. The mirrored store keeps a local copy
 * and does the three-way reconciling; a backend only reads and writes whole records.
 * @category models
 */
export interface Remote {
  /** Which kind of backend, for metrics labels: `postgres`, `object`, `git`. */
  readonly kind: string
  /** For messages: "PostgreSQL at db:5432/cliproxy" (never a secret). */
  readonly name: string
  /** Everything stored now. */
  readonly snapshot: Effect.Effect<RemoteSnapshot, RemoteError>
  /** Applies local changes together (Git makes one commit of them); a delete of a missing record is fine. */
  readonly push: (changes: ReadonlyArray<RemoteChange>) => Effect.Effect<void, RemoteError>
  /** A signal when another writer may have changed something (PostgreSQL's NOTIFY); polling covers the rest.
   * The stream may end or fail when its connection drops: it is opened again. */
  readonly changes?: Stream.Stream<void, unknown>
  /** How often to look for changes by others (a safety net when `changes` is given). */
  readonly pollInterval: Duration.DurationInput
}
