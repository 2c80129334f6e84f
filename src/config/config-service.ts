import { createHash } from "node:crypto"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import { AppLog } from "../logging/app-log.js"
import { configSecrets } from "./config-secrets.js"
import { changedKeys, restartRequired } from "./diff.js"
import { Store } from "../store/store.js"
import { ConfigError, parseConfig } from "./load.js"
import type { Config } from "./schema.js"
import { hashSecretInConfig } from "./secret.js"

/** The config in force, and every config that replaces it (hot reload). @category models */
export interface Service {
  /** The config file path, or its local mirror (it may not exist: then the defaults are in force). */
  readonly file: string
  /** Where the application and request logs go (the store's choice). */
  readonly logsDir: string
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
 * Loads the stored config (hashing a plaintext management secret in place first), applies
 * the logging settings, and reloads on every change the store signals.
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const store = yield* Store
  const log = yield* AppLog
  const record = store.config
  const abs = record.path
  const warned = new Set<string>()

  const applyLogging = (config: Config) =>
    log.configure({
      debug: config.debug,
      toFile: config.loggingToFile,
      dir: store.logsDir,
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
  const hashSecret = hashSecretInConfig(record).pipe(
    Effect.tap((rewrote) => rewrote ? Effect.logInfo(`${abs}: remote-management.secret-key replaced by its bcrypt hash`) : Effect.void),
    Effect.catchAll((e) => Effect.logWarning(`could not hash the management secret in place: ${e.message}`))
  )
  const readText = record.read.pipe(
    Effect.catchAll((e) => Effect.as(Effect.logError(`cannot read ${abs}: ${e.message}`), undefined))
  )

  yield* hashSecret
  const initialText = yield* record.read.pipe(
    Effect.mapError((e) => new ConfigError({ path: abs, message: `cannot read the config file: ${e.message}` }))
  )
  const loaded = initialText === undefined ? yield* parseConfig("", abs) : yield* parseConfig(initialText, abs)
  yield* applyLogging(loaded.config)
  yield* reportNotes(loaded.unknownKeys, loaded.warnings)

  // the store decides where auth records are (a backend's mirror, or the config's auth-dir at start)
  const running: Config = { ...loaded.config, authDir: store.dir }
  let lastHash = initialText === undefined ? "" : sha256(initialText)
  const ref = yield* SubscriptionRef.make(running)
  let current = running

  // one reload at a time: a change's own reload must not return while the watcher's
  // reload of the same text is still applying it
  const reloading = yield* Effect.makeSemaphore(1)
  const reload = Effect.gen(function*() {
    yield* hashSecret
    const text = yield* readText
    if (text === undefined) return
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
    // the listener and the store's auth-dir stay as started until a restart
    const { host: _ignored, ...rest } = parsed
    const next: Config = { ...rest, port: running.port, authDir: running.authDir, ...hostOf(running) }
    const changed = changedKeys(current, next)
    yield* applyLogging(next)
    yield* reportNotes(result.right.unknownKeys, result.right.warnings)
    current = next
    yield* SubscriptionRef.set(ref, next)
    yield* Effect.logInfo(`config reloaded from ${abs}${changed.length > 0 ? ` (changed: ${changed.join(", ")})` : " (no effective change)"}`)
  }).pipe(
    Effect.catchAllCause((cause) => Effect.logError("config reload failed", cause)),
    reloading.withPermits(1)
  )

  yield* record.changes.pipe(Stream.runForEach(() => reload), Effect.forkScoped)

  return ConfigService.of({
    file: abs,
    logsDir: store.logsDir,
    current: () => current,
    get: Effect.sync(() => current),
    changes: ref.changes,
    reload
  })
})

/** The config of the Store, kept current. @category layers */
export const layer: Layer.Layer<ConfigService, ConfigError, Store | AppLog> = Layer.scoped(ConfigService, make)
