/**
 * The authorization-code login shared by Gemini, Codex, Claude and iFlow: a local callback
 * server, the consent URL pointing back at it, then one wait for the browser's return (with
 * a deadline) and the provider's own exchange of the code.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { type CallbackReply, listen, successPage, successRedirectReply } from "./callback-server.js"
import { makePkce, type Pkce, randomHex } from "./pkce.js"
import { DEFAULT_TIMEOUT, type LoginContext, LoginError, type LoginRecord, type LoginSession } from "./session.js"

/** What a provider adds to the shared flow. @category models */
export interface CallbackFlow {
  readonly ctx: LoginContext
  /** The provider's name in messages ("Codex"). */
  readonly name: string
  /** The registered port and path; `ctx.port` overrides the port. */
  readonly callback: { readonly port: number; readonly path: string }
  readonly reply: (query: URLSearchParams) => CallbackReply
  readonly pages?: Readonly<Record<string, string>>
  /** The consent URL for a redirect URI. */
  readonly authorizeUrl: (redirectUri: string) => string
  /** The state sent; the callback must carry it back (unset: not checked, as the Gemini CLI does). */
  readonly state?: string
  /** Exchanges the code and makes the record. */
  readonly finish: (callback: { readonly code: string; readonly state: string; readonly redirectUri: string }) => Effect.Effect<LoginRecord, LoginError>
}

/** The callback's query checked: an error is a refusal, no code is a failure, a foreign state is rejected. @category callbacks */
export const checkCallback = (
  name: string,
  query: URLSearchParams,
  state: string | undefined
): Effect.Effect<{ readonly code: string; readonly state: string }, LoginError> => {
  const error = query.get("error")
  if (error !== null) {
    const description = query.get("error_description")
    return Effect.fail(new LoginError({
      reason: "Denied",
      message: `${name} refused the sign-in: ${error}${description ? ` (${description})` : ""}`
    }))
  }
  const code = query.get("code")
  if (!code) return Effect.fail(new LoginError({ reason: "Denied", message: `${name} sent the browser back without an authorization code` }))
  const returned = query.get("state") ?? ""
  if (state !== undefined && returned !== state) {
    return Effect.fail(new LoginError({ reason: "StateMismatch", message: "the sign-in callback carries a state that is not this login's (a stale or forged callback); run the login again" }))
  }
  return Effect.succeed({ code, state: returned })
}

/** Starts the flow: the callback server listens (in the scope) and the consent URL is known. @category constructors */
export const startCallbackLogin = (flow: CallbackFlow): Effect.Effect<LoginSession, LoginError, Scope.Scope> =>
  Effect.gen(function*() {
    const server = yield* listen({
      port: flow.ctx.port ?? flow.callback.port,
      path: flow.callback.path,
      reply: flow.reply,
      ...(flow.pages === undefined ? {} : { pages: flow.pages })
    })
    const redirectUri = `http://localhost:${server.port}${flow.callback.path}`
    const timeout = Duration.decode(flow.ctx.timeout ?? DEFAULT_TIMEOUT)
    const result = Effect.gen(function*() {
      const deadline = (yield* Clock.currentTimeMillis) + Duration.toMillis(timeout)
      const query = yield* flow.ctx.io.waiting(
        `the ${flow.name} sign-in in the browser`,
        deadline,
        server.query.pipe(Effect.timeoutFail({
          duration: timeout,
          onTimeout: () => new LoginError({ reason: "Timeout", message: `no sign-in came back within ${Duration.format(timeout)}; run the login again` })
        }))
      )
      const checked = yield* checkCallback(flow.name, query, flow.state)
      return yield* flow.finish({ ...checked, redirectUri })
    })
    return { url: flow.authorizeUrl(redirectUri), callbackPort: server.port, result }
  })

/** What an OpenAI- or Anthropic-style PKCE sign-in adds to the shared flow. @category models */
export interface PkceFlow {
  readonly ctx: LoginContext
  readonly name: string
  readonly callback: { readonly port: number; readonly path: string }
  /** The consent page. */
  readonly authorize: string
  /** The consent page's query for a redirect URI, PKCE pair and state. */
  readonly query: (redirectUri: string, pkce: Pkce, state: string) => Readonly<Record<string, string>>
  readonly finish: (
    callback: { readonly code: string; readonly state: string; readonly redirectUri: string },
    pkce: Pkce
  ) => Effect.Effect<LoginRecord, LoginError>
}

/**
 * The Codex and Claude sign-in: PKCE S256 with a 96-byte verifier, a 16-byte hex state that
 * must come back, and the callback redirecting to a `/success` page (spec/02 §5a, §6a).
 * @category constructors
 */
export const startPkceLogin = (flow: PkceFlow): Effect.Effect<LoginSession, LoginError, Scope.Scope> =>
  Effect.gen(function*() {
    const pkce = yield* makePkce(96)
    const state = yield* randomHex(16)
    return yield* startCallbackLogin({
      ctx: flow.ctx,
      name: flow.name,
      callback: flow.callback,
      reply: successRedirectReply,
      pages: { "/success": successPage },
      state,
      authorizeUrl: (redirectUri) => `${flow.authorize}?${new URLSearchParams({ ...flow.query(redirectUri, pkce, state) })}`,
      finish: (callback) => flow.finish(callback, pkce)
    })
  })
