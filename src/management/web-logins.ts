import { randomBytes } from "node:crypto"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import { ConfigService } from "../config/config-service.js"
import { type LoginProvider, logins } from "../providers/logins.js"
import { loginContext } from "../providers/oauth/context.js"
import { makeRecording } from "../providers/oauth/io.js"
import { type LoginError, type LoginOptions, LoginOverrides } from "../providers/oauth/session.js"
import { UpstreamDispatchers } from "../providers/shared/dispatchers.js"
import { Store } from "../store/store.js"

/** A login started from the web: where the browser goes, and the id to poll it by. @category models */
export interface Started {
  readonly url: string
  readonly state: string
  /** Device-code logins: the code the page shows. */
  readonly userCode?: string
}

/** Where a web login stands: waiting, failed with a message, or done (also: unknown). @category models */
export type LoginStatus = { readonly status: "wait" } | { readonly status: "error"; readonly error: string } | { readonly status: "ok" }

/** Logins started from the management API, run in the background. @category models */
export interface Service {
  /** Starts a provider's login: its callback server listens, the URL is known; the rest runs in the background. */
  readonly start: (provider: LoginProvider, options: LoginOptions) => Effect.Effect<Started, LoginError>
  /** A login's status; an error is reported once, then forgotten (spec/03 A.5). */
  readonly status: (state: string) => Effect.Effect<LoginStatus>
  /** The local callback port of a pending login of this provider, for the main server's callback routes. */
  readonly callbackPort: (provider: LoginProvider) => Effect.Effect<number | undefined>
}

/** The web logins. @category tags */
export class WebLogins extends Context.Tag("cli-proxy-api/WebLogins")<WebLogins, Service>() {}

interface Pending {
  readonly provider: LoginProvider
  readonly scope: Scope.CloseableScope
  readonly callbackPort: number | undefined
}

/**
 * Builds the service. A new login of a provider replaces a pending one (their callback
 * port is the same); every login ends within the flows' own 5-minute limit, its callback
 * server closed with it; nothing waits on a terminal (questions get no answer: Gemini
 * takes the first project, Qwen names the account `qwen-<ms>` as the Go version's web flow).
 * @category constructors
 */
export const make = Effect.gen(function*() {
  const store = yield* Store
  const config = yield* ConfigService
  const dispatchers = yield* UpstreamDispatchers
  const pending = new Map<string, Pending>()
  const outcome = new Map<string, LoginStatus>()
  const outer = yield* Effect.scope
  const overrides = yield* LoginOverrides

  const finish = (state: string) =>
    Effect.suspend(() => {
      const p = pending.get(state)
      pending.delete(state)
      return p === undefined ? Effect.void : Scope.close(p.scope, Exit.void)
    })

  const start = (provider: LoginProvider, options: LoginOptions) =>
    Effect.gen(function*() {
      for (const [state, p] of pending) {
        if (p.provider !== provider) continue
        yield* finish(state)
        outcome.set(state, { status: "error", error: "replaced by a newer login" })
      }
      const ctx = loginContext(config.current(), dispatchers, overrides.io ?? makeRecording().io, overrides)
      const scope = yield* Scope.fork(outer, ExecutionStrategy.sequential)
      const session = yield* logins[provider].start(ctx, provider === "qwen" && options.email === undefined ? { ...options, email: `qwen-${Date.now()}` } : options).pipe(
        Scope.extend(scope),
        Effect.tapError(() => Scope.close(scope, Exit.void))
      )
      const state = `${provider}-${randomBytes(12).toString("hex")}`
      pending.set(state, { provider, scope, callbackPort: session.callbackPort })
      outcome.set(state, { status: "wait" })
      yield* session.result.pipe(
        Effect.flatMap((record) => store.save(record.id, record.metadata)),
        Effect.matchEffect({
          onFailure: (e) => Effect.sync(() => outcome.set(state, { status: "error", error: e.message })),
          onSuccess: () => Effect.sync(() => outcome.delete(state))
        }),
        Effect.ensuring(finish(state)),
        Effect.forkIn(outer)
      )
      return { url: session.url, state, ...(session.userCode === undefined ? {} : { userCode: session.userCode }) }
    })

  const status = (state: string) =>
    Effect.sync((): LoginStatus => {
      const s = outcome.get(state)
      if (s === undefined) return { status: "ok" }
      if (s.status === "error") outcome.delete(state)
      return s
    })

  const callbackPort = (provider: LoginProvider) =>
    Effect.sync(() => [...pending.values()].find((p) => p.provider === provider)?.callbackPort)

  return WebLogins.of({ start, status, callbackPort })
})

/** The service as a scoped Layer (pending logins end with it). @category layers */
export const layer = Layer.scoped(WebLogins, make)
