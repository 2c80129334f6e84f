import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { ConfigService } from "../config/config-service.js"
import type { Config } from "../config/schema.js"
import { baseUrlFor } from "../providers/base-url.js"
import { Providers } from "../providers/provider-set.js"
import { effectiveProxy, UpstreamDispatchers } from "../providers/shared/dispatchers.js"
import { getJson } from "../providers/shared/send.js"
import { Relay } from "../relay/relay.js"
import { Store, type AuthRecord, type StoreChange } from "../store/store.js"
import { credentialsFromConfig } from "./config-credentials.js"
import type { Credential } from "./credential.js"
import { CredentialPool } from "./credential-pool.js"
import { credentialFromRecord } from "./file-credentials.js"
import { type ModelInfo, ModelRegistry } from "./model-registry.js"
import { servedModels } from "./served-models.js"

/** How often credentials re-read their upstream's model list. @category constants */
export const LISTING_INTERVAL = Duration.hours(1)

/**
 * The credential of a connected AI Studio tab: its session id, nothing to send upstream
 * (the browser signs its own calls), never written to the Store (spec/03 C.6).
 * @category constructors
 */
export const tabCredential = (sessionId: string): Credential => ({
  id: sessionId,
  provider: "aistudio",
  kind: "aistudio",
  label: sessionId,
  apiKey: "",
  baseUrl: "",
  proxyUrl: "",
  headers: {},
  models: []
})

/**
 * Keeps the pool and the registry in step with config, the auth files and the relay: every
 * config change re-derives the API-key credentials (and those of added providers), every Store change adds, replaces or
 * removes a file credential, every tab that connects or leaves adds or removes its
 * credential; a background fiber asks each upstream what it serves, at start and
 * hourly, keeping the last good list when a listing fails.
 * @category programs
 */
export const run = Effect.gen(function*() {
  const config = yield* ConfigService
  const pool = yield* CredentialPool
  const registry = yield* ModelRegistry
  const dispatchers = yield* UpstreamDispatchers
  const store = yield* Store
  const relay = yield* Relay
  const providers = yield* Providers
  const listed = new Map<string, ReadonlyArray<ModelInfo>>()
  const failing = new Set<string>()
  let current: ReadonlyArray<Credential> = []
  let fromConfig: ReadonlyArray<Credential> = []
  const fromFiles = new Map<string, Credential>()
  let fromTabs: ReadonlyArray<Credential> = []

  const register = (c: Credential) => {
    const provider = providers.get(c.kind)
    return c.disabled === true || provider === undefined
      ? registry.unregister(c.id)
      : registry.register(c.id, c.provider, servedModels(c, provider, listed.get(c.id) ?? []))
  }

  // config keys, auth files and tabs together: one pool, one registry
  const rebuild = Effect.gen(function*() {
    const next = [...fromConfig, ...fromFiles.values(), ...fromTabs]
    const ids = new Set(next.map((c) => c.id))
    for (const old of current) if (!ids.has(old.id)) yield* registry.unregister(old.id)
    yield* pool.sync(next)
    for (const c of next) yield* register(c)
    current = next
  })

  // an added provider's credential of a kind no provider has could never be called: left out, said once
  const unknownKinds = new Set<string>()
  const callable = (cs: ReadonlyArray<Credential>) =>
    Effect.gen(function*() {
      const out: Array<Credential> = []
      for (const c of cs) {
        if (providers.get(c.kind) !== undefined) out.push(c)
        else if (!unknownKinds.has(c.kind)) {
          unknownKinds.add(c.kind)
          yield* Effect.logWarning(`credential ${c.id} ignored: no provider has kind ${c.kind}`)
        }
      }
      return out
    })

  const apply = (cfg: Config) =>
    Effect.gen(function*() {
      fromConfig = [...credentialsFromConfig(cfg), ...(yield* callable(providers.credentials(cfg)))]
      yield* rebuild
    })

  const fromRecord = (record: AuthRecord) =>
    Either.match(credentialFromRecord(record), {
      onLeft: (reason) => {
        const removed = fromFiles.delete(record.id)
        return Effect.zipRight(Effect.logDebug(`auth file ${record.id} loaded, not routable: ${reason}`), removed ? rebuild : Effect.void)
      },
      onRight: (c) => {
        fromFiles.set(c.id, c)
        return rebuild
      }
    })

  const onStoreChange = (change: StoreChange) =>
    change._tag === "Upsert"
      ? Effect.zipRight(fromRecord(change.record), listOne(config.current(), fromFiles.get(change.record.id)))
      : Effect.suspend(() => (fromFiles.delete(change.id) ? rebuild : Effect.void))

  function listOne(cfg: Config, c: Credential | undefined): Effect.Effect<void> {
    const provider = c === undefined ? undefined : providers.get(c.kind)
    if (c === undefined || provider === undefined) return Effect.void
    const baseUrl = baseUrlFor(cfg, c, provider)
    if (provider.listModels === undefined || baseUrl === "") return Effect.void
    const listing = provider.listModels(c, baseUrl)
    return getJson(dispatchers.forProxy(effectiveProxy(c.proxyUrl, cfg.proxyUrl)), listing.target).pipe(
      Effect.timeout("30 seconds"),
      Effect.flatMap((body) =>
        Effect.gen(function*() {
          listed.set(c.id, listing.parse(body))
          failing.delete(c.id)
          if (current.some((x) => x.id === c.id)) yield* register(c)
        })
      ),
      Effect.catchAll((e) => {
        if (failing.has(c.id)) return Effect.void // logged once until it works again
        failing.add(c.id)
        const reason = "message" in e ? e.message : "timed out"
        return Effect.logWarning(`model list of ${c.provider} credential ${c.id} unavailable, keeping the last known list: ${reason}`)
      })
    )
  }

  const listAll = Effect.gen(function*() {
    const cfg = config.current()
    yield* Effect.forEach(current, (c) => listOne(cfg, c), { concurrency: 4, discard: true })
  })

  for (const record of yield* store.list) yield* fromRecord(record)
  yield* apply(config.current())
  yield* store.changes.pipe(Stream.runForEach(onStoreChange), Effect.forkScoped)
  yield* relay.sessions.pipe(
    Stream.runForEach((ids) =>
      Effect.suspend(() => {
        fromTabs = ids.map(tabCredential)
        return rebuild
      })
    ),
    Effect.forkScoped
  )
  // each config change: re-derive, then list the new credentials' models
  yield* config.changes.pipe(
    Stream.drop(1),
    Stream.runForEach((cfg) => Effect.zipRight(apply(cfg), listAll)),
    Effect.forkScoped
  )
  yield* listAll.pipe(Effect.repeat(Schedule.spaced(LISTING_INTERVAL)), Effect.forkScoped)
})
