import { createHash } from "node:crypto"
import * as net from "node:net"
import { PassThrough } from "node:stream"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, Fiber, Option, Scope } from "effect"
import { chooseProject } from "../../../src/providers/gemini-cli/login.js"
import { openerFor } from "../../../src/providers/oauth/browser.js"
import { listen, pageReply, successRedirectReply } from "../../../src/providers/oauth/callback-server.js"
import { makeRecording, makeTerminal, minutesSeconds } from "../../../src/providers/oauth/io.js"
import { challengeOf, makePkce, randomHex } from "../../../src/providers/oauth/pkce.js"
import { claimsOf } from "../../../src/providers/codex/id-token.js"
import { idToken } from "../../fakes/oauth-server.js"

describe("PKCE and state", () => {
  it.effect("a 96-byte verifier is 128 base64url characters and its challenge is its SHA-256", () =>
    Effect.gen(function*() {
      const pkce = yield* makePkce(96)
      expect(pkce.verifier).toMatch(/^[A-Za-z0-9_-]{128}$/)
      expect(pkce.challenge).toBe(createHash("sha256").update(pkce.verifier).digest("base64url"))
      expect((yield* makePkce(32)).verifier).toHaveLength(43)
      expect(yield* randomHex(16)).toMatch(/^[0-9a-f]{32}$/)
      // RFC 7636 appendix B
      expect(challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }))
})

describe("the callback server", () => {
  it.scopedLive("hands over the first hit's query, serves extra pages, and is closed with its scope", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const server = yield* listen({ port: 0, path: "/cb", reply: pageReply, pages: { "/success": "<p>ok</p>" } }).pipe(Scope.extend(scope))
      const waiting = yield* Effect.fork(server.query)
      const first = yield* Effect.promise(() => fetch(`http://localhost:${server.port}/cb?code=abc&state=s`))
      expect(first.status).toBe(200)
      expect(yield* Effect.promise(() => first.text())).toContain("Signed in")
      const second = yield* Effect.promise(() => fetch(`http://127.0.0.1:${server.port}/cb?code=later`))
      expect(second.status).toBe(200)
      expect((yield* Fiber.join(waiting)).get("code")).toBe("abc")
      expect((yield* Effect.promise(() => fetch(`http://127.0.0.1:${server.port}/success`))).status).toBe(200)
      expect((yield* Effect.promise(() => fetch(`http://127.0.0.1:${server.port}/other`))).status).toBe(404)
      yield* Scope.close(scope, Exit.void)
      const refused = yield* Effect.promise(() => fetch(`http://127.0.0.1:${server.port}/cb`).then(() => false, () => true))
      expect(refused).toBe(true)
    }))

  it.scopedLive("after redirecting to /success it stays up until the browser has loaded that page", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const server = yield* listen({ port: 0, path: "/cb", reply: successRedirectReply, pages: { "/success": "<p>ok</p>" } }).pipe(Scope.extend(scope))
      const redirect = yield* Effect.promise(() => fetch(`http://127.0.0.1:${server.port}/cb?code=abc&state=s`, { redirect: "manual" }))
      expect(redirect.status).toBe(302)
      // the login is done and closes its scope; the browser only now follows the redirect
      const closing = yield* Effect.fork(Scope.close(scope, Exit.void))
      yield* Effect.sleep("100 millis")
      const page = yield* Effect.promise(() => fetch(`http://127.0.0.1:${server.port}/success`))
      expect(page.status).toBe(200)
      yield* Fiber.join(closing)
      const refused = yield* Effect.promise(() => fetch(`http://127.0.0.1:${server.port}/success`).then(() => false, () => true))
      expect(refused).toBe(true)
    }))

  it.scopedLive("a busy port fails with PortInUse naming it", () =>
    Effect.gen(function*() {
      const holder = net.createServer()
      yield* Effect.promise(() => new Promise<void>((resolve) => holder.listen(0, resolve)))
      yield* Effect.addFinalizer(() => Effect.promise(() => new Promise<void>((resolve) => holder.close(() => resolve()))))
      const port = (holder.address() as net.AddressInfo).port
      const error = yield* Effect.flip(listen({ port, path: "/cb", reply: pageReply }))
      expect(error.reason).toBe("PortInUse")
      expect(error.message).toContain(`port ${port} is already in use`)
    }))
})

describe("the conversation", () => {
  it.scopedLive("a terminal reads piped answers line by line and answers None at the end of input", () =>
    Effect.gen(function*() {
      const input = new PassThrough()
      const output = new PassThrough()
      let written = ""
      output.on("data", (d) => (written += d))
      const io = yield* makeTerminal({ input, output })
      input.end("first\nsecond\n")
      expect(yield* io.ask("Q1? ")).toEqual(Option.some("first"))
      expect(yield* io.ask("Q2? ")).toEqual(Option.some("second"))
      expect(yield* io.ask("Q3? ")).toEqual(Option.none())
      expect(yield* io.waiting("the thing", Date.now() + 65_000, Effect.succeed(7))).toBe(7)
      yield* io.say("done")
      // not a TTY: no spinner, no escape codes
      expect(written).toBe("Q1? Q2? Q3? Waiting for the thing (up to 1:05)...\ndone\n")
    }))

  it("formats the time left", () => {
    expect(minutesSeconds(300_000)).toBe("5:00")
    expect(minutesSeconds(61_500)).toBe("1:02")
    expect(minutesSeconds(-5)).toBe("0:00")
  })
})

describe("Gemini project choice", () => {
  const projects = [{ projectId: "a", name: "A" }, { projectId: "b" }]
  /** The project chosen (or the failure's reason) and what was said. */
  const choose = (answers: ReadonlyArray<string>, preset?: string, list = projects) => {
    const { io, lines } = makeRecording(answers)
    return Effect.map(Effect.either(chooseProject(io, list, preset)), (result) => ({
      chosen: Either.isRight(result) ? result.right : `failed: ${result.left.reason}`,
      lines
    }))
  }

  it.effect("by id, by number, by default; --project-id when listed; the given id when the list is empty", () =>
    Effect.gen(function*() {
      expect((yield* choose(["b"])).chosen).toBe("b")
      expect((yield* choose(["2"])).chosen).toBe("b")
      expect((yield* choose(["3", "x", "1"])).chosen).toBe("a")
      expect((yield* choose([""])).chosen).toBe("a")
      expect((yield* choose([])).chosen).toBe("a")
      const preset = yield* choose([], "b")
      expect(preset.chosen).toBe("b")
      expect(preset.lines).toEqual([])
      const unknown = yield* choose(["2"], "zzz")
      expect(unknown.chosen).toBe("b")
      expect(unknown.lines).toContain("Project zzz is not among them; choose one.")
      expect((yield* choose([], "given", [])).chosen).toBe("given")
      expect((yield* choose([], undefined, [])).chosen).toBe("failed: MissingInput")
    }))
})

describe("helpers", () => {
  it("opens a browser only where there is a desktop", () => {
    expect(openerFor("linux", {}, "u")).toBeUndefined()
    expect(openerFor("linux", { DISPLAY: ":0" }, "u")).toEqual({ command: "xdg-open", args: ["u"] })
    expect(openerFor("darwin", {}, "u")).toEqual({ command: "open", args: ["u"] })
    expect(openerFor("win32", {}, "u&v")?.args).toEqual(["url.dll,FileProtocolHandler", "u&v"])
  })

  it("reads an OpenAI id_token's email and ChatGPT account id", () => {
    expect(claimsOf(idToken({ email: "e@x", "https://api.openai.com/auth": { chatgpt_account_id: "acc" } }))).toEqual({ email: "e@x", accountId: "acc" })
    expect(claimsOf("garbage")).toEqual({ email: undefined, accountId: undefined })
    expect(claimsOf(undefined)).toEqual({ email: undefined, accountId: undefined })
  })
})
