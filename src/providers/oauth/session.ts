/**
 * What every login flow shares: its error, what it needs from its caller, and what it
 * hands back. A flow is started (callback server up, URL known) and then awaited, so the
 * CLI can print the URL while the management API (issue 8) can return it to a browser.
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type { Dispatcher } from "undici"
import type { JsonObject } from "../../formats/json.js"

/** Why a login stopped. @category errors */
export type LoginFailure =
  /** The local callback port is taken (the CLI exits 13, like the Go version). */
  | "PortInUse"
  /** The user (or the provider) refused consent: `?error=access_denied` and the like. */
  | "Denied"
  /** No consent came before the deadline. */
  | "Timeout"
  /** An upstream call failed or answered something unusable. */
  | "Upstream"
  /** The callback's state is not the one we sent: not our login, or a forged callback. */
  | "StateMismatch"
  /** Something the flow needs from the user was not given (an alias, a project). */
  | "MissingInput"
  /** The record could not be written. */
  | "NotSaved"

/** A login that did not complete, with a message for the user. @category errors */
export class LoginError extends Data.TaggedError("LoginError")<{
  readonly reason: LoginFailure
  readonly message: string
  /** The upstream's HTTP status, when an upstream answered. */
  readonly status?: number
}> {}

/** The process exit code of a failed login: 13 for a busy callback port (as in Go), else 1. @category errors */
export const exitCodeOf = (error: LoginError): number => (error.reason === "PortInUse" ? 13 : 1)

/** How a flow talks to the person logging in (a terminal; nothing at all for a web login). @category models */
export interface LoginIO {
  /** Shows one line. */
  readonly say: (line: string) => Effect.Effect<void>
  /** Asks a question and reads one answer; `None` when there is no one to answer (end of input). */
  readonly ask: (question: string) => Effect.Effect<Option.Option<string>>
  /** Runs a wait, showing what it waits for and the time left (a spinner on a terminal) until it ends. */
  readonly waiting: <A, E, R>(what: string, deadline: number | undefined, wait: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

/** What a flow needs: where the upstreams are, how to reach them, and whom to talk to. @category models */
export interface LoginContext {
  /** The config's `upstream-endpoints` (each flow reads its own keys). */
  readonly endpoints: Readonly<Record<string, string>>
  /** The dispatcher of upstream calls (the config's `proxy-url` applied). */
  readonly dispatcher: Dispatcher
  /** A dispatcher without the configured proxy (environment proxies still apply), for Qwen's polling. */
  readonly direct: Dispatcher
  readonly io: LoginIO
  /** The local callback port; the provider's registered port when absent (tests use 0). */
  readonly port?: number
  /** How long to wait for consent (default 5 minutes). */
  readonly timeout?: Duration.DurationInput
  /** The pause between polls (device code, Code Assist onboarding; default 5 s). */
  readonly pollInterval?: Duration.DurationInput
}

/** Per-login choices from the command line (or the management API). @category models */
export interface LoginOptions {
  /** Gemini: the GCP project to use. */
  readonly projectId?: string
  /** Qwen: the email or alias naming the account (asked for when absent). */
  readonly email?: string
}

/** A finished login: the auth record to store and the account it is for. @category models */
export interface LoginRecord {
  /** The file name in auth-dir, the Go version's naming. */
  readonly id: string
  readonly metadata: JsonObject
  /** The account in words (an email, a phone number, an alias). */
  readonly account: string
}

/** A started login: where the user goes, and the record once they have been. @category models */
export interface LoginSession {
  /** The page to open: the provider's consent page, or its device verification page. */
  readonly url: string
  /** The local port the provider redirects to (absent for device-code flows). */
  readonly callbackPort?: number
  /** A code the user confirms on the page (device-code flows). */
  readonly userCode?: string
  /** Completes once the user has consented and every follow-up call is done. */
  readonly result: Effect.Effect<LoginRecord, LoginError>
}

/** The default wait for consent, as in the Go version. @category constants */
export const DEFAULT_TIMEOUT: Duration.DurationInput = "5 minutes"
/** The default pause between polls. @category constants */
export const DEFAULT_POLL_INTERVAL: Duration.DurationInput = "5 seconds"

/** What tests change about a login run: the callback port, the waits, the conversation, the browser. @category models */
export interface Overrides {
  readonly port?: number
  readonly timeout?: Duration.DurationInput
  readonly pollInterval?: Duration.DurationInput
  readonly io?: LoginIO
  readonly openBrowser?: (url: string) => Effect.Effect<boolean>
  /** The environment choosing the store of a command-line login (default: the process's). */
  readonly env?: Readonly<Record<string, string | undefined>>
}

/** Test hooks for logins (the command's and the web's); real runs have none. @category tags */
export class LoginOverrides extends Context.Reference<LoginOverrides>()("cli-proxy-api/LoginOverrides", {
  defaultValue: (): Overrides => ({})
}) {}
