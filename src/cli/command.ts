import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Option from "effect/Option"
import { serve } from "./serve.js"
import { version } from "./version.js"

const config = Options.file("config", { exists: "either" }).pipe(
  Options.withDescription("config.yaml to use (default: ./config.yaml; built-in defaults when it does not exist)"),
  Options.optional
)

const serveCommand = Command.make("serve", { config }, ({ config }) => serve(Option.getOrUndefined(config))).pipe(
  Command.withDescription("Run the proxy server (the default command)")
)

/** The `cli-proxy-api` command; with no subcommand it serves. @category commands */
export const command = Command.make("cli-proxy-api", { config }, ({ config }) => serve(Option.getOrUndefined(config))).pipe(
  Command.withDescription("LLM API proxy: OpenAI, Claude and Gemini endpoints over your CLI subscriptions and API keys"),
  Command.withSubcommands([serveCommand])
)

/** The Go version's single-dash flags (`-config x`) accepted as their double-dash forms. @category compatibility */
export const normalizeArgs = (argv: ReadonlyArray<string>): ReadonlyArray<string> =>
  argv.map((a) => (/^-[a-z][a-z0-9_-]+(=.*)?$/.test(a) ? `-${a}` : a))

/** Runs the CLI on an argv (process.argv form: node, script, args...). @category commands */
export const run = (argv: ReadonlyArray<string>) =>
  Command.run(command, { name: "cli-proxy-api", version })(normalizeArgs(argv))
