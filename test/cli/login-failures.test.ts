import * as net from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit } from "effect"
import { exitCode } from "../../src/cli/command.js"
import type { LoginProvider } from "../../src/providers/logins.js"
import { exitCodeOf, LoginError } from "../../src/providers/oauth/session.js"
import * as OAuth from "../fakes/oauth-server.js"
import { startLogin } from "../support/login.js"

/** The login's failure (it must fail). */
const failureOf = (outcome: Either.Either<void, unknown>) => {
  if (Either.isRight(outcome)) throw new Error("the login succeeded")
  expect(outcome.left).toBeInstanceOf(LoginError)
  return outcome.left as LoginError
}

/** A port some other server holds, for the scope. */
const busyPort = Effect.acquireRelease(
  Effect.async<net.Server>((resume) => {
    const server = net.createServer().listen(0, () => resume(Effect.succeed(server)))
  }),
  (server) => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
).pipe(Effect.map((server) => (server.address() as net.AddressInfo).port))

describe("login failures end clearly and leave no file", () => {
  it.scopedLive("a denied consent (?error=access_denied)", () =>
    Effect.gen(function*() {
      const run = yield* startLogin("codex", { fake: { deny: true } })
      const browser = yield* OAuth.consent(yield* run.url)
      expect(browser.status).toBe(400)
      expect(browser.body).toContain("access_denied")
      const error = failureOf(yield* run.done)
      expect(error.reason).toBe("Denied")
      expect(error.message).toBe("OpenAI refused the sign-in: access_denied")
      expect(exitCodeOf(error)).toBe(1)
      expect(run.files()).toEqual([])
      expect((yield* run.fake.requests).some((r) => r.path === "/codex/token")).toBe(false)
    }))

  it.scopedLive("a busy callback port: exit code 13 and a message naming the port", () =>
    Effect.gen(function*() {
      const port = yield* busyPort
      const run = yield* startLogin("claude", { port })
      const error = failureOf(yield* run.done)
      expect(error.reason).toBe("PortInUse")
      expect(error.message).toContain(`port ${port} is already in use`)
      expect(error.message).toContain("try again")
      expect(exitCode(Exit.fail(error))).toBe(13)
      expect(run.lines.join("\n")).not.toContain("http")
      expect(run.files()).toEqual([])
    }))

  it.scopedLive("no consent before the deadline: a timeout, and the callback port is free again", () =>
    Effect.gen(function*() {
      const run = yield* startLogin("gemini", { timeout: "200 millis" })
      const url = new URL(yield* run.url)
      const error = failureOf(yield* run.done)
      expect(error.reason).toBe("Timeout")
      expect(error.message).toContain("no sign-in came back within")
      expect(run.files()).toEqual([])
      const callback = new URL(url.searchParams.get("redirect_uri") ?? "")
      const refused = yield* Effect.promise(() => fetch(`http://127.0.0.1:${callback.port}/oauth2callback?code=x`).then(() => false, () => true))
      expect(refused).toBe(true)
    }))

  const upstreamFailures: ReadonlyArray<readonly [LoginProvider, OAuth.Endpoint, number, string]> = [
    ["iflow", "iflow-token", 503, "the iFlow token exchange failed with status 503: scripted failure of iflow-token"],
    ["iflow", "iflow-userinfo", 500, "the iFlow user info failed: status 500: scripted failure of iflow-userinfo"],
    ["gemini", "google-projects", 403, "the Google Cloud project list failed with status 403: scripted failure of google-projects"],
    ["gemini", "google-enable", 403, "enabling cloudaicompanion.googleapis.com in proj-1 failed with status 403: scripted failure of google-enable (the project must have this API on)"],
    ["claude", "claude-token", 400, "the Claude token exchange failed with status 400: scripted failure of claude-token"]
  ]
  for (const [provider, endpoint, status, message] of upstreamFailures) {
    it.scopedLive(`${provider}: an upstream error (${endpoint} ${status}) names the status and the upstream's words`, () =>
      Effect.gen(function*() {
        const run = yield* startLogin(provider, { fake: { fail: { [endpoint]: status } } })
        yield* OAuth.consent(yield* run.url)
        const error = failureOf(yield* run.done)
        expect(error.reason).toBe("Upstream")
        expect(error.status).toBe(status)
        expect(error.message).toContain(message)
        expect(run.files()).toEqual([])
      }))
  }

  it.scopedLive("a callback with another state is rejected", () =>
    Effect.gen(function*() {
      const run = yield* startLogin("codex")
      const url = new URL(yield* run.url)
      const callback = url.searchParams.get("redirect_uri") ?? ""
      yield* Effect.promise(() => fetch(`${callback}?code=forged&state=not-ours`, { redirect: "manual" }))
      const error = failureOf(yield* run.done)
      expect(error.reason).toBe("StateMismatch")
      expect(run.files()).toEqual([])
    }))

  it.scopedLive("qwen: the user refuses on the verification page", () =>
    Effect.gen(function*() {
      const run = yield* startLogin("qwen", { fake: { qwenDeny: true }, answers: ["me"] })
      const error = failureOf(yield* run.done)
      expect(error.reason).toBe("Denied")
      expect(error.message).toBe("Qwen refused the sign-in: access_denied")
      expect(run.files()).toEqual([])
    }))

  it.scopedLive("qwen: without a terminal and without --email the login fails clearly", () =>
    Effect.gen(function*() {
      const run = yield* startLogin("qwen", { fake: { qwenPending: 0 } })
      const error = failureOf(yield* run.done)
      expect(error.reason).toBe("MissingInput")
      expect(error.message).toContain("pass --email")
      expect(run.files()).toEqual([])
    }))

  it.scopedLive("qwen: --email names the account without asking", () =>
    Effect.gen(function*() {
      const run = yield* startLogin("qwen", { fake: { qwenPending: 0 }, request: { email: "alias-1" } })
      expect(Either.isRight(yield* run.done)).toBe(true)
      expect(run.files()).toEqual(["qwen-alias-1.json"])
    }))
})
