import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

/** A credential blocked for a model, as one replica learned it and the others should respect. @category models */
export interface SharedCooldown {
  readonly credential: string
  readonly model: string
  /** Unix ms. */
  readonly until: number
  readonly reason: "quota" | "unauthorized" | "payment_required"
  readonly level: number
}

/**
 * What several replicas on one backend share beyond the records: a lock so one work item
 * (a token refresh) happens once across them, and cooldown news. A single process (the
 * file store) has nothing to share: the lock is the process's own and no news goes out.
 * @category models
 */
export interface Service {
  /**
   * Runs `f` holding the lock named `key` on every replica; first brings in what another
   * replica wrote meanwhile, and after `f` sends its writes out before releasing.
   */
  readonly exclusive: <A, E, R>(key: string, f: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  readonly publishCooldown: (cooldown: SharedCooldown) => Effect.Effect<void>
  /** Cooldowns other replicas learned. */
  readonly cooldowns: Stream.Stream<SharedCooldown>
}

/** The replica coordination service. @category tags */
export class Replicas extends Context.Tag("cli-proxy-api/Replicas")<Replicas, Service>() {}

/** One process alone: nothing to coordinate. @category layers */
export const single: Layer.Layer<Replicas> = Layer.succeed(Replicas, {
  exclusive: (_key, f) => f,
  publishCooldown: () => Effect.void,
  cooldowns: Stream.empty
})
