import * as fs from "node:fs"
import * as path from "node:path"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as Effect from "effect/Effect"
import { ConfigService } from "../config/config-service.js"
import { json, query, refuse } from "./respond.js"

/** The most lines one answer carries: the newest ones (a 100 MiB log must not become one JSON answer). @category constants */
export const MAX_LINES = 10_000

/** The log files oldest first: rotated `main-<stamp>.log` in order, then `main.log`. */
const logFiles = (dir: string): ReadonlyArray<string> => {
  const names = fs.readdirSync(dir)
  const rotated = names.filter((n) => /^main-.+\.log$/.test(n)).sort()
  return [...rotated, ...(names.includes("main.log") ? ["main.log"] : [])].map((n) => path.join(dir, n))
}

/** Unix seconds of a line's `[YYYY-MM-DD HH:MM:SS]` (local time), or undefined for a continuation line. */
const lineTime = (line: string): number | undefined => {
  const m = /^\[?(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(line)
  if (m === null) return undefined
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number]
  return Math.floor(new Date(y, mo - 1, d, h, mi, s).getTime() / 1000)
}

const readLogs = Effect.gen(function*() {
  const config = yield* ConfigService
  if (!config.current().loggingToFile) return refuse(400, "logging to file disabled")
  const raw = Number((yield* query).get("after") ?? "")
  const after = Number.isFinite(raw) && raw > 0 ? Math.floor(raw) : 0
  const dir = config.logsDir
  if (!fs.existsSync(dir)) return json({ lines: [], "line-count": 0, "latest-timestamp": after })
  const lines: Array<string> = []
  let count = 0
  let latest = after
  for (const file of logFiles(dir)) {
    // a line without a time continues the one before it: it is in when that one is
    let taking = after === 0
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
      if (line === "") continue
      count++
      const t = lineTime(line)
      if (t !== undefined) {
        latest = Math.max(latest, t)
        taking = after === 0 || t > after
      }
      if (taking) lines.push(line)
    }
  }
  return json({ lines: lines.slice(-MAX_LINES), "line-count": count, "latest-timestamp": latest })
})

const clearLogs = Effect.gen(function*() {
  const config = yield* ConfigService
  if (!config.current().loggingToFile) return refuse(400, "logging to file disabled")
  const dir = config.logsDir
  if (!fs.existsSync(dir)) return refuse(404, "log directory not found")
  let removed = 0
  try {
    for (const file of logFiles(dir)) {
      if (path.basename(file) === "main.log") fs.truncateSync(file, 0)
      else {
        fs.rmSync(file)
        removed++
      }
    }
  } catch (e) {
    return refuse(500, `failed to clear logs: ${String(e)}`)
  }
  return json({ success: true, message: "Logs cleared successfully", removed })
})

/** `GET /logs?after=<unix s>` and `DELETE /logs` over the application log files (spec/03 A.5). @category routes */
export const logRoutes = HttpRouter.empty.pipe(HttpRouter.get("/logs", readLogs), HttpRouter.del("/logs", clearLogs))
