import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Either } from "effect"
import { chooseBackend, parseInterval } from "../../src/store/backend.js"

const cwd = "/srv/proxy"
const choose = (env: Record<string, string>) => chooseBackend(env, cwd)

describe("store selection from the environment", () => {
  it("takes PGSTORE_* before OBJECTSTORE_* before GITSTORE_*, and the file store without any", () => {
    const all = {
      PGSTORE_DSN: "postgres://u:p@db/cliproxy",
      OBJECTSTORE_ENDPOINT: "http://minio:9000",
      OBJECTSTORE_BUCKET: "b",
      OBJECTSTORE_ACCESS_KEY: "a",
      OBJECTSTORE_SECRET_KEY: "s",
      GITSTORE_GIT_URL: "https://git.example.com/store.git"
    }
    expect(Either.getOrThrow(choose(all)).kind).toBe("postgres")
    const { PGSTORE_DSN: _pg, ...noPg } = all
    expect(Either.getOrThrow(choose(noPg)).kind).toBe("object")
    expect(Either.getOrThrow(choose({ GITSTORE_GIT_URL: all.GITSTORE_GIT_URL })).kind).toBe("git")
    expect(Either.getOrThrow(choose({}))).toEqual({ kind: "file" })
  })

  it("reads lower-case names too, trims values and treats empty ones as unset", () => {
    expect(Either.getOrThrow(choose({ pgstore_dsn: "  postgres://db/x  ", pgstore_schema: "proxy" }))).toEqual({
      kind: "postgres",
      dsn: "postgres://db/x",
      schema: "proxy",
      root: path.join(cwd, "pgstore")
    })
    expect(Either.getOrThrow(choose({ PGSTORE_DSN: "   " }))).toEqual({ kind: "file" })
  })

  it("mirrors into <LOCAL_PATH>, else WRITABLE_PATH, else the working directory, in the backend's folder", () => {
    const at = (env: Record<string, string>) => (Either.getOrThrow(choose({ PGSTORE_DSN: "postgres://db/x", ...env })) as { root: string }).root
    expect(at({ PGSTORE_LOCAL_PATH: "/data", WRITABLE_PATH: "/w" })).toBe("/data/pgstore")
    expect(at({ WRITABLE_PATH: "/w" })).toBe("/w/pgstore")
    expect(at({})).toBe("/srv/proxy/pgstore")
    expect(at({ PGSTORE_LOCAL_PATH: "rel" })).toBe("/srv/proxy/rel/pgstore")
  })

  it("names what is missing or wrong instead of starting on a setting that cannot work", () => {
    expect(choose({ OBJECTSTORE_ENDPOINT: "minio:9000", OBJECTSTORE_BUCKET: "b" })).toEqual(
      Either.left("OBJECTSTORE_ENDPOINT is set, but OBJECTSTORE_ACCESS_KEY, OBJECTSTORE_SECRET_KEY are not")
    )
    expect(choose({ GITSTORE_GIT_URL: "https://g/x.git", GITSTORE_PULL_INTERVAL: "soon" })).toEqual(
      Either.left("GITSTORE_PULL_INTERVAL=soon is not an interval (use seconds, or 30s, 2m, 500ms)")
    )
  })

  it("pulls Git every 30 s and polls object storage every 30 s unless told otherwise", () => {
    const git = Either.getOrThrow(choose({ GITSTORE_GIT_URL: "https://g/x.git", GITSTORE_GIT_TOKEN: "t" }))
    expect(git.kind === "git" && Duration.toMillis(git.pullInterval)).toBe(30_000)
    expect(git.kind === "git" && git.username).toBeUndefined()
    const fast = Either.getOrThrow(choose({ GITSTORE_GIT_URL: "https://g/x.git", GITSTORE_PULL_INTERVAL: "5" }))
    expect(fast.kind === "git" && Duration.toMillis(fast.pullInterval)).toBe(5000)
    expect([parseInterval("500ms"), parseInterval("2m"), parseInterval("0"), parseInterval("-1")].map((d) => d && Duration.toMillis(d))).toEqual([500, 120_000, undefined, undefined])
  })
})
