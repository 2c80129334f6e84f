import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Fiber } from "effect"
import { makeCommand, run, runWith } from "../../src/cli/command.js"
import { LoginOverrides, type LoginRequest } from "../../src/cli/login.js"
import { makeRecording } from "../../src/providers/oauth/io.js"
import * as OAuth from "../fakes/oauth-server.js"
import { eventually, eventuallyEffect, http, startServer } from "../support/server.js"

/** Runs the real argument parser with handlers that only record what they were asked to do. */
const parse = (...args: Array<string>) =>
  Effect.gen(function*() {
    const calls: Array<{ serve: string | undefined } | LoginRequest> = []
    const cmd = makeCommand({
      serve: (configFile) => Effect.sync(() => void calls.push({ serve: configFile })),
      login: (request) => Effect.sync(() => void calls.push(request))
    })
    yield* runWith(cmd, ["node", "cli-proxy-api", ...args]).pipe(Effect.provide(NodeContext.layer))
    return calls
  })

const defaultConfig = path.resolve("config.yaml")

describe("cli-proxy-api login: parsing", () => {
  it.effect("`login codex --no-browser` runs the codex flow without a browser", () =>
    Effect.gen(function*() {
      expect(yield* parse("login", "codex", "--no-browser")).toEqual([{ provider: "codex", configFile: defaultConfig, noBrowser: true }])
      expect(yield* parse("login", "gemini", "--project-id", "p1", "--config", "/x/c.yaml")).toEqual([
        { provider: "gemini", configFile: "/x/c.yaml", noBrowser: false, projectId: "p1" }
      ])
      expect(yield* parse("login", "qwen", "--email", "me@example.com")).toEqual([
        { provider: "qwen", configFile: defaultConfig, noBrowser: false, email: "me@example.com" }
      ])
    }))

  it.effect("the Go version's flags choose the same flows, with one or two dashes", () =>
    Effect.gen(function*() {
      expect(yield* parse("--codex-login")).toEqual([{ provider: "codex", configFile: defaultConfig, noBrowser: false }])
      expect(yield* parse("-claude-login", "-no-browser", "-config", "/c.yaml")).toEqual([{ provider: "claude", configFile: "/c.yaml", noBrowser: true }])
      expect(yield* parse("--login", "--project_id", "X")).toEqual([{ provider: "gemini", configFile: defaultConfig, noBrowser: false, projectId: "X" }])
      expect(yield* parse("-login", "-project_id", "X")).toEqual([{ provider: "gemini", configFile: defaultConfig, noBrowser: false, projectId: "X" }])
      expect(yield* parse("-qwen-login")).toEqual([{ provider: "qwen", configFile: defaultConfig, noBrowser: false }])
      expect(yield* parse("--iflow-login", "--no-browser")).toEqual([{ provider: "iflow", configFile: defaultConfig, noBrowser: true }])
      // without a login flag the root command still serves
      expect(yield* parse("-config", "/c.yaml")).toEqual([{ serve: "/c.yaml" }])
      expect(yield* parse("--config", "/c.yaml", "login", "iflow")).toEqual([{ provider: "iflow", configFile: "/c.yaml", noBrowser: false }])
    }))
})

describe("cli-proxy-api login: the real command", () => {
  it.scopedLive("`login codex --no-browser` writes a file that a running server serves within a second", () =>
    Effect.gen(function*() {
      const fake = yield* OAuth.make()
      const server = yield* startServer(OAuth.endpointsYaml(fake.url))
      yield* eventuallyEffect(Effect.map(http(`${server.url}/v1/models`), (r) => !r.text.includes("\"gpt-5\"")), "no codex models before the login")
      const { io, lines } = makeRecording()
      const login = yield* run(["node", "cli-proxy-api", "login", "codex", "--no-browser", "--config", server.configFile]).pipe(
        Effect.provide(NodeContext.layer),
        Effect.provideService(LoginOverrides, { port: 0, io }),
        Effect.fork
      )
      const url = yield* eventually(() => lines.find((l) => l.startsWith("http")), 5000)
      yield* OAuth.consent(url)
      yield* Fiber.join(login)
      const file = path.join(server.dir, "auths", "codex-me@example.com.json")
      expect(lines.at(-1)).toBe(`Saved the credential to ${file}`)
      const written = Date.now()
      yield* eventuallyEffect(Effect.map(http(`${server.url}/v1/models`), (r) => r.text.includes("\"gpt-5\"")), "the new codex credential's models", 1000)
      expect(Date.now() - written).toBeLessThan(1000)
    }))

  it("a busy callback port makes the process exit with 13 and say which port", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "cpa-login-"))
    fs.writeFileSync(path.join(home, "config.yaml"), "auth-dir: ./auths\n")
    // Hold the documented Codex port; if something else already holds it, it is just as busy.
    const holder = await new Promise<net.Server | undefined>((resolve) => {
      const s = net.createServer()
      s.once("error", () => resolve(undefined))
      s.listen(1455, () => resolve(s))
    })
    try {
      const child = spawn(process.execPath, [path.resolve("dist/main.js"), "-codex-login", "-no-browser", "-config", "config.yaml"], { cwd: home, stdio: ["ignore", "pipe", "pipe"] })
      let out = ""
      child.stdout.on("data", (d) => (out += d))
      child.stderr.on("data", (d) => (out += d))
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve))
      expect(out).toContain("port 1455 is already in use")
      expect(code).toBe(13)
      expect(fs.existsSync(path.join(home, "auths")) ? fs.readdirSync(path.join(home, "auths")) : []).toEqual([])
    } finally {
      await new Promise<void>((resolve) => (holder ? holder.close(() => resolve()) : resolve()))
      fs.rmSync(home, { recursive: true, force: true })
    }
  })

  it.scopedLive("a login whose config is invalid fails before anything starts", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpa-login-"))
      fs.writeFileSync(path.join(dir, "config.yaml"), "port: nope\n")
      const outcome = yield* run(["node", "cli-proxy-api", "login", "claude", "--config", path.join(dir, "config.yaml")]).pipe(
        Effect.provide(NodeContext.layer),
        Effect.either
      )
      expect(Either.isLeft(outcome) ? outcome.left._tag : "ok").toBe("ConfigError")
      fs.rmSync(dir, { recursive: true, force: true })
    }))
})
