import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { startServer, tempDir } from "../support/server.js"
import { postgresUrl, testSchema } from "../support/postgres.js"

describe("where logs go", () => {
  it.scopedLive("beside config.yaml by default, under WRITABLE_PATH when set, in the working directory with a store backend", () =>
    Effect.gen(function*() {
      const plain = yield* startServer("debug: false")
      expect(plain.config.logsDir).toBe(path.join(path.dirname(plain.configFile), "logs"))

      const writable = yield* tempDir
      const moved = yield* startServer("debug: false", { env: { WRITABLE_PATH: writable } })
      expect(moved.config.logsDir).toBe(path.join(writable, "logs"))

      const stored = yield* startServer(undefined, { env: { PGSTORE_DSN: yield* postgresUrl, PGSTORE_SCHEMA: yield* testSchema, PGSTORE_LOCAL_PATH: yield* tempDir } })
      expect(stored.config.logsDir).toBe(path.resolve("logs"))
    }))
})
