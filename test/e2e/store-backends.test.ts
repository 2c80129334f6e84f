/**
 * `serve` on the object storage and Git backends, chosen by their environment variables as
 * the Go version's are: a credential uploaded through one server lands in the backend in the
 * Go layout and serves from a second server that shares it.
 */
import Anthropic from "@anthropic-ai/sdk"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { Client } from "minio"
import * as Claude from "../fakes/claude.js"
import * as GitCli from "../fakes/git-cli.js"
import * as GitHttp from "../fakes/git-http-server.js"
import { S3_ACCESS_KEY, S3_SECRET_KEY, s3Server } from "../fakes/s3-server.js"
import { eventuallyEffect, http, startServer, tempDir } from "../support/server.js"

const SECRET = "backend-mgmt-secret"
const MODEL = "claude-opus-4-1-20250805"
const NAME = "claude-stored@example.com.json"
const credential = JSON.stringify({
  type: "claude",
  access_token: "stored-token",
  refresh_token: "r",
  email: "stored@example.com",
  expired: new Date(Date.now() + 24 * 3600_000).toISOString()
})
const configFor = (upstream: string) =>
  ["api-keys: [client-one]", "logging-to-file: false", "remote-management:", `  secret-key: ${SECRET}`, "upstream-endpoints:", `  claude: ${upstream}`, ""].join("\n")

const ask = (url: string) =>
  Effect.promise(() =>
    new Anthropic({ baseURL: url, apiKey: "client-one", maxRetries: 0 }).messages
      .create({ model: MODEL, max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
      .then(() => 200, (e: { status?: number }) => e.status ?? 0)
  )

/** Two servers on one backend: the credential goes in through the first and serves from the second. */
const roundTrip = (env: (local: string) => Record<string, string>, stored: Effect.Effect<string | undefined>) =>
  Effect.gen(function*() {
    const a = yield* startServer(undefined, { env: env(yield* tempDir) })
    const upload = yield* http(`${a.url}/v0/management/auth-files?name=${NAME}`, {
      method: "POST",
      headers: { authorization: `Bearer ${SECRET}` },
      body: credential
    })
    expect(upload.status).toBe(200)
    yield* eventuallyEffect(Effect.map(stored, (text) => text !== undefined && JSON.parse(text).access_token === "stored-token"), "the credential is in the backend", 5000)
    expect(yield* ask(a.url)).toBe(200)
    const b = yield* startServer(undefined, { env: env(yield* tempDir) })
    yield* eventuallyEffect(Effect.map(ask(b.url), (s) => s === 200), "a second server serves it", 5000)
  })

describe("serve on the object storage and Git backends", () => {
  it.scopedLive("an object storage endpoint the S3 client cannot use stops the start with a message naming it", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(startServer(undefined, {
        env: { OBJECTSTORE_ENDPOINT: "ftp://storage.example.com", OBJECTSTORE_BUCKET: "b", OBJECTSTORE_ACCESS_KEY: "a", OBJECTSTORE_SECRET_KEY: "s", OBJECTSTORE_LOCAL_PATH: yield* tempDir }
      }))
      expect(exit._tag).toBe("Failure")
      expect(String(exit._tag === "Failure" ? exit.cause : "")).toMatch(/OBJECTSTORE_ENDPOINT: .*ftp/)
    }))

  it.scopedLive("OBJECTSTORE_*: the config comes from the bucket, an uploaded credential lands in auths/", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.make({ models: [] })
      const s3 = yield* s3Server
      const client = new Client({ endPoint: "127.0.0.1", port: s3.port, useSSL: false, pathStyle: true, region: "us-east-1", accessKey: S3_ACCESS_KEY, secretKey: S3_SECRET_KEY })
      yield* Effect.promise(() => client.makeBucket("proxy"))
      yield* Effect.promise(() => client.putObject("proxy", "config/config.yaml", configFor(fake.url)))
      const read = (key: string) =>
        Effect.promise(() =>
          client.getObject("proxy", key).then(
            async (body) => {
              let out = ""
              for await (const chunk of body) out += String(chunk)
              return out as string | undefined
            },
            () => undefined
          )
        )
      yield* roundTrip(
        (local) => ({
          OBJECTSTORE_ENDPOINT: s3.url,
          OBJECTSTORE_BUCKET: "proxy",
          OBJECTSTORE_ACCESS_KEY: S3_ACCESS_KEY,
          OBJECTSTORE_SECRET_KEY: S3_SECRET_KEY,
          OBJECTSTORE_LOCAL_PATH: local
        }),
        read(`auths/${NAME}`)
      )
    }), 60_000)

  it.scopedLive("GITSTORE_*: the config comes from the repository, an uploaded credential is committed with a message saying so", () =>
    Effect.gen(function*() {
      const fake = yield* Claude.make({ models: [] })
      const server = yield* GitHttp.make({ auth: { username: "proxy", token: "git-token" } })
      const repo = yield* server.createRepo("store.git")
      yield* GitCli.commitFiles(repo.dir, { "config/config.yaml": configFor(fake.url), "auths/.gitkeep": "" }, "Seed")
      yield* roundTrip(
        (local) => ({ GITSTORE_GIT_URL: repo.url, GITSTORE_GIT_USERNAME: "proxy", GITSTORE_GIT_TOKEN: "git-token", GITSTORE_LOCAL_PATH: local }),
        Effect.map(Effect.orDie(GitCli.peek(repo.dir)), (s) => s.auths.get(NAME))
      )
      const subjects = (yield* Effect.orDie(GitCli.log(repo.dir))).map((c) => c.subject)
      // one commit per push; the secret's hashing may share it with the upload ("Update config, update auth ...")
      expect(subjects.some((s) => s.toLowerCase().includes(`update auth ${NAME}`))).toBe(true)
      expect(subjects.at(-1)).toBe("Seed")
    }), 60_000)
})
