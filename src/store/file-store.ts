import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as PubSub from "effect/PubSub"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { isObject, type JsonObject } from "../formats/json.js"
import { logsDirFor } from "../logging/app-log.js"
import { writeAtomically } from "./atomic-write.js"
import { decodeAuthFile } from "./auth-file.js"
import { makeConfigRecord } from "./file-config.js"
import { type AuthRecord, type Service, Store, type StoreChange, StoreError } from "./store.js"

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex")

/** Reads one file into a record, or the reason it is not one. Empty files are "not yet written". */
const readRecord = (dir: string, id: string): Either.Either<AuthRecord, string> | "missing" | "empty" => {
  const file = path.join(dir, id)
  let text: string
  try {
    text = fs.readFileSync(file, "utf8")
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : Either.left(`unreadable: ${String(e)}`)
  }
  if (text.trim() === "") return "empty"
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    // the parser's message quotes the text, which may hold a token: keep only where it broke
    const at = /position (\d+)/.exec(e instanceof Error ? e.message : "")?.[1]
    return Either.left(at === undefined ? "not valid JSON" : `not valid JSON (at character ${at})`)
  }
  if (!isObject(json)) return Either.left("not a JSON object")
  const metadata = json
  return Either.map(decodeAuthFile(json), (decoded) => ({ id, path: file, file: decoded, metadata, hash: sha256(text) }))
}

const isAuthFileName = (name: string) => name.endsWith(".json") && !name.startsWith(".")

/** The file store: the Store plus a re-read of one file on demand (the mirror sync writes files itself). @category models */
export interface FileStoreService extends Service {
  /** Reads one file again now, rather than when the folder watcher fires. */
  readonly rescan: (id: string) => Effect.Effect<void>
}

/** Where the file store keeps things. @category models */
export interface FileStoreOptions {
  /** config.yaml (it may not exist yet: the defaults are in force then). */
  readonly configFile: string
  /** The auth-dir: one JSON file per credential. */
  readonly authDir: string
  /** Watch config.yaml for changes (default true). */
  readonly watchConfig?: boolean
  /** Where logs go (default: `logs/` beside config.yaml). */
  readonly logsDir?: string
}

/**
 * The default store: config.yaml as it is, and JSON files directly in auth-dir (spec/03 B.4). The folder is watched:
 * a file added, replaced (an editor's atomic rename included) or deleted becomes a change
 * within a fraction of a second. A malformed or unknown file is logged once with its
 * reason and skipped; a valid record that turns malformed keeps its last good version.
 * @category constructors
 */
export const make = (options: FileStoreOptions): Effect.Effect<FileStoreService, never, FileSystem.FileSystem | Scope.Scope> =>
  Effect.gen(function*() {
    const platformFs = yield* FileSystem.FileSystem
    const config = yield* makeConfigRecord(options.configFile, options.watchConfig === undefined ? {} : { watch: options.watchConfig })
    const dir = path.resolve(options.authDir)
    yield* platformFs.makeDirectory(dir, { recursive: true, mode: 0o700 }).pipe(
      Effect.catchAll((e) => Effect.logError(`cannot create auth-dir ${dir}: ${e.message}`))
    )
    const records = new Map<string, AuthRecord>()
    const reported = new Map<string, string>()
    const hub = yield* PubSub.unbounded<StoreChange>()
    const locks = new Map<string, Effect.Semaphore>()
    const lockFor = (id: string) => {
      let l = locks.get(id)
      if (l === undefined) locks.set(id, (l = Effect.unsafeMakeSemaphore(1)))
      return l
    }

    const refresh = (id: string): Effect.Effect<void> =>
      Effect.suspend(() => {
        const result = readRecord(dir, id)
        if (result === "empty") return Effect.void
        if (result === "missing") {
          reported.delete(id)
          if (!records.delete(id)) return Effect.void
          return PubSub.publish(hub, { _tag: "Remove", id })
        }
        if (Either.isLeft(result)) {
          if (reported.get(id) === result.left) return Effect.void
          reported.set(id, result.left)
          const kept = records.has(id) ? "; the previous version stays in use" : ""
          return Effect.logWarning(`auth file ${path.join(dir, id)} skipped: ${result.left}${kept}`)
        }
        reported.delete(id)
        if (records.get(id)?.hash === result.right.hash) return Effect.void
        records.set(id, result.right)
        return PubSub.publish(hub, { _tag: "Upsert", record: result.right })
      })

    for (const name of fs.readdirSync(dir)) if (isAuthFileName(name)) yield* refresh(name)

    // Watch the folder (not the files) so renames over a file are seen; settle each name
    // briefly, since an editor's save is several events.
    const timers = new Map<string, NodeJS.Timeout>()
    const runtime = yield* Effect.runtime<never>()
    const watcher = yield* Effect.acquireRelease(
      Effect.sync(() =>
        fs.watch(dir, { persistent: false }, (_event, name) => {
          const names = name === null ? fs.readdirSync(dir).filter(isAuthFileName).concat([...records.keys()]) : [name]
          for (const n of names) {
            if (!isAuthFileName(n)) continue
            clearTimeout(timers.get(n))
            timers.set(n, setTimeout(() => {
              timers.delete(n)
              Effect.runFork(Effect.provide(refresh(n), runtime.context))
            }, 50))
          }
        })
      ),
      (w) => Effect.sync(() => {
        w.close()
        for (const t of timers.values()) clearTimeout(t)
      })
    )
    watcher.on("error", () => watcher.close())

    const service: FileStoreService = {
      rescan: (id) => lockFor(id).withPermits(1)(refresh(id)),
      logsDir: options.logsDir ?? logsDirFor(options.configFile),
      config,
      dir,
      list: Effect.sync(() => [...records.values()]),
      save: (id, metadata: JsonObject) =>
        lockFor(id).withPermits(1)(
          Effect.gen(function*() {
            if (!isAuthFileName(path.basename(id)) || id.includes("/") || id.includes("\\")) {
              return yield* new StoreError({ id, message: "a record id is a plain `<name>.json` file name" })
            }
            const text = JSON.stringify(metadata, null, 2)
            const hash = sha256(text)
            const existing = records.get(id)
            if (existing?.hash === hash) return existing
            const decoded = decodeAuthFile(metadata)
            if (Either.isLeft(decoded)) return yield* new StoreError({ id, message: decoded.left })
            yield* writeAtomically(path.join(dir, id), text, { mode: 0o600 }).pipe(
              Effect.provideService(FileSystem.FileSystem, platformFs),
              Effect.mapError((e) => new StoreError({ id, message: e.message }))
            )
            const record: AuthRecord = { id, path: path.join(dir, id), file: decoded.right, metadata, hash }
            records.set(id, record)
            yield* PubSub.publish(hub, { _tag: "Upsert", record })
            return record
          })
        ),
      remove: (id) =>
        lockFor(id).withPermits(1)(
          Effect.gen(function*() {
            yield* platformFs.remove(path.join(dir, id)).pipe(
              Effect.catchIf((e) => e._tag === "SystemError" && e.reason === "NotFound", () => Effect.void),
              Effect.mapError((e) => new StoreError({ id, message: e.message }))
            )
            if (records.delete(id)) yield* PubSub.publish(hub, { _tag: "Remove", id })
          })
        ),
      changes: Stream.fromPubSub(hub)
    }
    return service
  })

/** The file store, as the Store. @category layers */
export const layer = (options: FileStoreOptions) => Layer.scoped(Store, make(options))
