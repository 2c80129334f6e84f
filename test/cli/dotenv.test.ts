import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { loadDotEnv } from "../../src/cli/dotenv.js"

describe(".env at start", () => {
  it("sets what the environment does not already set, and nothing without a file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpa-env-"))
    try {
      const env: NodeJS.ProcessEnv = { PGSTORE_SCHEMA: "from-env" }
      expect(loadDotEnv(dir, env)).toEqual([])
      fs.writeFileSync(path.join(dir, ".env"), "# store\nPGSTORE_DSN=postgres://db/x\nPGSTORE_SCHEMA=from-file\nMANAGEMENT_PASSWORD=\"p w\"\n")
      expect([...loadDotEnv(dir, env)].sort()).toEqual(["MANAGEMENT_PASSWORD", "PGSTORE_DSN"])
      expect(env).toEqual({ PGSTORE_SCHEMA: "from-env", PGSTORE_DSN: "postgres://db/x", MANAGEMENT_PASSWORD: "p w" })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
