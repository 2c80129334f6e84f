import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type { Credential } from "../credentials/credential.js"
import type { AllCoolingDown, NoCredential, Service as Pool } from "../credentials/credential-pool.js"
import type { Candidate } from "../credentials/model-registry.js"
import { type AttemptError, failureOf, isRetryable } from "./upstream-error.js"

/** Every credential that could serve the request has been tried; `last` is the final upstream error. @category errors */
export class Exhausted extends Data.TaggedError("Exhausted")<{ readonly last: AttemptError }> {}

/** What ends a request's attempts without a success. @category errors */
export type AttemptsError = Exhausted | NoCredential | AllCoolingDown

/** Transient failures worth another round over the same credentials (`request-retry`). @category policy */
export const isTransient = (e: AttemptError): boolean =>
  e._tag === "TransportError" || [403, 408, 500, 502, 503, 504, 529].includes(e.status)

/** The pause before a new round over credentials already tried: 250 ms doubling, at most 2 s. @category policy */
export const roundDelay = (round: number): Duration.Duration => Duration.millis(Math.min(2000, 250 * 2 ** (round - 1)))

/** What one request's attempts need. @category models */
export interface AttemptsInput<A> {
  readonly pool: Pool
  readonly model: string
  readonly providers: ReadonlyArray<string>
  readonly candidates: ReadonlyMap<string, Candidate>
  /** `request-retry`: extra rounds over the credentials after a transient failure. */
  readonly requestRetry: number
  readonly disableCooling: boolean
  readonly strategy: "round-robin" | "fill-first"
  readonly attempt: (credential: Credential, candidate: Candidate) => Effect.Effect<A, AttemptError>
  /** Told of every attempt's end: its error, if any, and whether it repeated a credential (retry) or replaced a failed one (failover). */
  readonly observe?: (credential: Credential, error: AttemptError | undefined, after: "first" | "retry" | "failover") => void
}

/**
 * Runs attempts until one succeeds: each takes the next credential round-robin; 429s cool
 * the credential down and move on; transient failures move on and, once every credential
 * was tried, start another round up to `request-retry` times; anything else (a 400 the
 * request caused) ends at once. The loop is `Effect.retry` under a Schedule.
 * @category policy
 */
export const runAttempts = <A>(input: AttemptsInput<A>): Effect.Effect<A, AttemptsError | AttemptError> => {
  const ids = new Set(input.candidates.keys())
  const tried = new Set<string>()
  let last: AttemptError | undefined
  let rounds = 0
  const acquire = input.pool.acquire({ model: input.model, providers: input.providers, candidates: ids, tried, strategy: input.strategy })

  const nextCredential: Effect.Effect<Credential, AttemptsError> = acquire.pipe(
    Effect.catchTag("NoCredential", (e): Effect.Effect<Credential, AttemptsError> => {
      if (last === undefined) return Effect.fail(e)
      const final = new Exhausted({ last })
      if (!isTransient(last) || rounds >= input.requestRetry) return Effect.fail(final)
      rounds++
      tried.clear()
      return Effect.zipRight(
        Effect.sleep(roundDelay(rounds)),
        Effect.mapError(acquire, () => final)
      )
    })
  )

  const everTried = new Set<string>()
  const step = Effect.gen(function*() {
    const credential = yield* nextCredential
    const after = last === undefined ? "first" : everTried.has(credential.id) ? "retry" : "failover"
    tried.add(credential.id)
    everTried.add(credential.id)
    const candidate = input.candidates.get(credential.id)!
    return yield* input.attempt(credential, candidate).pipe(
      Effect.tap(() => {
        input.observe?.(credential, undefined, after)
        return input.pool.markSuccess(credential.id, input.model)
      }),
      Effect.tapError((e) => {
        input.observe?.(credential, e, after)
        last = e
        return input.pool.markFailure(
          credential.id,
          input.model,
          failureOf(e),
          { disableCooling: input.disableCooling }
        )
      })
    )
  })

  const cap = ids.size * (input.requestRetry + 1) + input.requestRetry
  const retryable = (e: AttemptsError | AttemptError) => (e._tag === "UpstreamError" || e._tag === "TransportError") && isRetryable(e)
  // The first attempt runs bare: most calls succeed at once, and Effect.retry's machinery
  // (schedule driver, iteration metadata provided per attempt) costs more than the call's own
  // Effect program. A failure enters the same policy with the retries left.
  return Effect.catchAll(step, (e) =>
    retryable(e) && cap > 0 ? Effect.retry(step, { schedule: Schedule.recurs(cap - 1), while: retryable }) : Effect.fail(e))
}
