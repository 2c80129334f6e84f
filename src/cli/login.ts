/**
 * `cli-proxy-api login <provider>`: runs a provider's sign-in in the terminal and stores the
 * credential in auth-dir, where a running server picks it up.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ConfigError, parseConfig } from "../config/load.js"
import { type LoginProvider, logins } from "../providers/logins.js"
import { openBrowser } from "../providers/oauth/browser.js"
import { loginContext } from "../providers/oauth/context.js"
import { makeTerminal } from "../providers/oauth/io.js"
import { LoginError, type LoginIO, type LoginOptions, LoginOverrides, type LoginSession } from "../providers/oauth/session.js"
import * as UpstreamDispatchers from "../providers/shared/dispatchers.js"
import { Store } from "../store/store.js"
import * as StoreLayer from "../store/store-layer.js"

/** What the command line asked for. @category models */
export interface LoginRequest extends LoginOptions {
  readonly provider: LoginProvider
  readonly configFile: string
  /** Print the URL (and the SSH tunnel hint) instead of opening a browser. */
  readonly noBrowser: boolean
}

/** The lines telling the user how to let the provider's redirect reach this machine. @category messages */
export const tunnelHint = (port: number): ReadonlyArray<string> => [
  `The sign-in comes back to http://localhost:${port} on this machine. If your browser runs elsewhere, forward that port first:`,
  `  ssh -L ${port}:127.0.0.1:${port} user@this-host     (Docker: publish port ${port} or run this inside the container)`
]

/** Shows the user where to go: the browser is opened when allowed and possible, the URL is always printed. */
const present = (io: LoginIO, session: LoginSession, noBrowser: boolean, open: (url: string) => Effect.Effect<boolean>) =>
  Effect.gen(function*() {
    const opened = noBrowser ? false : yield* open(session.url)
    if (!opened && session.callbackPort !== undefined) {
      if (!noBrowser) yield* io.say("No browser could be opened here.")
      yield* Effect.forEach(tunnelHint(session.callbackPort), io.say, { discard: true })
    }
    yield* io.say(opened ? "Opened your browser at this URL (open it yourself if nothing shows):" : "Open this URL in your browser:")
    yield* io.say(session.url)
    if (session.userCode !== undefined) yield* io.say(`and check that the page shows the code ${session.userCode}.`)
  })

/** Runs one login and saves the credential; failures are printed in plain words and fail the effect. @category programs */
export const login = (request: LoginRequest) =>
  Effect.gen(function*() {
    const overrides = yield* LoginOverrides
    // the same store the server uses (a backend's mirror, pushed before exit, or the auth-dir)
    const services = Layer.merge(
      StoreLayer.layer({ configFile: request.configFile, watch: false, ...(overrides.env === undefined ? {} : { env: overrides.env }) }),
      UpstreamDispatchers.layer()
    )
    yield* Effect.scoped(Effect.gen(function*() {
      const io = overrides.io ?? (yield* makeTerminal())
      const store = yield* Store
      const text = yield* store.config.read.pipe(
        Effect.mapError((e) => new ConfigError({ path: store.config.path, message: `cannot read the config: ${e.message}` }))
      )
      const { config } = yield* parseConfig(text ?? "", store.config.path)
      const dispatchers = yield* UpstreamDispatchers.UpstreamDispatchers
      const ctx = loginContext(config, dispatchers, io, overrides)
      const flow = logins[request.provider]
      yield* io.say(`Logging in to ${flow.title}.`)
      const session = yield* flow.start(ctx, request)
      yield* present(io, session, request.noBrowser, overrides.openBrowser ?? openBrowser)
      const record = yield* session.result
      const saved = yield* store.save(record.id, record.metadata).pipe(
        Effect.mapError((e) => new LoginError({ reason: "NotSaved", message: `signed in, but the credential could not be saved: ${e.message}` }))
      )
      yield* io.say(`Logged in as ${record.account}.`)
      yield* io.say(`Saved the credential to ${saved.path}`)
    }).pipe(Effect.provide(services)))
  }).pipe(
    Effect.tapErrorTag("LoginError", (e) => Console.error(`${logins[request.provider].title} login failed: ${e.message}`)),
    Effect.tapErrorTag("ConfigError", (e) => Console.error(`config error: ${e.message}`)),
    Effect.tapErrorTag("StoreUnavailable", (e) => Console.error(`store error: ${e.message}`))
  )

export { LoginOverrides, type Overrides } from "../providers/oauth/session.js"
