import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { challengeOf } from "../../src/providers/oauth/pkce.js"
import { decodeAuthFile, parseTime } from "../../src/store/auth-file.js"
import * as OAuth from "../fakes/oauth-server.js"
import { startLogin } from "../support/login.js"

const RFC3339_LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/

/** The file decodes as an auth file of that type, and its mode is 0600. */
const checkFile = (authDir: string, name: string, type: string) => {
  const file = path.join(authDir, name)
  const json: unknown = JSON.parse(fs.readFileSync(file, "utf8"))
  const decoded = decodeAuthFile(json)
  expect(Either.isRight(decoded) ? decoded.right.type : decoded.left).toBe(type)
  expect(fs.statSync(file).mode & 0o777).toBe(0o600)
}

const expiresInAboutAnHour = (value: unknown) => {
  expect(value).toMatch(RFC3339_LOCAL)
  const at = parseTime(value as string) ?? 0
  expect(Math.abs(at - (Date.now() + 3600_000))).toBeLessThan(60_000)
}

describe("login flows against the fake OAuth servers", () => {
  it.scopedLive("codex: PKCE consent, the callback redirects to /success, and codex-<email>.json is written", () =>
    Effect.gen(function*() {
      const run = yield* startLogin("codex")
      const url = new URL(yield* run.url)
      expect(url.origin + url.pathname).toBe(`${run.fake.url}/codex/authorize`)
      const q = url.searchParams
      expect(q.get("client_id")).toBe("app_EMoamEEZ73f0CkXaXp7hrann")
      expect(q.get("scope")).toBe("openid email profile offline_access")
      expect(q.get("code_challenge_method")).toBe("S256")
      expect(q.get("state")).toMatch(/^[0-9a-f]{32}$/)
      expect(q.get("redirect_uri")).toMatch(/^http:\/\/localhost:\d+\/auth\/callback$/)
      expect(q.get("prompt")).toBe("login")
      expect(run.lines.join("\n")).toContain("ssh -L")

      const browser = yield* OAuth.consent(url.toString())
      expect(browser.status).toBe(302)
      expect(browser.location).toBe("/success")
      expect(Either.isRight(yield* run.done)).toBe(true)

      const token = (yield* run.fake.requests).find((r) => r.path === "/codex/token")
      const form = new URLSearchParams(token?.body)
      expect(form.get("code_verifier")).toHaveLength(128)
      expect(challengeOf(form.get("code_verifier") ?? "")).toBe(q.get("code_challenge"))

      expect(run.files()).toEqual(["codex-me@example.com.json"])
      const saved = run.read("codex-me@example.com.json")
      expect(Object.keys(saved)).toEqual(["id_token", "access_token", "refresh_token", "account_id", "last_refresh", "email", "type", "expired"])
      expect(saved).toMatchObject({ access_token: "at-1", refresh_token: "rt-1", account_id: "acct-123", email: "me@example.com", type: "codex" })
      expect(saved.last_refresh).toMatch(RFC3339_LOCAL)
      expiresInAboutAnHour(saved.expired)
      checkFile(run.authDir, "codex-me@example.com.json", "codex")
      expect(run.lines.at(-1)).toBe(`Saved the credential to ${path.join(run.authDir, "codex-me@example.com.json")}`)
    }))

  it.scopedLive("claude: the code's #state is split off and the exchange is JSON; claude-<email>.json", () =>
    Effect.gen(function*() {
      const run = yield* startLogin("claude", { fake: { email: "claude@example.com" } })
      const url = new URL(yield* run.url)
      expect(url.searchParams.get("code")).toBe("true")
      expect(url.searchParams.get("scope")).toBe("org:create_api_key user:profile user:inference")
      expect(url.searchParams.get("redirect_uri")).toMatch(/^http:\/\/localhost:\d+\/callback$/)
      const browser = yield* OAuth.consent(url.toString())
      expect(browser.location).toBe("/success")
      expect(Either.isRight(yield* run.done)).toBe(true)
      const exchange = (yield* run.fake.requests).find((r) => r.path === "/claude/token")
      expect(exchange?.json).toMatchObject({ grant_type: "authorization_code", state: url.searchParams.get("state"), client_id: "9d1c250a-e61b-44d9-88ed-5944d1962f5e" })
      const saved = run.read("claude-claude@example.com.json")
      expect(Object.keys(saved)).toEqual(["id_token", "access_token", "refresh_token", "last_refresh", "email", "type", "expired"])
      expect(saved).toMatchObject({ id_token: "", access_token: "at-1", email: "claude@example.com", type: "claude" })
      checkFile(run.authDir, "claude-claude@example.com.json", "claude")
    }))

  it.scopedLive("iflow: Basic-auth exchange, then the API key from getUserInfo; named by phone without email", () =>
    Effect.gen(function*() {
      const run = yield* startLogin("iflow", { fake: { email: "", phone: "13800000000" } })
      const url = new URL(yield* run.url)
      expect(url.pathname).toBe("/iflow/oauth")
      expect(url.searchParams.get("redirect")).toMatch(/^http:\/\/localhost:\d+\/oauth2callback$/)
      expect(url.searchParams.get("loginMethod")).toBe("phone")
      const browser = yield* OAuth.consent(url.toString())
      expect(browser.status).toBe(302)
      expect(browser.location).toBe(`${run.fake.url}/iflow/oauth/success`)
      expect(Either.isRight(yield* run.done)).toBe(true)
      const saved = run.read("iflow-13800000000.json")
      expect(Object.keys(saved)).toEqual(["access_token", "refresh_token", "last_refresh", "expired", "api_key", "email", "token_type", "scope", "type"])
      expect(saved).toMatchObject({ api_key: "sk-iflow-at-1", email: "13800000000", token_type: "Bearer", scope: "read write", type: "iflow" })
      checkFile(run.authDir, "iflow-13800000000.json", "iflow")
    }))

  it.scopedLive("qwen: device code, two pending polls and a slow_down, then qwen-<alias>.json with the alias asked for", () =>
    Effect.gen(function*() {
      const run = yield* startLogin("qwen", { fake: { qwenPending: 2, qwenSlowDown: 1 }, answers: ["  me@qwen.example  "] })
      expect(yield* run.url).toBe("https://chat.qwen.ai/authorize?user_code=ABCD-1234&client=qwen-code")
      expect(Either.isRight(yield* run.done)).toBe(true)
      const requests = yield* run.fake.requests
      const device = new URLSearchParams(requests[0]?.body)
      expect(device.get("code_challenge_method")).toBe("S256")
      expect(device.get("scope")).toBe("openid profile email model.completion")
      const polls = requests.filter((r) => r.path === "/qwen/token")
      expect(polls).toHaveLength(4)
      expect(new URLSearchParams(polls[0]?.body).get("code_verifier")).toHaveLength(43)
      expect(run.lines).toContain("and check that the page shows the code ABCD-1234.")
      expect(run.lines.join("\n")).not.toContain("ssh -L")
      const saved = run.read("qwen-me@qwen.example.json")
      expect(Object.keys(saved)).toEqual(["access_token", "refresh_token", "last_refresh", "resource_url", "email", "type", "expired"])
      expect(saved).toMatchObject({ resource_url: "portal.qwen.ai", email: "me@qwen.example", type: "qwen" })
      checkFile(run.authDir, "qwen-me@qwen.example.json", "qwen")
    }))

  it.scopedLive("gemini: token, userinfo, the project picked by number, onboarding polled, the API enabled; <email>-<project>.json", () =>
    Effect.gen(function*() {
      const run = yield* startLogin("gemini", { answers: ["nonsense", "2"], codeAssist: { project: "proj-2", onboardPolls: 2 } })
      const url = new URL(yield* run.url)
      expect([...url.searchParams.keys()]).toEqual(["access_type", "client_id", "prompt", "redirect_uri", "response_type", "scope", "state"])
      expect(url.searchParams.get("state")).toBe("state-token")
      expect(url.searchParams.get("redirect_uri")).toMatch(/^http:\/\/localhost:\d+\/oauth2callback$/)
      const browser = yield* OAuth.consent(url.toString())
      expect(browser.status).toBe(200)
      expect(browser.body).toContain("Signed in")
      const outcome = yield* run.done
      expect(Either.isRight(outcome) ? "ok" : outcome.left.message).toBe("ok")
      expect(run.lines).toContain("  [2] proj-2 (Second project)")
      expect(run.lines).toContain("Project ID or number [proj-1]: ")
      expect(run.lines).toContain("Not in the list: enter a project ID or a number from the list.")

      const assist = yield* run.codeAssist.requests
      expect(assist.map((r) => r.path)).toEqual(["/v1internal:loadCodeAssist", "/v1internal:onboardUser", "/v1internal:onboardUser", "/v1internal:onboardUser"])
      expect(assist[1]?.json).toMatchObject({ tierId: "free-tier", cloudaicompanionProject: "proj-2" })
      expect(assist[0]?.headers["client-metadata"]).toBe("ideType=IDE_UNSPECIFIED,platform=PLATFORM_UNSPECIFIED,pluginType=GEMINI")
      const usage = (yield* run.fake.requests).filter((r) => r.path.startsWith("/serviceusage"))
      expect(usage.map((r) => `${r.method} ${r.path}`)).toEqual([
        "GET /serviceusage/v1/projects/proj-2/services/cloudaicompanion.googleapis.com",
        "POST /serviceusage/v1/projects/proj-2/services/cloudaicompanion.googleapis.com:enable"
      ])

      const saved = run.read("me@example.com-proj-2.json")
      expect(Object.keys(saved)).toEqual(["token", "project_id", "email", "auto", "checked", "type"])
      const token = saved.token as Record<string, unknown>
      expect(Object.keys(token)).toEqual([...Object.keys(token)].sort())
      expect(token).toMatchObject({ access_token: "at-1", refresh_token: "rt-1", token_type: "Bearer", token_uri: "https://oauth2.googleapis.com/token", universe_domain: "googleapis.com", expires_in: 3600 })
      expect((token.scopes as Array<string>)).toHaveLength(3)
      expiresInAboutAnHour(token.expiry)
      expect(saved).toMatchObject({ project_id: "proj-2", email: "me@example.com", auto: false, checked: true, type: "gemini" })
      checkFile(run.authDir, "me@example.com-proj-2.json", "gemini")
    }))

  it.scopedLive("gemini: --project-id picks without asking, and with no one to answer the first project is the default", () =>
    Effect.gen(function*() {
      const picked = yield* startLogin("gemini", { request: { projectId: "proj-2" }, fake: { serviceEnabled: true } })
      yield* OAuth.consent(yield* picked.url)
      expect(Either.isRight(yield* picked.done)).toBe(true)
      expect(picked.lines.join("\n")).not.toContain("Project ID or number")
      expect(picked.files()).toEqual(["me@example.com-proj-2.json"])
      // already enabled: no :enable call
      expect((yield* picked.fake.requests).filter((r) => r.path.endsWith(":enable"))).toEqual([])

      const defaulted = yield* startLogin("gemini")
      yield* OAuth.consent(yield* defaulted.url)
      expect(Either.isRight(yield* defaulted.done)).toBe(true)
      expect(defaulted.files()).toEqual(["me@example.com-proj-1.json"])
    }))

  it.scopedLive("without --no-browser the browser is opened; when it cannot be, the tunnel hint is shown; the URL is printed either way", () =>
    Effect.gen(function*() {
      const opened: Array<string> = []
      const withBrowser = yield* startLogin("claude", { request: { noBrowser: false }, openBrowser: (url) => Effect.sync(() => opened.push(url) > 0) })
      const url = yield* withBrowser.url
      expect(opened).toEqual([url])
      expect(withBrowser.lines.join("\n")).not.toContain("ssh -L")
      expect(withBrowser.lines).toContain("Opened your browser at this URL (open it yourself if nothing shows):")
      yield* OAuth.consent(url)
      expect(Either.isRight(yield* withBrowser.done)).toBe(true)

      const noBrowser = yield* startLogin("iflow", { request: { noBrowser: false }, openBrowser: () => Effect.succeed(false) })
      yield* noBrowser.url
      const port = new URL(new URL(yield* noBrowser.url).searchParams.get("redirect") ?? "").port
      expect(noBrowser.lines).toContain("No browser could be opened here.")
      expect(noBrowser.lines.join("\n")).toContain(`ssh -L ${port}:127.0.0.1:${port}`)
      expect(noBrowser.lines).toContain("Open this URL in your browser:")
    }))
})
