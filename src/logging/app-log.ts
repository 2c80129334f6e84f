import * as path from "node:path"
import { inspect } from "node:util"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import { makeRedactor, type Redactor } from "./redact.js"
import { openRotatingFile, type RotatingFile } from "./rotating-file.js"

/** The log levels the application writes. @category models */
export type Level = "debug" | "info" | "warn" | "error"

/** What the application log follows from config: level, destination, secrets to mask. @category models */
export interface LogSettings {
  readonly debug: boolean
  readonly toFile: boolean
  /** The `logs/` folder used when toFile is set. */
  readonly dir: string
  readonly secrets: ReadonlyArray<string>
}

/** The application log: one sink for Effect's logger and the plain hot path alike. @category models */
export interface Service {
  /** Writes one line now; cheap enough for the per-request access line. */
  readonly write: (level: Level, message: string) => void
  readonly enabled: (level: Level) => boolean
  /** Applies new settings (hot reload): level, stdout or file, the secrets to mask. */
  readonly configure: (settings: LogSettings) => Effect.Effect<void>
  /** The file being written, when logging to a file. */
  readonly file: () => string | undefined
}

/** The application log service. @category tags */
export class AppLog extends Context.Tag("cli-proxy-api/AppLog")<AppLog, Service>() {}

const rank: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 }

const pad = (n: number) => String(n).padStart(2, "0")
let stampSecond = -1
let stampText = ""
// Local time to the second; formatted once per second, since a busy server logs many lines in each
const timestamp = (d: Date) => {
  const second = Math.floor(d.getTime() / 1000)
  if (second !== stampSecond) {
    stampSecond = second
    stampText = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  }
  return stampText
}

const levelOf = (l: LogLevel.LogLevel): Level =>
  l._tag === "Debug" || l._tag === "Trace" || l._tag === "All" ? "debug"
  : l._tag === "Info" ? "info"
  : l._tag === "Warning" ? "warn"
  : "error"

const show = (u: unknown): string => typeof u === "string" ? u : inspect(u, { depth: 4, breakLength: Infinity })

/** Builds the service; `out` receives stdout lines (tests pass a collector). @category constructors */
export const make = (initial: LogSettings, out: (line: string) => void = (l) => process.stdout.write(l)) =>
  Effect.gen(function*() {
    let settings = initial
    let redact: Redactor = makeRedactor(initial.secrets)
    let file: RotatingFile | undefined
    const openFile = (s: LogSettings) => {
      file?.close()
      file = s.toFile ? openRotatingFile({ dir: s.dir }) : undefined
    }
    openFile(initial)
    yield* Effect.addFinalizer(() => Effect.sync(() => file?.close())) // runs after the flush below

    // Lines are batched and written once per turn of the event loop: one write per burst
    // instead of one syscall per request line. The finalizer flushes what is left.
    let pending: Array<string> = []
    let scheduled = false
    const flush = () => {
      scheduled = false
      if (pending.length === 0) return
      const text = pending.join("")
      pending = []
      if (file) {
        try {
          file.write(text)
          return
        } catch (e) {
          // a full disk must not lose the lines nor crash the server: fall back to stdout
          out(`[${timestamp(new Date())}] [error] log file write failed: ${String(e)}\n`)
        }
      }
      out(text)
    }
    yield* Effect.addFinalizer(() => Effect.sync(flush))

    const write = (level: Level, message: string) => {
      if (rank[level] < rank[settings.debug ? "debug" : "info"]) return
      pending.push(`[${timestamp(new Date())}] [${level}] ${redact(message)}\n`)
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    }

    return AppLog.of({
      write,
      enabled: (level) => rank[level] >= rank[settings.debug ? "debug" : "info"],
      configure: (next) =>
        Effect.sync(() => {
          flush() // lines logged under the old settings go where they were meant to
          if (next.toFile !== settings.toFile || next.dir !== settings.dir) openFile(next)
          redact = makeRedactor(next.secrets)
          settings = next
        }),
      file: () => file?.file
    })
  })

/** An Effect Logger that writes through the service, so Effect.log* obeys the same rules. @category constructors */
export const toLogger = (log: Service): Logger.Logger<unknown, void> =>
  Logger.make(({ annotations, cause, logLevel, message }) => {
    const level = levelOf(logLevel)
    if (!log.enabled(level)) return
    const parts = Array.isArray(message) ? message.map(show) : [show(message)]
    for (const [k, v] of HashMap.toEntries(annotations)) parts.push(`${k}=${show(v)}`)
    if (!Cause.isEmpty(cause)) parts.push(Cause.pretty(cause, { renderErrorCause: true }))
    log.write(level, parts.join(" "))
  })

/** The `logs/` folder for a config file path. @category constructors */
export const logsDirFor = (configFile: string) => path.join(path.dirname(path.resolve(configFile)), "logs")

/**
 * The log service plus Effect's default logger replaced by it. Effect's own level filter is
 * opened fully because the level is ours to switch at runtime (`debug` hot reload).
 * @category layers
 */
export const layer = (initial: LogSettings, out?: (line: string) => void): Layer.Layer<AppLog> => {
  const service = Layer.scoped(AppLog, make(initial, out))
  const logger = Logger.replaceEffect(Logger.defaultLogger, Effect.map(AppLog, toLogger))
  return Layer.mergeAll(logger, Logger.minimumLogLevel(LogLevel.All)).pipe(Layer.provideMerge(service))
}

