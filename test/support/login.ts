import * as fs from "node:fs"
import * as path from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { type Duration, Effect, type Either, Fiber, type Scope } from "effect"
import { login, type LoginRequest, LoginOverrides } from "../../src/cli/login.js"
import type { LoginProvider } from "../../src/providers/logins.js"
import { makeRecording } from "../../src/providers/oauth/io.js"
import type { LoginError } from "../../src/providers/oauth/session.js"
import type { StoreUnavailable } from "../../src/store/mirror-sync.js"
import type { ConfigError } from "../../src/config/load.js"
import * as CodeAssist from "../fakes/gemini-code-assist.js"
import * as OAuth from "../fakes/oauth-server.js"
import { eventually, tempDir } from "./server.js"

/** How a test login runs: the fakes' behaviour, the user's answers, and the command's options. */
export interface LoginSetup {
  readonly fake?: OAuth.Options
  readonly codeAssist?: CodeAssist.Options
  readonly answers?: ReadonlyArray<string>
  readonly request?: Partial<Omit<LoginRequest, "provider" | "configFile">>
  readonly port?: number
  readonly timeout?: Duration.DurationInput
  /** The auth-dir (default: `auths` in a fresh temp folder). */
  readonly authDir?: string
  /** The browser opener (default: none is ever needed, the request has `noBrowser`). */
  readonly openBrowser?: (url: string) => Effect.Effect<boolean>
  /** A store backend for the login: given the config text the fakes need, returns the environment choosing a backend that holds it. */
  readonly backend?: (configText: string) => Effect.Effect<Readonly<Record<string, string>>, never, Scope.Scope>
}

/** A login under way against the fakes, with what it printed so far. */
export interface RunningLogin {
  readonly fake: Effect.Effect.Success<ReturnType<typeof OAuth.make>>
  readonly codeAssist: Effect.Effect.Success<ReturnType<typeof CodeAssist.make>>
  readonly authDir: string
  readonly configFile: string
  readonly lines: ReadonlyArray<string>
  /** The URL the login printed for the user to open (waits for it). */
  readonly url: Effect.Effect<string>
  /** The login's outcome. */
  readonly done: Effect.Effect<Either.Either<void, LoginError | ConfigError | StoreUnavailable>>
  /** The files in auth-dir now. */
  readonly files: () => ReadonlyArray<string>
  /** A file of auth-dir, parsed. */
  readonly read: (name: string) => Record<string, unknown>
}

/** Starts `login <provider> --no-browser` in-process against fresh fakes, on a free callback port. */
export const startLogin = (provider: LoginProvider, setup: LoginSetup = {}) =>
  Effect.gen(function*() {
    const fake = yield* OAuth.make(setup.fake)
    const codeAssist = yield* CodeAssist.make({ project: "proj-1", ...setup.codeAssist })
    const dir = yield* tempDir
    const authDir = setup.authDir ?? path.join(dir, "auths")
    const configFile = path.join(dir, "config.yaml")
    fs.writeFileSync(configFile, `auth-dir: ${JSON.stringify(authDir)}\n${OAuth.endpointsYaml(fake.url, codeAssist.url)}`)
    const env = setup.backend === undefined ? {} : yield* setup.backend(OAuth.endpointsYaml(fake.url, codeAssist.url))
    const { io, lines } = makeRecording(setup.answers)
    const fiber = yield* login({ provider, configFile, noBrowser: true, ...setup.request }).pipe(
      Effect.provide(NodeContext.layer),
      Effect.provideService(LoginOverrides, {
        port: setup.port ?? 0,
        io,
        pollInterval: "10 millis",
        env,
        ...(setup.timeout === undefined ? {} : { timeout: setup.timeout }),
        ...(setup.openBrowser === undefined ? {} : { openBrowser: setup.openBrowser })
      }),
      Effect.either,
      Effect.fork
    )
    const files = () => (fs.existsSync(authDir) ? fs.readdirSync(authDir) : [])
    return {
      fake,
      codeAssist,
      authDir,
      configFile,
      lines,
      url: eventually(() => lines.find((l) => /^https?:\/\//.test(l)), 5000),
      done: Fiber.join(fiber),
      files,
      read: (name: string) => JSON.parse(fs.readFileSync(path.join(authDir, name), "utf8")) as Record<string, unknown>
    } satisfies RunningLogin
  })
