import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import { CALLBACK as CLAUDE_CALLBACK } from "../providers/claude/endpoints.js"
import { CALLBACK as CODEX_CALLBACK } from "../providers/codex/endpoints.js"
import { CALLBACK as GEMINI_CALLBACK } from "../providers/gemini-cli/endpoints.js"
import { CALLBACK as IFLOW_CALLBACK } from "../providers/iflow/endpoints.js"
import type { LoginProvider } from "../providers/logins.js"
import { successPage } from "../providers/oauth/callback-server.js"
import { json, query, refuse } from "./respond.js"
import { WebLogins } from "./web-logins.js"

/** The Go version's start endpoints and the login each one runs (spec/03 A.5). */
const starters: ReadonlyArray<readonly [HttpRouter.PathInput, LoginProvider]> = [
  ["/anthropic-auth-url", "claude"],
  ["/codex-auth-url", "codex"],
  ["/gemini-cli-auth-url", "gemini"],
  ["/qwen-auth-url", "qwen"],
  ["/iflow-auth-url", "iflow"]
]

const startLogin = (provider: LoginProvider) =>
  Effect.gen(function*() {
    const q = yield* query
    const projectId = q.get("project_id")?.trim()
    const started = yield* Effect.either((yield* WebLogins).start(provider, projectId ? { projectId } : {}))
    if (started._tag === "Left") return refuse(500, started.left.message)
    const { url, state, userCode } = started.right
    return json({ status: "ok", url, state, ...(userCode === undefined ? {} : { user_code: userCode }) })
  })

/** The `*-auth-url` starters and `GET /get-auth-status?state=`. @category routes */
export const loginRoutes = starters
  .reduce(
    (router, [path, provider]) => HttpRouter.get(router, path, startLogin(provider)),
    HttpRouter.empty as HttpRouter.HttpRouter<never, WebLogins>
  )
  .pipe(
    HttpRouter.get(
      "/get-auth-status",
      Effect.gen(function*() {
        const state = (yield* query).get("state") ?? ""
        return json(yield* (yield* WebLogins).status(state))
      })
    )
  )

/** The main server's callback routes and the local callback each one stands for. */
const callbacks: ReadonlyArray<readonly [HttpRouter.PathInput, LoginProvider, string]> = [
  ["/anthropic/callback", "claude", CLAUDE_CALLBACK.path],
  ["/codex/callback", "codex", CODEX_CALLBACK.path],
  ["/google/callback", "gemini", GEMINI_CALLBACK.path],
  ["/iflow/callback", "iflow", IFLOW_CALLBACK.path]
]

/** The callback routes' paths, for the front door's matching. @category routes */
export const loginCallbackPaths: ReadonlySet<string> = new Set(callbacks.map(([route]) => String(route)))

const deliver = (provider: LoginProvider, path: string) =>
  Effect.gen(function*() {
    const port = yield* (yield* WebLogins).callbackPort(provider)
    const page = (status: number, html: string) => HttpServerResponse.text(html, { status, contentType: "text/html; charset=utf-8" })
    if (port === undefined) return page(404, "<!doctype html><title>No sign-in waiting</title><p>No sign-in is waiting for this callback. Start the login again from the control panel.</p>")
    // the login's own callback server checks and takes the answer, as if the browser had come there
    const q = (yield* query).toString()
    const delivered = yield* Effect.tryPromise(() => fetch(`http://127.0.0.1:${port}${path}${q ? `?${q}` : ""}`, { redirect: "manual" })).pipe(Effect.option)
    return delivered._tag === "Some" ? page(200, successPage) : page(502, "<!doctype html><title>Sign-in not delivered</title><p>The waiting login could not be reached. Start it again.</p>")
  })

/**
 * `GET /anthropic/callback`, `/codex/callback`, `/google/callback`, `/iflow/callback` on the
 * main port, open like the Go version's: the provider's redirect, when it reaches the
 * proxy's own address, is handed to the waiting login.
 * @category routes
 */
export const callbackRoutes = callbacks.reduce(
  (router, [route, provider, path]) => HttpRouter.get(router, route, deliver(provider, path)),
  HttpRouter.empty as HttpRouter.HttpRouter<never, WebLogins>
)
