import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, Either, Fiber, TestClock } from "effect"
import { type PollStep, pollUntilDone, qwenPolicy } from "../../../src/providers/oauth/device-code.js"

/** A poll answering the scripted steps in turn (then pending for ever), recording when it ran. */
const scripted = (steps: ReadonlyArray<PollStep<string>>) => {
  const at: Array<number> = []
  let i = 0
  const poll = Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.sync((): PollStep<string> => {
      at.push(now)
      return steps[i++] ?? { _tag: "Pending" }
    }))
  return { poll, at }
}

const pending: PollStep<string> = { _tag: "Pending" }
const slow: PollStep<string> = { _tag: "SlowDown" }

describe("device-code polling", () => {
  it.effect("polls at once, then every 5 s; slow_down multiplies the wait by 1.5 up to 10 s", () =>
    Effect.gen(function*() {
      const { poll, at } = scripted([pending, slow, slow, slow, pending, { _tag: "Done", value: "token" }])
      const fiber = yield* Effect.fork(pollUntilDone(poll, qwenPolicy, () => "exhausted"))
      for (let i = 0; i < 10; i++) yield* TestClock.adjust("10 seconds")
      expect(yield* Fiber.join(fiber)).toBe("token")
      expect(at).toEqual([0, 5000, 12500, 22500, 32500, 42500])
    }))

  it.effect("gives up after 60 polls", () =>
    Effect.gen(function*() {
      const { poll, at } = scripted([])
      const fiber = yield* Effect.fork(Effect.either(pollUntilDone(poll, qwenPolicy, () => "exhausted")))
      yield* TestClock.adjust("10 minutes")
      expect(yield* Fiber.join(fiber)).toEqual(Either.left("exhausted"))
      expect(at).toHaveLength(60)
      expect(at.at(-1)).toBe(59 * 5000)
    }))

  it.effect("a failing poll ends the polling with its error", () =>
    Effect.gen(function*() {
      const outcome = yield* Effect.either(pollUntilDone(Effect.fail("denied"), qwenPolicy, () => "exhausted"))
      expect(outcome).toEqual(Either.left("denied"))
    }))
})
