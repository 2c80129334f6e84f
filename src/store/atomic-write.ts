import { randomBytes } from "node:crypto"
import * as nodeFs from "node:fs"
import * as path from "node:path"
import * as FileSystem from "@effect/platform/FileSystem"
import type { PlatformError } from "@effect/platform/Error"
import * as Effect from "effect/Effect"

/**
 * The same, synchronously and without the compare: for the mirror sync's small files
 * (records pulled from a backend, its own state), written between two reads of the folder.
 * @category writing
 */
export const writeAtomicallySync = (file: string, text: string, mode = 0o600): void => {
  nodeFs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`)
  try {
    nodeFs.writeFileSync(tmp, text, { mode })
    nodeFs.renameSync(tmp, file)
  } catch (e) {
    nodeFs.rmSync(tmp, { force: true })
    throw e
  }
}

/** Options of an atomic write. @category models */
export interface AtomicWriteOptions {
  /** File mode of the result (default 0600: credentials and config hold secrets). */
  readonly mode?: number
  /** Write only if the file still holds this text (an editor saved meanwhile otherwise). */
  readonly expect?: string
}

/**
 * Writes a file so that readers only ever see the old or the new content: the text goes to
 * a temp file in the same folder (same filesystem), is flushed to disk, and is renamed over
 * the target. A crash or a full disk leaves the old file intact. Returns false, writing
 * nothing, when `expect` no longer matches.
 * @category writing
 */
export const writeAtomically = (
  file: string,
  text: string,
  options: AtomicWriteOptions = {}
): Effect.Effect<boolean, PlatformError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const target = yield* fs.realPath(file).pipe(Effect.orElseSucceed(() => file))
    const mode = options.mode ?? 0o600
    const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString("hex")}.tmp`)
    return yield* Effect.gen(function*() {
      yield* Effect.scoped(Effect.gen(function*() {
        const handle = yield* fs.open(tmp, { flag: "wx", mode })
        yield* handle.writeAll(new TextEncoder().encode(text))
        yield* handle.sync
      }))
      yield* fs.chmod(tmp, mode)
      if (options.expect !== undefined) {
        const now = yield* fs.readFileString(target).pipe(Effect.orElseSucceed(() => undefined))
        if (now !== options.expect) {
          yield* fs.remove(tmp)
          return false
        }
      }
      yield* fs.rename(tmp, target).pipe(
        // a file bind-mounted on its own (Docker's `-v ./config.yaml:/CLIProxyAPI/config.yaml`) cannot be
        // renamed over: write it in place instead, which readers may see half-done, but which works
        Effect.catchIf((e) => e._tag === "SystemError" && e.reason === "Busy", () =>
          Effect.zipRight(fs.writeFileString(target, text), fs.remove(tmp)))
      )
      return true
    }).pipe(Effect.tapError(() => fs.remove(tmp).pipe(Effect.ignore)))
  })
