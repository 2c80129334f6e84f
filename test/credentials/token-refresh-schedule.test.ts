import * as fs from "node:fs"
import * as path from "node:path"
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, TestClock } from "effect"
import * as ConfigService from "../../src/config/config-service.js"
import { refreshBackoffMs, type RefreshStatus, TokenRefresh } from "../../src/credentials/token-refresh.js"
import * as TokenRefreshLive from "../../src/credentials/token-refresh.js"
import * as AppLog from "../../src/logging/app-log.js"
import * as UpstreamDispatchers from "../../src/providers/shared/dispatchers.js"
import * as Replicas from "../../src/store/replicas.js"
import * as FileStore from "../../src/store/file-store.js"
import { tokenEndpoint } from "../fakes/oauth-token.js"
import { tempDir } from "../support/server.js"

/** Waits on real time (the test clock only moves when the test says so), up to `ms`. */
const settle = (check: () => boolean, ms = 3000) =>
  Effect.promise(async () => {
    for (let waited = 0; waited < ms && !check(); waited += 20) await new Promise((r) => setTimeout(r, 20))
    return check()
  })

/** The file's refresh status once `ok` holds (polled on real time). */
const statusWhen = (refresh: TokenRefresh["Type"], ok: (s: RefreshStatus | undefined) => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 150; i++) {
      const s = (yield* refresh.status).get("me@example.com-proj.json")
      if (ok(s)) return s
      yield* settle(() => false, 20)
    }
    return (yield* refresh.status).get("me@example.com-proj.json")
  })

/** The refresh service over a temp auth-dir, on the test clock. */
const services = (dir: string, tokenUrl: string) => {
  const configFile = path.join(dir, "config.yaml")
  fs.writeFileSync(configFile, `auth-dir: ${JSON.stringify(path.join(dir, "auths"))}\nlogging-to-file: false\nupstream-endpoints:\n  gemini-oauth: ${tokenUrl}\n  claude-oauth: ${tokenUrl}\n`)
  const base = Layer.mergeAll(ConfigService.layer, UpstreamDispatchers.layer()).pipe(
    Layer.provideMerge(FileStore.layer({ configFile, authDir: path.join(dir, "auths"), watchConfig: false })),
    Layer.provideMerge(Replicas.single),
    Layer.provideMerge(AppLog.layer({ debug: false, toFile: false, dir: "", secrets: [] }, () => {})),
    Layer.provideMerge(NodeFileSystem.layer)
  )
  return TokenRefreshLive.layer.pipe(Layer.provideMerge(base))
}

describe("token refresh schedule", () => {
  it("backs off 1 min, 2 min, 4 min ... up to 30 min, and never gives up", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(refreshBackoffMs)).toEqual([60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000, 1_800_000, 1_800_000])
  })

  it.scoped("a failing refresh waits out its backoff, then recovers by itself; the Gemini token is saved", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.now()) // the test clock starts at 1970; the file's expiry is real time
      const dir = yield* tempDir
      const tokens = yield* tokenEndpoint({ failFirst: [500, 503] })
      fs.mkdirSync(path.join(dir, "auths"))
      const file = path.join(dir, "auths", "me@example.com-proj.json")
      fs.writeFileSync(file, JSON.stringify({
        token: { access_token: "ya29.old", refresh_token: "1//old", expiry: "2020-01-01T00:00:00Z", client_id: "cid", client_secret: "cs" },
        project_id: "proj",
        email: "me@example.com",
        type: "gemini"
      }))
      yield* Effect.gen(function*() {
        const refresh = yield* TokenRefresh
        // the first sweep runs at start: it fails
        expect(yield* settle(() => tokens.calls().length === 1)).toBe(true)
        expect(yield* statusWhen(refresh, (s) => s?.failing === true)).toMatchObject({ failing: true, failures: 1 })
        // sweeps inside the backoff leave the endpoint alone
        yield* TestClock.adjust("55 seconds")
        expect(yield* settle(() => tokens.calls().length > 1, 300)).toBe(false)
        // after the backoff it tries again (fails again), then after twice as long it succeeds
        yield* TestClock.adjust("10 seconds")
        expect(yield* settle(() => tokens.calls().length === 2)).toBe(true)
        yield* TestClock.adjust("2 minutes")
        expect(yield* settle(() => tokens.calls().length === 3)).toBe(true)
        expect(yield* settle(() => JSON.parse(fs.readFileSync(file, "utf8")).token.access_token !== "ya29.old")).toBe(true)
        const saved = JSON.parse(fs.readFileSync(file, "utf8"))
        expect(saved.token).toMatchObject({ access_token: "at-1", refresh_token: "rt-1", client_id: "cid" })
        expect(saved.project_id).toBe("proj")
        expect(tokens.calls()[2]?.body).toContain("grant_type=refresh_token")
        expect(yield* statusWhen(refresh, (s) => s?.failing === false)).toMatchObject({ failing: false, failures: 0 })
      }).pipe(Effect.provide(services(dir, tokens.url)))
    }))
})
