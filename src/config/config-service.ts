import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import { AppLog, logsDirFor } from "../logging/app-log.js"
import { configSecrets } from "./config-secrets.js"
import { changedKeys, restartRequired } from "./diff.js"
import { type ConfigError, loadConfigFile, parseConfig } from "./load.js"
import type { Config } from "./schema.js"
import { hashSecretInFile } from "./secret.js"

/** The config in force, and every config that replaces it (hot reload). @category models */
export interface Service {
  /** The config file path (it may not exist: then the defaults are in force). */
  readonly file: string
  /** The config in force now, for the hot path; read it once per request. */
  readonly current: () => Config
  readonly get: Effect.Effect<Config>
  /** The config in force, then each one that replaces it. */
  readonly changes: Stream.Stream<Config>
  /** Re-reads the file now (what the watcher does on a change). */
  readonly reload: Effect.Effect<void>
}

/** The config service. @category tags */
export class ConfigService extends Context.Tag("cli-proxy-api/ConfigService")<ConfigService, Service>() {}

const hostOf = (c: Config): { host?: string } => (c.host === undefined ? {} : { host: c.host })

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex")

/**
 * Loads the file (hashing a plaintext management secret in place first), applies the
 * logging settings, and watches the file's folder so edits, creations and an editor's
 * atomic rename all reload it within a fraction of a second.
 * @category constructors
 */
export const make = (file: string, options: { readonly watch?: boolean } = {}) =>
  Effect.gen(function*() {
    const fsys = yield* FileSystem.FileSystem
    const log = yield* AppLog
    const abs = path.resolve(file)
    const warned = new Set<string>()

    const applyLogging = (config: Config) =>
      log.configure({
        debug: config.debug,
        toFile: config.loggingToFile,
        dir: logsDirFor(abs),
        secrets: configSecrets(config)
      })
    const reportNotes = (unknownKeys: ReadonlyArray<string>, warnings: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        const fresh = unknownKeys.filter((k) => !warned.has(k))
        fresh.forEach((k) => warned.add(k))
        if (fresh.length > 0) {
          yield* Effect.logWarning(`${abs}: unknown config keys kept but not used: ${fresh.join(", ")}`)
        }
        for (const w of warnings) yield* Effect.logWarning(`${abs}: ${w}`)
      })
    const hashSecret = hashSecretInFile(abs).pipe(
      Effect.tap((rewrote) => rewrote ? Effect.logInfo(`${abs}: remote-management.secret-key replaced by its bcrypt hash`) : Effect.void),
      Effect.catchAll((e) => Effect.logWarning(`could not hash the management secret in place: ${e.message}`))
    )

    if (yield* fsys.exists(abs).pipe(Effect.orElseSucceed(() => false))) yield* hashSecret
    const loaded = yield* loadConfigFile(abs)
    yield* applyLogging(loaded.config)
    yield* reportNotes(loaded.unknownKeys, loaded.warnings)
    yield* fsys.makeDirectory(loaded.config.authDir, { recursive: true, mode: 0o700 }).pipe(
      Effect.catchAll((e) => Effect.logError(`cannot create auth-dir ${loaded.config.authDir}: ${e.message}`))
    )

    const running = loaded.config
    let lastHash = loaded.exists ? sha256(yield* fsys.readFileString(abs).pipe(Effect.orElseSucceed(() => ""))) : ""
    const ref = yield* SubscriptionRef.make(running)
    let current = running

    const reload = Effect.gen(function*() {
      const exists = yield* fsys.exists(abs).pipe(Effect.orElseSucceed(() => false))
      if (!exists) return
      yield* hashSecret
      const text = yield* fsys.readFileString(abs).pipe(Effect.orElseSucceed(() => ""))
      const hash = sha256(text)
      if (hash === lastHash) return
      const result = yield* Effect.either(parseConfig(text, abs))
      if (result._tag === "Left") {
        lastHash = hash
        return yield* Effect.logError(`config reload rejected, the last good config stays in force: ${result.left.message}`)
      }
      lastHash = hash
      const parsed = result.right.config
      for (const key of restartRequired(running, parsed)) {
        yield* Effect.logWarning(`${key} changed in ${abs}; restart the server to apply it`)
      }
      // the listener and the watched auth-dir stay as started until a restart
      const { host: _ignored, ...rest } = parsed
      const next: Config = { ...rest, port: running.port, authDir: running.authDir, ...hostOf(running) }
      const changed = changedKeys(current, next)
      yield* applyLogging(next)
      yield* reportNotes(result.right.unknownKeys, result.right.warnings)
      current = next
      yield* SubscriptionRef.set(ref, next)
      yield* Effect.logInfo(`config reloaded from ${abs}${changed.length > 0 ? ` (changed: ${changed.join(", ")})` : " (no effective change)"}`)
    }).pipe(
      Effect.provideService(FileSystem.FileSystem, fsys),
      Effect.catchAllCause((cause) => Effect.logError("config reload failed", cause))
    )

    if (options.watch !== false) {
      const events = yield* Queue.sliding<void>(1)
      const dir = path.dirname(abs)
      const base = path.basename(abs)
      yield* Effect.acquireRelease(
        Effect.try(() =>
          fs.watch(dir, { persistent: false }, (_event, name) => {
            if (name === null || name === base) Queue.unsafeOffer(events, undefined)
          })
        ).pipe(
          Effect.tap((w) => Effect.sync(() => w.on("error", () => w.close()))),
          Effect.map((w) => w as fs.FSWatcher | undefined),
          Effect.catchAll((e) => Effect.as(Effect.logWarning(`cannot watch ${dir} for config changes: ${String(e)}`), undefined))
        ),
        (w) => Effect.sync(() => w?.close())
      )
      // editors write in bursts (truncate, write, rename): settle briefly, then read once
      yield* Stream.fromQueue(events).pipe(
        Stream.debounce("60 millis"),
        Stream.runForEach(() => reload),
        Effect.forkScoped
      )
    }

    return ConfigService.of({
      file: abs,
      current: () => current,
      get: Effect.sync(() => current),
      changes: ref.changes,
      reload
    })
  })

/** Loads and watches the given config file. @category layers */
export const layer = (file: string, options?: { readonly watch?: boolean }): Layer.Layer<
  ConfigService,
  ConfigError,
  FileSystem.FileSystem | AppLog
> => Layer.scoped(ConfigService, make(file, options))
