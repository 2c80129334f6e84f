import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import * as OAuth from "../fakes/oauth-server.js"
import { startLogin } from "../support/login.js"
import { postgresUrl, query, testSchema } from "../support/postgres.js"
import { tempDir } from "../support/server.js"

describe("login into a store backend", () => {
  it.scopedLive("PGSTORE_*: the login reads its config from PostgreSQL and the credential is in auth_store when the command ends", () =>
    Effect.gen(function*() {
      let schema = ""
      const run = yield* startLogin("codex", {
        backend: (configText) =>
          Effect.gen(function*() {
            schema = yield* testSchema
            yield* query(`CREATE SCHEMA "${schema}"`)
            yield* query(`CREATE TABLE "${schema}"."config_store" (id TEXT PRIMARY KEY, content TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(), updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW())`)
            yield* query(`INSERT INTO "${schema}"."config_store" (id, content) VALUES ('config', $1)`, [configText])
            return { PGSTORE_DSN: yield* postgresUrl, PGSTORE_SCHEMA: schema, PGSTORE_LOCAL_PATH: yield* tempDir }
          })
      })
      const browser = yield* OAuth.consent(yield* run.url)
      expect(browser.status).toBe(302)
      expect(Either.isRight(yield* run.done)).toBe(true)
      // nothing in the file store's auth-dir: the login wrote to the backend's mirror and pushed it
      expect(run.files()).toEqual([])
      const rows = yield* query<{ id: string; content: { type: string; email: string } }>(`SELECT id, content FROM "${schema}"."auth_store"`)
      expect(rows.map((r) => [r.id, r.content.type])).toEqual([[expect.stringMatching(/^codex-.+\.json$/), "codex"]])
    }))
})
