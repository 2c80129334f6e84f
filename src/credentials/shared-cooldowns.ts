import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Replicas } from "../store/replicas.js"
import { CredentialPool } from "./credential-pool.js"

/**
 * Cooldowns across replicas: every block this pool decides is published, and every block
 * another replica publishes is taken in, so a credential one replica saw exhausted is not
 * tried again by the others until it recovers. Runs in the current scope.
 * @category programs
 */
export const run = Effect.gen(function*() {
  const pool = yield* CredentialPool
  const replicas = yield* Replicas
  yield* pool.blocks.pipe(Stream.runForEach(replicas.publishCooldown), Effect.forkScoped)
  yield* replicas.cooldowns.pipe(Stream.runForEach(pool.applyShared), Effect.forkScoped)
})
