import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { eventually, http, startServer } from "../support/server.js"

const mainLog = (dir: string) => path.join(dir, "logs", "main.log")

describe("application log", () => {
  it.scopedLive("logging-to-file writes access lines to logs/main.log beside the config, switchable at runtime", () =>
    Effect.gen(function*() {
      const s = yield* startServer("logging-to-file: true")
      yield* http(`${s.url}/v1/models`)
      const line = yield* eventually(() =>
        fs.existsSync(mainLog(s.dir)) && fs.readFileSync(mainLog(s.dir), "utf8").includes("GET /v1/models 200")
      )
      expect(line).toBe(true)
      expect(s.logs.join("")).not.toContain("GET /v1/models 200")
      // switch to stdout without a restart
      fs.writeFileSync(s.configFile, fs.readFileSync(s.configFile, "utf8").replace("logging-to-file: true", "logging-to-file: false"))
      yield* eventually(() => !s.config.current().loggingToFile)
      yield* http(`${s.url}/v1beta/models`)
      yield* eventually(() => s.logs.some((l) => l.includes("GET /v1beta/models 200")))
    }))

  it.scopedLive("debug switches the level at runtime", () =>
    Effect.gen(function*() {
      const s = yield* startServer("debug: false")
      s.appLog.write("debug", "hidden-debug-line")
      s.appLog.write("info", "marker-after-hidden")
      yield* eventually(() => s.logs.join("").includes("marker-after-hidden"))
      expect(s.logs.join("")).not.toContain("hidden-debug-line")
      fs.writeFileSync(s.configFile, fs.readFileSync(s.configFile, "utf8").replace("debug: false", "debug: true"))
      yield* eventually(() => s.config.current().debug)
      s.appLog.write("debug", "shown-debug-line")
      yield* eventually(() => s.logs.join("").includes("[debug] shown-debug-line"))
    }))
})
