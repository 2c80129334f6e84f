/**
 * Fake OAuth servers of all five login providers in one (spec/02 §1a, §5a, §6a, §7a, §8a),
 * each under its own path prefix so one `upstream-endpoints` block points every login at it:
 *
 * - consent pages that redirect (302) straight back to the login's callback with a code and
 *   the state (or `error=access_denied` when `deny` is set), remembering the PKCE challenge
 *   and redirect URI for the code;
 * - token endpoints in each provider's shape (form, or JSON for Claude; Basic auth for
 *   iFlow) that check the code, the redirect URI and the PKCE verifier against the challenge;
 * - Google userinfo, the project list and Service Usage check/enable; iFlow getUserInfo;
 *   Qwen's device code and its token polling with a scripted number of pending answers.
 *
 * Code Assist onboarding (`loadCodeAssist`, `onboardUser`) is `gemini-code-assist.ts`.
 */
import { createHash } from "node:crypto"
import { Context, Effect, Layer } from "effect"
import * as FakeServer from "./fake-server.js"
import type { RecordedRequest } from "./script.js"

/** The endpoints that can be made to fail. @category models */
export type Endpoint =
  | "google-token" | "google-userinfo" | "google-projects" | "google-enable"
  | "codex-token" | "claude-token" | "qwen-device" | "qwen-token" | "iflow-token" | "iflow-userinfo"

/** How the fake behaves. @category models */
export interface Options extends FakeServer.Options {
  /** The account's email (default `me@example.com`); `""` for none. */
  readonly email?: string
  /** iFlow: the account's phone (default none). */
  readonly phone?: string
  /** Google: the account's projects (default `proj-1`, `proj-2`). */
  readonly projects?: ReadonlyArray<{ readonly projectId: string; readonly name?: string }>
  /** Google: the Cloud AI Companion API is already on (default false: the login must enable it). */
  readonly serviceEnabled?: boolean
  /** Consent pages refuse: the callback gets `error=access_denied`. */
  readonly deny?: boolean
  /** Qwen: `authorization_pending` answers before the token (default 2). */
  readonly qwenPending?: number
  /** Qwen: then `slow_down` answers (default 0). */
  readonly qwenSlowDown?: number
  /** Qwen: the user refuses on the verification page (`access_denied` instead of the token). */
  readonly qwenDeny?: boolean
  /** Endpoints that answer this status (with that provider's error body) instead. */
  readonly fail?: Partial<Readonly<Record<Endpoint, number>>>
  /** Token lifetime in seconds (default 3600). */
  readonly expiresIn?: number
}

/** The fake OAuth server. @category tags */
export class OAuthFake extends Context.Tag("cli-proxy-api/test/OAuthFake")<OAuthFake, FakeServer.Service>() {}

/** The `upstream-endpoints` entries pointing every login at the fake (and Code Assist at `codeAssist`). @category config */
export const endpoints = (url: string, codeAssist?: string): Record<string, string> => ({
  "gemini-oauth-authorize": `${url}/google/authorize`,
  "gemini-oauth": `${url}/google/token`,
  "gemini-userinfo": `${url}/google/userinfo?alt=json`,
  "gemini-projects": `${url}/google/projects`,
  "gemini-serviceusage": `${url}/serviceusage`,
  ...(codeAssist === undefined ? {} : { "gemini-cli": codeAssist }),
  "codex-oauth-authorize": `${url}/codex/authorize`,
  "codex-oauth": `${url}/codex/token`,
  "claude-oauth-authorize": `${url}/claude/authorize`,
  "claude-oauth": `${url}/claude/token`,
  "qwen-device-code": `${url}/qwen/device/code`,
  "qwen-oauth": `${url}/qwen/token`,
  "iflow-oauth": `${url}/iflow`
})

/** The same as a config.yaml block. @category config */
export const endpointsYaml = (url: string, codeAssist?: string): string =>
  `upstream-endpoints:\n${Object.entries(endpoints(url, codeAssist)).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`).join("\n")}\n`

/** A JWT-shaped id_token (unsigned) carrying OpenAI's claims. @category tokens */
export const idToken = (claims: Record<string, unknown>): string =>
  `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`

const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url")

interface Grant {
  readonly redirectUri: string
  readonly challenge: string | undefined
  readonly state: string
}

const redirect = (location: string): FakeServer.Rendered => ({ status: 302, headers: { location }, frames: [""], stream: false })

const oauthError = (status: number, error: string, description: string) =>
  FakeServer.json(status, { error, error_description: description })

const googleError = (status: number, message: string) =>
  FakeServer.json(status, { error: { code: status, message, status: status === 403 ? "PERMISSION_DENIED" : "INVALID_ARGUMENT" } })

const form = (request: RecordedRequest) => new URLSearchParams(request.body)

const spec = (options: Options): FakeServer.FakeSpec => {
  const email = options.email ?? "me@example.com"
  const expiresIn = options.expiresIn ?? 3600
  const projects = options.projects ?? [{ projectId: "proj-1", name: "First project" }, { projectId: "proj-2", name: "Second project" }]
  const grants = new Map<string, Grant>()
  const devices = new Map<string, { challenge: string; polls: number }>()
  let enabled = options.serviceEnabled ?? false
  let minted = 0

  const failing = (endpoint: Endpoint): FakeServer.Rendered | undefined => {
    const status = options.fail?.[endpoint]
    if (status === undefined) return undefined
    return endpoint.startsWith("google") ? googleError(status, `scripted failure of ${endpoint}`) : oauthError(status, "server_error", `scripted failure of ${endpoint}`)
  }

  /** A consent page: remembers the grant and sends the browser back at once. */
  const authorize = (request: RecordedRequest, provider: string, redirectParam: string): FakeServer.Rendered => {
    const back = new URL(request.query[redirectParam] ?? "http://invalid/")
    const state = request.query["state"] ?? ""
    if (options.deny) {
      back.searchParams.set("error", "access_denied")
      back.searchParams.set("state", state)
      return redirect(back.toString())
    }
    const code = `${provider}-code-${grants.size + 1}`
    grants.set(code, { redirectUri: back.origin + back.pathname, challenge: request.query["code_challenge"], state })
    // Anthropic hands the state back inside the code too
    back.searchParams.set("code", provider === "claude" ? `${code}#${state}` : code)
    back.searchParams.set("state", state)
    return redirect(back.toString())
  }

  /** Checks a code exchange: known code, same redirect URI, and the verifier matching the challenge. */
  const redeem = (code: string | undefined, redirectUri: string | undefined, verifier: string | undefined): FakeServer.Rendered | Grant => {
    const grant = code === undefined ? undefined : grants.get(code)
    if (grant === undefined) return oauthError(400, "invalid_grant", "unknown or used authorization code")
    if (grant.redirectUri !== redirectUri) return oauthError(400, "invalid_grant", "redirect_uri does not match")
    if (grant.challenge !== undefined && (verifier === undefined || s256(verifier) !== grant.challenge)) {
      return oauthError(400, "invalid_grant", "code_verifier does not match the code_challenge")
    }
    grants.delete(code as string)
    return grant
  }

  const tokens = (extra: Record<string, unknown> = {}) => {
    minted++
    return FakeServer.json(200, {
      access_token: `at-${minted}`,
      refresh_token: `rt-${minted}`,
      token_type: "Bearer",
      expires_in: expiresIn,
      ...extra
    })
  }

  const bearerOk = (request: RecordedRequest) => /^Bearer at-\d+$/.test(request.headers["authorization"] ?? "")

  const route = (request: RecordedRequest): FakeServer.Rendered => {
    const { method, path } = request
    const get = method === "GET"
    // Google
    if (get && path === "/google/authorize") return authorize(request, "google", "redirect_uri")
    if (!get && path === "/google/token") {
      const body = form(request)
      if (body.get("client_secret") === null || body.get("client_id") === null) return oauthError(401, "invalid_client", "client credentials missing")
      const grant = redeem(body.get("code") ?? undefined, body.get("redirect_uri") ?? undefined, undefined)
      return "status" in grant ? grant : failing("google-token") ?? tokens({ scope: "openid" })
    }
    if (get && path === "/google/userinfo") {
      if (!bearerOk(request)) return googleError(401, "Request had invalid authentication credentials.")
      return failing("google-userinfo") ?? FakeServer.json(200, { id: "1", ...(email === "" ? {} : { email, verified_email: true }) })
    }
    if (get && path === "/google/projects") {
      if (!bearerOk(request)) return googleError(401, "Request had invalid authentication credentials.")
      return failing("google-projects") ?? FakeServer.json(200, { projects: projects.map((p) => ({ ...p, lifecycleState: "ACTIVE", projectNumber: "1" })) })
    }
    const service = /^\/serviceusage\/v1\/projects\/([^/]+)\/services\/([^/:]+)(:enable)?$/.exec(path)
    if (service !== null) {
      if (!bearerOk(request)) return googleError(401, "Request had invalid authentication credentials.")
      if (get && service[3] === undefined) {
        return FakeServer.json(200, { name: `projects/${service[1]}/services/${service[2]}`, state: enabled ? "ENABLED" : "DISABLED" })
      }
      if (!get && service[3] !== undefined) {
        const failed = failing("google-enable")
        if (failed !== undefined) return failed
        enabled = true
        return FakeServer.json(200, { name: "operations/enable", done: true })
      }
    }
    // OpenAI
    if (get && path === "/codex/authorize") return authorize(request, "codex", "redirect_uri")
    if (!get && path === "/codex/token") {
      const body = form(request)
      const grant = redeem(body.get("code") ?? undefined, body.get("redirect_uri") ?? undefined, body.get("code_verifier") ?? undefined)
      if ("status" in grant) return grant
      return failing("codex-token") ?? tokens({
        id_token: idToken({ email, "https://api.openai.com/auth": { chatgpt_account_id: "acct-123", chatgpt_plan_type: "plus" } })
      })
    }
    // Anthropic
    if (get && path === "/claude/authorize") return authorize(request, "claude", "redirect_uri")
    if (!get && path === "/claude/token") {
      const body = (request.json ?? {}) as Record<string, string | undefined>
      if (request.headers["content-type"] !== "application/json") return oauthError(400, "invalid_request", "JSON body expected")
      if (body["code"]?.includes("#")) return oauthError(400, "invalid_grant", "the code still carries #state")
      const grant = redeem(body["code"], body["redirect_uri"], body["code_verifier"])
      if ("status" in grant) return grant
      if (body["state"] !== grant.state) return oauthError(400, "invalid_grant", "state does not match")
      return failing("claude-token") ?? tokens({
        organization: { uuid: "org-1", name: "Fake Org" },
        account: { uuid: "acct-1", email_address: email }
      })
    }
    // Qwen
    if (!get && path === "/qwen/device/code") {
      const body = form(request)
      const failed = failing("qwen-device")
      if (failed !== undefined) return failed
      const deviceCode = `device-${devices.size + 1}`
      devices.set(deviceCode, { challenge: body.get("code_challenge") ?? "", polls: 0 })
      return FakeServer.json(200, {
        device_code: deviceCode,
        user_code: "ABCD-1234",
        verification_uri: "https://chat.qwen.ai/authorize",
        verification_uri_complete: `https://chat.qwen.ai/authorize?user_code=ABCD-1234&client=qwen-code`,
        expires_in: 900,
        interval: 5
      })
    }
    if (!get && path === "/qwen/token") {
      const body = form(request)
      const device = devices.get(body.get("device_code") ?? "")
      if (device === undefined) return oauthError(400, "invalid_grant", "unknown device code")
      if (s256(body.get("code_verifier") ?? "") !== device.challenge) return oauthError(400, "invalid_grant", "code_verifier does not match")
      device.polls++
      const pending = options.qwenPending ?? 2
      if (device.polls <= pending) return oauthError(400, "authorization_pending", "the user has not confirmed yet")
      if (device.polls <= pending + (options.qwenSlowDown ?? 0)) return oauthError(400, "slow_down", "poll less often")
      if (options.qwenDeny) return oauthError(400, "access_denied", "the user refused")
      return failing("qwen-token") ?? tokens({ resource_url: "portal.qwen.ai" })
    }
    // iFlow
    if (get && path === "/iflow/oauth") return authorize(request, "iflow", "redirect")
    if (!get && path === "/iflow/oauth/token") {
      const basic = `Basic ${Buffer.from("10009311001:4Z3YjXycVsQvyGF1etiNlIBB4RsqSDtW").toString("base64")}`
      if (request.headers["authorization"] !== basic) return oauthError(401, "invalid_client", "Basic client authentication required")
      const body = form(request)
      const grant = redeem(body.get("code") ?? undefined, body.get("redirect_uri") ?? undefined, undefined)
      return "status" in grant ? grant : failing("iflow-token") ?? tokens({ scope: "read write" })
    }
    if (get && path === "/iflow/api/oauth/getUserInfo") {
      const failed = failing("iflow-userinfo")
      if (failed !== undefined) return failed
      if (!/^at-\d+$/.test(request.query["accessToken"] ?? "")) return FakeServer.json(200, { success: false, message: "invalid token" })
      return FakeServer.json(200, {
        success: true,
        data: { apiKey: `sk-iflow-${request.query["accessToken"]}`, email: email === "" ? null : email, phone: options.phone ?? null }
      })
    }
    return FakeServer.json(404, { error: "not_found", path })
  }

  return { name: "oauth", errorBody: (status, message) => JSON.stringify({ error: "server_error", error_description: message ?? `status ${status}` }), route }
}

/** Starts the fake for the current scope. @category constructors */
export const make = (options: Options = {}) => FakeServer.make(spec(options), options)

/** The fake as a scoped Layer on 127.0.0.1:0. @category layers */
export const layer = (options: Options = {}) => Layer.scoped(OAuthFake, make(options))

/** Starts the fake without Effect; call `close()` when done. @category constructors */
export const start = (options: Options = {}) => FakeServer.start(spec(options), options)

/** What the browser sees at the end of a consent: the callback's answer to the redirect. @category models */
export interface Consent {
  /** Where the consent page sent the browser (our callback, with code and state). */
  readonly callback: string
  readonly status: number
  readonly location: string | null
  readonly body: string
}

/**
 * Plays the browser: opens the consent URL (the fake redirects at once), follows the
 * redirect to the login's callback server, and loads the page that one redirects to (its
 * answer is what `status` and `location` report).
 * @category browser
 */
export const consent = (authorizeUrl: string): Effect.Effect<Consent> =>
  Effect.promise(async () => {
    const page = await fetch(authorizeUrl, { redirect: "manual" })
    const callback = page.headers.get("location")
    if (page.status !== 302 || callback === null) throw new Error(`the consent page answered ${page.status}: ${await page.text()}`)
    const res = await fetch(callback, { redirect: "manual" })
    const location = res.headers.get("location")
    const body = await res.text()
    // a browser then loads the page it was sent to (the callback server waits for it)
    if (res.status === 302 && location !== null) await fetch(new URL(location, callback)).then((r) => r.text()).catch(() => "")
    return { callback, status: res.status, location, body }
  })
