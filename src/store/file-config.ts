import * as fs from "node:fs"
import * as path from "node:path"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as PubSub from "effect/PubSub"
import * as Stream from "effect/Stream"
import { writeAtomically } from "./atomic-write.js"
import { type ConfigRecord, StoreError } from "./store.js"

/**
 * config.yaml as a plain file: read, written atomically keeping the file's mode, and watched
 * through its folder so edits, creations and an editor's atomic rename are all seen.
 * @category constructors
 */
export const makeConfigRecord = (file: string, options: { readonly watch?: boolean } = {}) =>
  Effect.gen(function*() {
    const platformFs = yield* FileSystem.FileSystem
    const abs = path.resolve(file)
    const id = path.basename(abs)
    const hub = yield* PubSub.sliding<void>(1)

    if (options.watch !== false) {
      const dir = path.dirname(abs)
      yield* Effect.acquireRelease(
        Effect.try(() =>
          fs.watch(dir, { persistent: false }, (_event, name) => {
            if (name === null || name === id) hub.unsafeOffer(undefined)
          })
        ).pipe(
          Effect.tap((w) => Effect.sync(() => w.on("error", () => w.close()))),
          Effect.map((w) => w as fs.FSWatcher | undefined),
          Effect.catchAll((e) => Effect.as(Effect.logWarning(`cannot watch ${dir} for config changes: ${String(e)}`), undefined))
        ),
        (w) => Effect.sync(() => w?.close())
      )
    }

    const read = platformFs.readFileString(abs).pipe(
      Effect.map((t): string | undefined => t),
      Effect.catchIf((e) => e._tag === "SystemError" && e.reason === "NotFound", () => Effect.succeed(undefined)),
      Effect.mapError((e) => new StoreError({ id, message: e.message }))
    )

    const record: ConfigRecord = {
      path: abs,
      read,
      write: (text, writeOptions = {}) =>
        Effect.gen(function*() {
          const mode = yield* platformFs.stat(abs).pipe(
            Effect.map((info) => info.mode & 0o7777),
            Effect.orElseSucceed(() => 0o600)
          )
          return yield* writeAtomically(abs, text, { mode, ...writeOptions })
        }).pipe(
          Effect.provideService(FileSystem.FileSystem, platformFs),
          Effect.mapError((e) => new StoreError({ id, message: e.message }))
        ),
      // editors write in bursts (truncate, write, rename): settle briefly, then signal once
      changes: Stream.fromPubSub(hub).pipe(Stream.debounce("60 millis"))
    }
    return record
  })
