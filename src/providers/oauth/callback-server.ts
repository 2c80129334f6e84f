/**
 * The local server an OAuth provider redirects the browser to. It lives in a Scope (closed on
 * success, failure and interrupt alike), answers the first hit on its path with the
 * provider's page or redirect, and hands that hit's query to the login.
 */
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Scope from "effect/Scope"
import { LoginError } from "./session.js"

/** How the callback answers the browser: a page, or a redirect. @category models */
export type CallbackReply =
  | { readonly status: number; readonly html: string }
  | { readonly redirect: string }

/** Where to listen and how to answer. @category models */
export interface CallbackServerOptions {
  /** The port (0: any free one). */
  readonly port: number
  /** The callback path, e.g. `/oauth2callback`. */
  readonly path: string
  /** Host to bind; all interfaces when absent, as in the Go version (Docker port mappings need it). */
  readonly host?: string
  /** The answer to the callback hit, from its query. */
  readonly reply: (query: URLSearchParams) => CallbackReply
  /** Further pages by path, e.g. `/success`. */
  readonly pages?: Readonly<Record<string, string>>
}

/** A listening callback server. @category models */
export interface CallbackServer {
  /** The port it listens on (the given one, or the one picked for 0). */
  readonly port: number
  /** Waits for the first hit on the callback path and returns its query. */
  readonly query: Effect.Effect<URLSearchParams>
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** A small page for the browser after the callback. @category pages */
export const page = (title: string, text: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
  `<body style="font-family:sans-serif;margin:4em auto;max-width:32em"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`

/** The page shown once the browser has handed over the code. @category pages */
export const successPage = page("Signed in", "cli-proxy-api has received the sign-in. You can close this window and return to the terminal.")

/** The page shown when the sign-in came back without a code. @category pages */
export const failurePage = (reason: string) => page("Sign-in failed", `${reason}. Return to the terminal for details.`)

/** Google's way: the callback itself shows the result. @category replies */
export const pageReply = (query: URLSearchParams): CallbackReply =>
  query.has("error")
    ? { status: 400, html: failurePage(`The provider answered ${query.get("error")}`) }
    : query.get("code")
      ? { status: 200, html: successPage }
      : { status: 400, html: failurePage("No authorization code arrived") }

/** OpenAI's and Anthropic's way: 400 for an error or a missing code or state, else a redirect to `/success`. @category replies */
export const successRedirectReply = (query: URLSearchParams): CallbackReply =>
  query.has("error") || !query.get("code") || !query.get("state") ? pageReply(query) : { redirect: "/success" }

const listenError = (port: number, error: NodeJS.ErrnoException): LoginError =>
  error.code === "EADDRINUSE"
    ? new LoginError({
      reason: "PortInUse",
      message: `port ${port} is already in use, and the sign-in must come back to it: ` +
        `stop what listens there (another login still waiting?) and try again`
    })
    : new LoginError({ reason: "PortInUse", message: `cannot listen on port ${port} for the sign-in callback: ${error.message}` })

/** Starts the callback server for the current scope. @category constructors */
export const listen = (options: CallbackServerOptions): Effect.Effect<CallbackServer, LoginError, Scope.Scope> =>
  Effect.gen(function*() {
    const hit = yield* Deferred.make<URLSearchParams>()
    // after a redirect the browser comes back for the page it was sent to: the server
    // waits for it (briefly) before closing, or the user would see a connection error
    const followed = yield* Deferred.make<void>()
    let redirected = false
    const handler = (req: Http.IncomingMessage, res: Http.ServerResponse) => {
      const url = new URL(req.url ?? "/", "http://localhost")
      const extra = options.pages?.[url.pathname]
      if (req.method === "GET" && url.pathname === options.path) {
        const reply = options.reply(url.searchParams)
        if ("redirect" in reply) {
          redirected = true
          res.writeHead(302, { location: reply.redirect, connection: "close" }).end()
        }
        else res.writeHead(reply.status, { "content-type": "text/html; charset=utf-8", connection: "close" }).end(reply.html)
        Deferred.unsafeDone(hit, Exit.succeed(url.searchParams))
      } else if (req.method === "GET" && extra !== undefined) {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", connection: "close" }).end(extra)
        Deferred.unsafeDone(followed, Exit.void)
      } else {
        res.writeHead(404, { "content-type": "text/plain", connection: "close" }).end("not found")
      }
    }
    const server = yield* Effect.acquireRelease(
      Effect.async<Http.Server, LoginError>((resume) => {
        const server = Http.createServer(handler)
        server.once("error", (e) => resume(Effect.fail(listenError(options.port, e))))
        server.listen({ port: options.port, ...(options.host === undefined ? {} : { host: options.host }) }, () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.zipRight(
          redirected ? Effect.ignore(Effect.timeout(Effect.interruptible(Deferred.await(followed)), "2 seconds")) : Effect.void,
          Effect.async<void>((resume) => {
            server.close(() => resume(Effect.void))
            // a browser's keep-alive connection must not hold the process open
            server.closeAllConnections()
          })
        )
    )
    return { port: (server.address() as AddressInfo).port, query: Deferred.await(hit) }
  })
