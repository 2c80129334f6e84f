/**
 * Polling a device-code token endpoint (RFC 8628) as a Schedule: a fixed interval that
 * grows on `slow_down`, capped, for at most so many polls.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleInterval from "effect/ScheduleInterval"

/** One poll's outcome: not yet, not so fast, or the token. @category models */
export type PollStep<A> =
  | { readonly _tag: "Pending" }
  | { readonly _tag: "SlowDown" }
  | { readonly _tag: "Done"; readonly value: A }

/** How to poll. @category models */
export interface PollPolicy {
  readonly interval: Duration.DurationInput
  /** Polls in all, the first one included. */
  readonly maxPolls: number
  /** The interval is multiplied by this after a `slow_down`... */
  readonly slowDownFactor: number
  /** ...but never beyond this. */
  readonly maxInterval: Duration.DurationInput
}

/** Qwen's rules (spec/02 §7a): every 5 s, 60 polls, x1.5 on slow_down up to 10 s. @category policies */
export const qwenPolicy: PollPolicy = { interval: "5 seconds", maxPolls: 60, slowDownFactor: 1.5, maxInterval: "10 seconds" }

/** The schedule of a policy; it outputs the last step it was given. @category schedules */
export const pollSchedule = <A>(policy: PollPolicy): Schedule.Schedule<PollStep<A>, PollStep<A>> => {
  const cap = Duration.decode(policy.maxInterval)
  // the wait after a step depends on that very step (a slow_down lengthens it at once)
  const waits = Schedule.makeWithState(Duration.decode(policy.interval), (now, step: PollStep<A>, interval: Duration.Duration) => {
    const next = step._tag === "SlowDown" ? Duration.min(Duration.times(interval, policy.slowDownFactor), cap) : interval
    return Effect.succeed([next, step, ScheduleDecision.continueWith(ScheduleInterval.after(now + Duration.toMillis(next)))] as const)
  })
  return waits.pipe(
    Schedule.whileInput((step: PollStep<A>) => step._tag !== "Done"),
    Schedule.intersect(Schedule.recurs(Math.max(0, policy.maxPolls - 1))),
    Schedule.passthrough
  )
}

/** Polls until `Done`, failing with `exhausted()` when the polls run out first. @category polling */
export const pollUntilDone = <A, E, R, E2>(
  poll: Effect.Effect<PollStep<A>, E, R>,
  policy: PollPolicy,
  exhausted: () => E2
): Effect.Effect<A, E | E2, R> =>
  Effect.flatMap(Effect.repeat(poll, pollSchedule<A>(policy)), (last) =>
    last._tag === "Done" ? Effect.succeed(last.value) : Effect.fail(exhausted()))
