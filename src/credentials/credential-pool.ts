import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as PubSub from "effect/PubSub"
import * as Stream from "effect/Stream"
import type { SharedCooldown } from "../store/replicas.js"
import type { Credential } from "./credential.js"

/** No credential can serve the model right now (all tried, disabled or blocked for other reasons). @category errors */
export class NoCredential extends Data.TaggedError("NoCredential")<{ readonly model: string }> {}

/** Every credential for the model is cooling down after 429s; `resetAt` is the earliest recovery. @category errors */
export class AllCoolingDown extends Data.TaggedError("AllCoolingDown")<{
  readonly model: string
  readonly provider: string | undefined
  readonly resetAt: number
  readonly now: number
}> {}

/** Why a credential is blocked for a model. @category models */
export type BlockReason = "quota" | "unauthorized" | "payment_required"

/** One failed attempt, as the pool needs to judge it. @category models */
export interface Failure {
  readonly status: number
  /** The upstream's own hint of when to come back, in ms from now (Retry-After, retryDelay...). */
  readonly retryAfterMs?: number
  readonly message?: string
}

/** A credential's health for one model. @category models */
export interface ModelHealth {
  readonly model: string
  /** Blocked until this time (Unix ms); in the past means usable again. */
  readonly blockedUntil: number
  readonly reason: BlockReason | undefined
  /** The 429 backoff level reached. */
  readonly level: number
}

/** A credential's health: per-model blocks and the last error seen. @category models */
export interface Health {
  readonly id: string
  readonly models: ReadonlyArray<ModelHealth>
  readonly lastError?: { readonly status: number; readonly message?: string; readonly at: number }
}

/** A request for a credential: which ones may serve, in which provider order, which were tried. @category models */
export interface AcquireRequest {
  readonly model: string
  /** Providers in the order to try them (already rotated per model). */
  readonly providers: ReadonlyArray<string>
  /** Credential ids the registry says serve the model. */
  readonly candidates: ReadonlySet<string>
  /** Ids already tried by this request. */
  readonly tried: ReadonlySet<string>
  /** `round-robin` spreads requests; `fill-first` uses the first healthy credential until it cools down. */
  readonly strategy?: "round-robin" | "fill-first"
}

/** Credentials and their per-model health: round-robin selection, cooldown, recovery. @category models */
export interface Service {
  /** Replaces the credential set; state is kept for ids that stay. */
  readonly sync: (credentials: ReadonlyArray<Credential>) => Effect.Effect<void>
  readonly get: (id: string) => Effect.Effect<Credential | undefined>
  readonly all: Effect.Effect<ReadonlyArray<Credential>>
  /** The provider order for this request: rotated by one per request for the model. */
  readonly providerOrder: (model: string, providers: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<string>>
  readonly acquire: (request: AcquireRequest) => Effect.Effect<Credential, NoCredential | AllCoolingDown>
  readonly markSuccess: (id: string, model: string) => Effect.Effect<void>
  /** Records a failure; 401/402 block for 30 min, 429 cools down (hint or exponential). */
  readonly markFailure: (id: string, model: string, failure: Failure, options: { readonly disableCooling: boolean }) => Effect.Effect<void>
  /** Every credential's health now (the read model for status and metrics). */
  readonly health: Effect.Effect<ReadonlyArray<Health>>
  /** Each block markFailure decides, as it happens (for other replicas to learn). */
  readonly blocks: Stream.Stream<SharedCooldown>
  /** Takes a block another replica learned; a longer block already known here stays. */
  readonly applyShared: (block: SharedCooldown) => Effect.Effect<void>
}

/** The credential pool service. @category tags */
export class CredentialPool extends Context.Tag("cli-proxy-api/CredentialPool")<CredentialPool, Service>() {}

interface ModelState {
  blockedUntil: number
  reason: BlockReason | undefined
  /** 429 backoff level: the next cooldown without a hint is 1 s * 2^level. */
  level: number
}

/** Longest any cooldown lasts (spec/02 §11.6). @category constants */
export const MAX_COOLDOWN_MS = 30 * 60 * 1000

/** The cooldown after a 429: the upstream's hint when given, else 1 s doubling per level, both capped at 30 min. @category policy */
export const cooldownMs = (level: number, hintMs: number | undefined): number =>
  Math.min(MAX_COOLDOWN_MS, hintMs !== undefined && hintMs > 0 ? hintMs : 1000 * 2 ** Math.min(level, 21))

const byId = (a: Credential, b: Credential) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** Builds an empty pool. @category constructors */
export const make = Effect.map(PubSub.unbounded<SharedCooldown>(), (hub) => {
  let credentials = new Map<string, Credential>()
  // credential id -> model -> state
  const states = new Map<string, Map<string, ModelState>>()
  const cursors = new Map<string, number>()
  const lastErrors = new Map<string, NonNullable<Health["lastError"]>>()
  const offsets = new Map<string, number>()

  const stateOf = (id: string, model: string): ModelState | undefined => states.get(id)?.get(model)
  const blocked = (id: string, model: string, now: number) => {
    const s = stateOf(id, model)
    return s !== undefined && s.blockedUntil > now ? s : undefined
  }

  return CredentialPool.of({
    sync: (next) =>
      Effect.sync(() => {
        credentials = new Map(next.map((c) => [c.id, c]))
        for (const id of states.keys()) if (!credentials.has(id)) states.delete(id)
        for (const id of lastErrors.keys()) if (!credentials.has(id)) lastErrors.delete(id)
      }),
    get: (id) => Effect.sync(() => credentials.get(id)),
    all: Effect.sync(() => [...credentials.values()]),
    providerOrder: (model, providers) =>
      Effect.sync(() => {
        if (providers.length < 2) return providers
        const offset = offsets.get(model) ?? 0
        offsets.set(model, (offset + 1) % 1_000_000)
        const k = offset % providers.length
        return [...providers.slice(k), ...providers.slice(0, k)]
      }),
    acquire: (req) =>
      Effect.flatMap(Clock.currentTimeMillis, (now): Effect.Effect<Credential, NoCredential | AllCoolingDown> => {
        let coolingReset: number | undefined
        let coolingProvider: string | undefined
        let otherBlocked = false
        for (const provider of req.providers) {
          const available: Array<Credential> = []
          for (const id of req.candidates) {
            const c = credentials.get(id)
            if (c === undefined || c.provider !== provider || c.disabled === true || req.tried.has(id)) continue
            const b = blocked(id, req.model, now)
            if (b === undefined) available.push(c)
            else if (b.reason === "quota") {
              if (coolingReset === undefined || b.blockedUntil < coolingReset) {
                coolingReset = b.blockedUntil
                coolingProvider = provider
              }
            } else otherBlocked = true
          }
          if (available.length === 0) continue
          available.sort(byId)
          if (req.strategy === "fill-first") return Effect.succeed(available[0]!)
          const key = `${provider}:${req.model}`
          const cursor = cursors.get(key) ?? 0
          cursors.set(key, (cursor + 1) % 2_147_483_647)
          return Effect.succeed(available[cursor % available.length]!)
        }
        if (coolingReset !== undefined && !otherBlocked) {
          return Effect.fail(new AllCoolingDown({ model: req.model, provider: coolingProvider, resetAt: coolingReset, now }))
        }
        return Effect.fail(new NoCredential({ model: req.model }))
      }),
    markSuccess: (id, model) => Effect.sync(() => void states.get(id)?.delete(model)),
    markFailure: (id, model, failure, options) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.sync(() => {
          if (!credentials.has(id)) return
          lastErrors.set(id, { status: failure.status, at: now, ...(failure.message !== undefined ? { message: failure.message } : {}) })
          const perModel = states.get(id) ?? new Map<string, ModelState>()
          states.set(id, perModel)
          const s = perModel.get(model) ?? { blockedUntil: 0, reason: undefined, level: 0 }
          let next: ModelState | undefined
          if (failure.status === 429) {
            const ms = options.disableCooling ? 0 : cooldownMs(s.level, failure.retryAfterMs)
            next = { blockedUntil: now + ms, reason: "quota", level: ms >= MAX_COOLDOWN_MS ? s.level : s.level + 1 }
          } else if (failure.status === 401) {
            next = { ...s, blockedUntil: now + MAX_COOLDOWN_MS, reason: "unauthorized" }
          } else if (failure.status === 402) {
            next = { ...s, blockedUntil: now + MAX_COOLDOWN_MS, reason: "payment_required" }
          }
          // other statuses (400, 404, 5xx, transport) do not block: the next attempt simply takes
          // the next credential, and a healthy credential is not sidelined by one bad answer
          if (next === undefined) return
          perModel.set(model, next)
          if (next.blockedUntil > now && next.reason !== undefined) {
            hub.unsafeOffer({ credential: id, model, until: next.blockedUntil, reason: next.reason, level: next.level })
          }
        })
      ),
    blocks: Stream.fromPubSub(hub),
    applyShared: (b) =>
      Effect.sync(() => {
        if (!credentials.has(b.credential)) return
        const perModel = states.get(b.credential) ?? new Map<string, ModelState>()
        states.set(b.credential, perModel)
        const s = perModel.get(b.model)
        if (s !== undefined && s.blockedUntil >= b.until) return
        perModel.set(b.model, { blockedUntil: b.until, reason: b.reason, level: Math.max(b.level, s?.level ?? 0) })
      }),
    health: Effect.sync(() =>
      [...credentials.keys()].map((id): Health => {
        const lastError = lastErrors.get(id)
        return {
          id,
          models: [...(states.get(id) ?? new Map<string, ModelState>()).entries()].map(([model, s]) => ({ model, ...s })),
          ...(lastError ? { lastError } : {})
        }
      })
    )
  })
})

/** The pool as a Layer. @category layers */
export const layer = Layer.effect(CredentialPool, make)
