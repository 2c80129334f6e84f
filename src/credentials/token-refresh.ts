import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import { ConfigService } from "../config/config-service.js"
import { type JsonObject, obj, str } from "../formats/json.js"
import { refreshers, tokenEndpointKey } from "../providers/refreshers.js"
import { effectiveProxy, UpstreamDispatchers } from "../providers/shared/dispatchers.js"
import { RefreshError } from "../providers/shared/oauth-refresh.js"
import { parseTime } from "../store/auth-file.js"
import { Replicas } from "../store/replicas.js"
import { type AuthRecord, Store } from "../store/store.js"

/** How a credential's token refreshes are going: the read model for status pages and metrics. @category models */
export interface RefreshStatus {
  readonly failing: boolean
  readonly failures: number
  readonly lastError?: string
  readonly lastErrorAt?: number
  readonly lastRefreshAt?: number
  /** No scheduled refresh before this time (backoff after failures), Unix ms. */
  readonly nextAttemptAt: number
}

/** OAuth token refresh: scheduled before expiry, on demand after a 401, one at a time per credential. @category models */
export interface Service {
  /** Refreshes now and saves the file; concurrent callers share the one refresh. Returns the new access token. */
  readonly refresh: (recordId: string) => Effect.Effect<string, RefreshError>
  /** The token to use now: refreshed first when it has expired or is about to (within 30 s). */
  readonly fresh: (recordId: string, accessToken: string, expiresAt: number | undefined) => Effect.Effect<string, RefreshError>
  readonly status: Effect.Effect<ReadonlyMap<string, RefreshStatus>>
}

/** The token refresh service. @category tags */
export class TokenRefresh extends Context.Tag("cli-proxy-api/TokenRefresh")<TokenRefresh, Service>() {}

/** When a record's access token expires, Unix ms. @category time */
export const expiryOf = (record: AuthRecord): number | undefined =>
  record.file.type === "gemini"
    ? parseTime(record.file.token?.expiry) ?? parseTime(str(record.metadata.expiry))
    : parseTime(record.file.expired)

/** The token that goes upstream, from a file's content: iFlow's API takes the API key the login fetched. @category tokens */
export const bearerOf = (type: AuthRecord["file"]["type"], metadata: JsonObject): string | undefined =>
  type === "gemini" ? str(obj(metadata.token)?.access_token) ?? str(metadata.access_token)
  : type === "iflow" ? str(metadata.api_key)
  : str(metadata.access_token)

/** Backoff after failed refreshes: 1 min doubling, at most 30 min; it never gives up. @category policy */
export const refreshBackoffMs = (failures: number): number => Math.min(30 * 60_000, 60_000 * 2 ** Math.max(0, failures - 1))

/** How often the scheduler looks for tokens due (spec/02 §11.8: 5 s). @category constants */
export const CHECK_INTERVAL = "5 seconds"

/** Builds the service and starts its scheduler in the current scope. @category constructors */
export const make = Effect.gen(function*() {
  const store = yield* Store
  const config = yield* ConfigService
  const dispatchers = yield* UpstreamDispatchers
  const replicas = yield* Replicas
  const inFlight = new Map<string, Deferred.Deferred<string, RefreshError>>()
  const states = new Map<string, RefreshStatus>()

  const run = (recordId: string): Effect.Effect<string, RefreshError> =>
    Effect.gen(function*() {
      const before = (yield* store.list).find((r) => r.id === recordId)?.hash
      // one refresh across replicas: whoever holds the lock refreshes, the others take its result
      return yield* replicas.exclusive(`refresh:${recordId}`, Effect.gen(function*() {
        const record = (yield* store.list).find((r) => r.id === recordId)
        if (record === undefined) return yield* new RefreshError({ message: `no auth file ${recordId}` })
        const refreshedElsewhere = before !== undefined && record.hash !== before ? bearerOf(record.file.type, record.metadata) : undefined
        if (refreshedElsewhere !== undefined) return refreshedElsewhere
        const cfg = config.current()
        const now = yield* Clock.currentTimeMillis
        const next = yield* refreshers[record.file.type].refresh(record.metadata, record.file, {
          endpoint: cfg.upstreamEndpoints[tokenEndpointKey[record.file.type]],
          dispatcher: dispatchers.forProxy(effectiveProxy(record.file.proxy_url, cfg.proxyUrl)),
          now
        })
        yield* store.save(recordId, next).pipe(Effect.mapError((e) => new RefreshError({ message: `refreshed, but not saved: ${e.message}` })))
        return bearerOf(record.file.type, next) ?? ""
      }))
    }).pipe(
      Effect.tapBoth({
        onFailure: (e) =>
          Effect.flatMap(Clock.currentTimeMillis, (now) =>
            Effect.sync(() => {
              const failures = (states.get(recordId)?.failures ?? 0) + 1
              const { lastRefreshAt } = states.get(recordId) ?? {}
              states.set(recordId, {
                failing: true,
                failures,
                lastError: e.message,
                lastErrorAt: now,
                ...(lastRefreshAt !== undefined ? { lastRefreshAt } : {}),
                nextAttemptAt: now + refreshBackoffMs(failures)
              })
            })
          ).pipe(Effect.zipRight(Effect.logWarning(`token refresh of ${recordId} failed: ${e.message}`))),
        onSuccess: () =>
          Effect.flatMap(Clock.currentTimeMillis, (now) =>
            Effect.sync(() => states.set(recordId, { failing: false, failures: 0, lastRefreshAt: now, nextAttemptAt: 0 }))
          ).pipe(Effect.zipRight(Effect.logInfo(`token of ${recordId} refreshed`)))
      })
    )

  // single flight: the first caller runs the refresh, every concurrent caller awaits it
  const refresh = (recordId: string): Effect.Effect<string, RefreshError> =>
    Effect.suspend(() => {
      const running = inFlight.get(recordId)
      if (running !== undefined) return Deferred.await(running)
      const done = Deferred.unsafeMake<string, RefreshError>(FiberId.none)
      inFlight.set(recordId, done)
      return run(recordId).pipe(
        Effect.exit,
        Effect.flatMap((exit) => Effect.zipRight(Deferred.done(done, exit), Effect.sync(() => inFlight.delete(recordId)))),
        Effect.zipRight(Deferred.await(done)),
        Effect.uninterruptible
      )
    })

  const fresh = (recordId: string, accessToken: string, expiresAt: number | undefined) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      if (expiresAt === undefined || expiresAt - now > 30_000) return Effect.succeed(accessToken)
      const state = states.get(recordId)
      // a credential whose refresh keeps failing waits out its backoff instead of hammering
      if (state?.failing === true && state.nextAttemptAt > now) {
        return Effect.fail(new RefreshError({ message: `token expired and refresh is failing: ${state.lastError ?? "unknown"}` }))
      }
      return refresh(recordId)
    })

  const due = (record: AuthRecord, now: number): boolean => {
    if (record.file.disabled === true) return false
    const state = states.get(record.id)
    if (state !== undefined && state.nextAttemptAt > now) return false
    const lead = refreshers[record.file.type].leadMs
    const expiresAt = expiryOf(record)
    if (expiresAt !== undefined) return expiresAt - now <= lead
    const last = parseTime(record.file.last_refresh)
    return last !== undefined && now - last >= lead
  }

  const sweep = Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    for (const record of yield* store.list) {
      if (due(record, now) && !inFlight.has(record.id)) yield* Effect.forkScoped(Effect.ignore(refresh(record.id)))
    }
  })
  yield* sweep.pipe(Effect.repeat(Schedule.spaced(CHECK_INTERVAL)), Effect.forkScoped)

  return TokenRefresh.of({ refresh, fresh, status: Effect.sync(() => new Map(states)) })
})

/** The service as a scoped Layer (the scheduler lives as long as it). @category layers */
export const layer = Layer.scoped(TokenRefresh, make)
