import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { type LoginProvider, loginProviders } from "../providers/logins.js"
import { exitCodeOf, LoginError } from "../providers/oauth/session.js"
import { defaultConfigFile, serve } from "./serve.js"
import { login, type LoginRequest } from "./login.js"
import { version } from "./version.js"

const config = Options.file("config", { exists: "either" }).pipe(
  Options.withDescription("config.yaml to use (default: ./config.yaml; built-in defaults when it does not exist)"),
  Options.optional
)

const noBrowser = Options.boolean("no-browser").pipe(
  Options.withDescription("Do not open a browser: print the URL (and an SSH tunnel hint for the callback port)")
)

/** What the commands do; tests swap them to check the parsing alone. @category models */
export interface Handlers<E1, R1, E2, R2> {
  readonly serve: (configFile: string | undefined) => Effect.Effect<unknown, E1, R1>
  readonly login: (request: LoginRequest) => Effect.Effect<unknown, E2, R2>
}

// The Go version's login switches on the root command, in its order of precedence.
const goLoginFlags: ReadonlyArray<readonly [string, LoginProvider, string]> = [
  ["login", "gemini", "Log in to Google (Gemini CLI); same as `login gemini`"],
  ["codex-login", "codex", "Log in to OpenAI Codex; same as `login codex`"],
  ["claude-login", "claude", "Log in to Claude Code; same as `login claude`"],
  ["qwen-login", "qwen", "Log in to Qwen Code; same as `login qwen`"],
  ["iflow-login", "iflow", "Log in to iFlow; same as `login iflow`"]
]

const rootOptions = {
  config,
  goLogins: Options.all(goLoginFlags.map(([name, , description]) => Options.boolean(name).pipe(Options.withDescription(description)))),
  noBrowser,
  projectId: Options.text("project_id").pipe(Options.withDescription("Google Cloud project for --login"), Options.optional)
}

/** The `cli-proxy-api` command with the given handlers; with no subcommand it serves. @category commands */
export const makeCommand = <E1, R1, E2, R2>(handlers: Handlers<E1, R1, E2, R2>) => {
  const root = Command.make("cli-proxy-api", rootOptions, ({ config, goLogins, noBrowser, projectId }) => {
    const chosen = goLoginFlags.find((_, i) => goLogins[i] === true)
    const configFile = Option.getOrUndefined(config)
    if (chosen === undefined) return Effect.asVoid<unknown, E1 | E2, R1 | R2>(handlers.serve(configFile))
    return Effect.asVoid<unknown, E1 | E2, R1 | R2>(handlers.login({
      provider: chosen[1],
      configFile: configFile ?? defaultConfigFile(),
      noBrowser,
      ...Option.match(projectId, { onNone: () => ({}), onSome: (id) => ({ projectId: id }) })
    }))
  }).pipe(Command.withDescription("LLM API proxy: OpenAI, Claude and Gemini endpoints over your CLI subscriptions and API keys"))

  const serveCommand = Command.make("serve", { config }, ({ config }) => Effect.asVoid(handlers.serve(Option.getOrUndefined(config)))).pipe(
    Command.withDescription("Run the proxy server (the default command)")
  )

  const loginCommand = Command.make("login", {
    provider: Args.choice(loginProviders.map((p) => [p, p] as const)).pipe(Args.withDescription(`one of ${loginProviders.join(", ")}`)),
    config,
    noBrowser,
    projectId: Options.text("project-id").pipe(
      Options.withAlias("project_id"),
      Options.withDescription("gemini: the Google Cloud project to use (default: pick from the account's list)"),
      Options.optional
    ),
    email: Options.text("email").pipe(
      Options.withDescription("qwen: the email or alias naming the account (asked for when not given)"),
      Options.optional
    )
  }, ({ provider, config, noBrowser, projectId, email }) =>
    Effect.flatMap(root, (parent) =>
      Effect.asVoid(handlers.login({
        provider,
        // `cli-proxy-api --config x login codex` works as well as `login codex --config x`
        configFile: Option.getOrUndefined(Option.orElse(config, () => parent.config)) ?? defaultConfigFile(),
        noBrowser: noBrowser || parent.noBrowser,
        ...Option.match(Option.orElse(projectId, () => parent.projectId), { onNone: () => ({}), onSome: (id) => ({ projectId: id }) }),
        ...Option.match(email, { onNone: () => ({}), onSome: (e) => ({ email: e }) })
      })))).pipe(Command.withDescription("Sign in to a provider and save the credential in auth-dir"))

  return root.pipe(Command.withSubcommands([serveCommand, loginCommand]))
}

/** The `cli-proxy-api` command. @category commands */
export const command = makeCommand({ serve, login })

/** The Go version's single-dash flags (`-config x`) accepted as their double-dash forms. @category compatibility */
export const normalizeArgs = (argv: ReadonlyArray<string>): ReadonlyArray<string> =>
  argv.map((a) => (/^-[a-z][a-z0-9_-]+(=.*)?$/.test(a) ? `-${a}` : a))

/** Runs a command on an argv (process.argv form: node, script, args...). @category commands */
export const runWith = <E1, R1, E2, R2>(cmd: ReturnType<typeof makeCommand<E1, R1, E2, R2>>, argv: ReadonlyArray<string>) =>
  Command.run(cmd, { name: "cli-proxy-api", version })(normalizeArgs(argv))

/** Runs the CLI on an argv (process.argv form: node, script, args...). @category commands */
export const run = (argv: ReadonlyArray<string>) => runWith(command, argv)

/** The process exit code of a run: 0, 13 for a login whose callback port is busy (as in Go), else 1. @category commands */
export const exitCode = (exit: Exit.Exit<unknown, unknown>): number => {
  if (Exit.isSuccess(exit) || Cause.isInterruptedOnly(exit.cause)) return 0
  const failure = Option.getOrUndefined(Cause.failureOption(exit.cause))
  return failure instanceof LoginError ? exitCodeOf(failure) : 1
}
