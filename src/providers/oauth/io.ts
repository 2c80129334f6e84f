/**
 * The two faces of a login's conversation: a terminal (lines on stdout, answers from stdin,
 * a spinner and countdown while waiting) and a recording one for tests and web logins.
 */
import * as readline from "node:readline"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import type { LoginIO } from "./session.js"

/** `m:ss` of a duration in milliseconds. @category formatting */
export const minutesSeconds = (ms: number): string => {
  const s = Math.max(0, Math.ceil(ms / 1000))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

/** The streams a terminal login talks over. @category models */
export interface TerminalStreams {
  readonly output: NodeJS.WritableStream & { readonly isTTY?: boolean }
  readonly input: NodeJS.ReadableStream
}

/**
 * A terminal conversation for the current scope. The spinner is drawn only when the output
 * is a TTY; otherwise a plain line every 30 s says the wait goes on. Standard input is read
 * only when a question is asked, line by line, so piped answers work; its end answers `None`.
 * @category constructors
 */
export const makeTerminal = (
  streams: TerminalStreams = { output: process.stdout, input: process.stdin }
): Effect.Effect<LoginIO, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { output } = streams
    const animate = output.isTTY === true
    let drawn = false
    const write = (text: string) => Effect.sync(() => void output.write(text))
    const clear = Effect.suspend(() => (drawn ? Effect.zipRight(write("\r\x1b[2K"), Effect.sync(() => void (drawn = false))) : Effect.void))

    // stdin is opened on the first question only, and released with the scope
    let lines: readline.Interface | undefined
    const buffered: Array<string> = []
    let ended = false
    const readers: Array<(line: Option.Option<string>) => void> = []
    const open = () => {
      if (lines !== undefined) return
      lines = readline.createInterface({ input: streams.input, terminal: false })
      lines.on("line", (line) => {
        const reader = readers.shift()
        if (reader) reader(Option.some(line))
        else buffered.push(line)
      })
      lines.on("close", () => {
        ended = true
        for (const reader of readers.splice(0)) reader(Option.none())
      })
    }
    yield* Effect.addFinalizer(() => Effect.sync(() => lines?.close()))

    const nextLine = Effect.async<Option.Option<string>>((resume) => {
      open()
      const line = buffered.shift()
      if (line !== undefined) return resume(Effect.succeed(Option.some(line)))
      if (ended) return resume(Effect.succeed(Option.none()))
      const reader = (l: Option.Option<string>) => resume(Effect.succeed(l))
      readers.push(reader)
      return Effect.sync(() => {
        const i = readers.indexOf(reader)
        if (i >= 0) readers.splice(i, 1)
      })
    })

    const ticker = (what: string, deadline: number | undefined) => {
      const left = (now: number) => (deadline === undefined ? "" : ` (${minutesSeconds(deadline - now)} left)`)
      let frame = 0
      return animate
        ? Effect.repeat(
          Effect.flatMap(Clock.currentTimeMillis, (now) =>
            Effect.zipRight(write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} waiting for ${what}${left(now)}`), Effect.sync(() => void (drawn = true)))),
          Schedule.spaced("100 millis")
        )
        : Effect.repeat(
          Effect.flatMap(Clock.currentTimeMillis, (now) => write(`still waiting for ${what}${left(now)}\n`)),
          Schedule.spaced("30 seconds")
        ).pipe(Effect.delay("30 seconds"))
    }

    return {
      say: (line) => Effect.zipRight(clear, write(`${line}\n`)),
      ask: (question) => Effect.zipRight(Effect.zipRight(clear, write(question)), nextLine),
      waiting: (what, deadline, wait) =>
        Effect.acquireUseRelease(
          Effect.zipRight(
            Effect.flatMap(Clock.currentTimeMillis, (now) =>
              write(`Waiting for ${what}${deadline === undefined ? "" : ` (up to ${minutesSeconds(deadline - now)})`}...\n`)),
            // forked from the uninterruptible acquire: the ticker must be made interruptible itself
            Effect.fork(Effect.interruptible(ticker(what, deadline)))
          ),
          () => wait,
          (fiber) => Effect.zipRight(Fiber.interrupt(fiber), clear)
        )
    } satisfies LoginIO
  })

/** A conversation kept in memory: lines collected, questions answered from a list (then `None`). @category constructors */
export const makeRecording = (answers: ReadonlyArray<string> = []) => {
  const lines: Array<string> = []
  const left = [...answers]
  const io: LoginIO = {
    say: (line) => Effect.sync(() => void lines.push(line)),
    ask: (question) => Effect.sync(() => {
      lines.push(question)
      return Option.fromNullable(left.shift())
    }),
    waiting: (what, _deadline, wait) => Effect.zipRight(Effect.sync(() => void lines.push(`Waiting for ${what}...`)), wait)
  }
  return { io, lines }
}
