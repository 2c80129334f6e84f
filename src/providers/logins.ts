import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Claude from "./claude/login.js"
import * as Codex from "./codex/login.js"
import * as GeminiCli from "./gemini-cli/login.js"
import * as Iflow from "./iflow/login.js"
import type { LoginContext, LoginError, LoginOptions, LoginSession } from "./oauth/session.js"
import * as Qwen from "./qwen/login.js"

/** The providers one can log in to, by their command-line names. @category registry */
export const loginProviders = ["gemini", "codex", "claude", "qwen", "iflow"] as const
/** A provider one can log in to. @category registry */
export type LoginProvider = (typeof loginProviders)[number]

/** What a login flow looks like from outside: started in a scope, it hands back the session. @category models */
export type StartLogin = (ctx: LoginContext, options: LoginOptions) => Effect.Effect<LoginSession, LoginError, Scope.Scope>

/** Each provider's login flow and its name in messages. @category registry */
export const logins: { readonly [P in LoginProvider]: { readonly title: string; readonly start: StartLogin } } = {
  gemini: { title: "Gemini CLI (Google)", start: GeminiCli.start },
  codex: { title: "Codex (OpenAI)", start: Codex.start },
  claude: { title: "Claude Code (Anthropic)", start: Claude.start },
  qwen: { title: "Qwen Code", start: Qwen.start },
  iflow: { title: "iFlow", start: Iflow.start }
}
