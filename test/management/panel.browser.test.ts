/**
 * The control panel in a real browser (issue 8 point 4): Debian's Chromium driven by
 * playwright-core against the real server, with two Claude Code sign-ins on the Claude fake.
 * One browser for the file; each test has its own server and browser context.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll } from "vitest"
import { LoginOverrides } from "../../src/providers/oauth/session.js"
import * as OAuth from "../fakes/oauth-server.js"
import { launchChromium } from "../support/browser.js"
import { eventuallyEffect, http } from "../support/server.js"
import { accounts, callClaude, CLAUDE_MODEL, claudeAuth, CLIENT_KEY, SECRET, startPanelServer } from "./panel-fixture.js"

let browser: Browser | undefined
beforeAll(async () => {
  browser = await launchChromium()
}, 60_000)
afterAll(async () => {
  await browser?.close()
})

/** A fresh browser context and page for one test, closed with the test's scope. */
const newPage = Effect.acquireRelease(
  Effect.promise(async () => {
    if (browser === undefined) throw new Error("Chromium did not start")
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    page.setDefaultTimeout(8000)
    page.on("dialog", (d) => void d.accept()) // the confirm() before a delete
    return page
  }),
  (page) => Effect.promise(() => page.context().close())
)

const ui = <A>(f: () => Promise<A>) => Effect.promise(f)

/** Opens the panel and logs in; `view` picks the section. */
const logIn = (page: Page, url: string, view = "credentials") =>
  ui(async () => {
    await page.goto(`${url}/management.html#${view}`)
    await page.getByLabel("Management key").fill(SECRET)
    await page.getByRole("button", { name: "Log in" }).click()
    await page.locator(`#view[data-view="${view}"]`).waitFor()
  })

const rowOf = (page: Page, name: string) => page.locator(`tr[data-name="${name}"]`)
const badge = (page: Page, name: string, status: string) => rowOf(page, name).locator(".badge", { hasText: status }).waitFor()

/** The access tokens the Claude fake saw on model calls since `from`. */
const tokensSeen = (claude: { readonly requests: Effect.Effect<ReadonlyArray<{ path: string; headers: Readonly<Record<string, string>> }>> }, from = 0) =>
  Effect.map(claude.requests, (rs) => rs.slice(from).filter((r) => r.path === "/v1/messages").map((r) => r.headers.authorization))

/** Makes `n` Claude calls through the proxy (each must succeed); answers the tokens they went upstream with. */
const tokensOfCalls = (url: string, claude: Parameters<typeof tokensSeen>[0], n: number) =>
  Effect.gen(function*() {
    const before = (yield* claude.requests).length
    for (let i = 0; i < n; i++) expect(yield* callClaude(url)).toBe(200)
    return yield* tokensSeen(claude, before)
  })

/** A server, a page, and the panel open on `view` after logging in. */
const session = (view = "credentials", extra: ReadonlyArray<string> = []) =>
  Effect.gen(function*() {
    const { server, claude } = yield* startPanelServer(extra)
    const page = yield* newPage
    yield* logIn(page, server.url, view)
    return { server, claude, page }
  })

const [ALPHA, BETA] = Object.keys(accounts) as [keyof typeof accounts, keyof typeof accounts]

describe("control panel in Chromium", () => {
  it.scopedLive("asks for the management key: a wrong one is refused, the right one shows the credentials with status; the key stays in sessionStorage", () =>
    Effect.gen(function*() {
      const { server } = yield* startPanelServer()
      const page = yield* newPage
      yield* ui(async () => {
        await page.goto(`${server.url}/management.html`)
        await page.getByLabel("Management key").fill("wrong-key")
        await page.getByRole("button", { name: "Log in" }).click()
        await page.locator("#login-error", { hasText: "invalid management key" }).waitFor()
        expect(await page.locator("#app").isHidden()).toBe(true)
      })
      yield* logIn(page, server.url)
      yield* ui(async () => {
        for (const name of [ALPHA, BETA]) await badge(page, name, "active")
        const cells = await rowOf(page, ALPHA).locator("td").allTextContents()
        expect(cells.slice(0, 4)).toEqual([ALPHA, "claude", "alpha@example.com", "active"])
        expect(await page.locator("#store").textContent()).toMatch(/^Stored in files in .+auths\.$/)
        expect(await page.evaluate("Object.values(sessionStorage)")).toEqual([SECRET])
        expect(await page.evaluate("localStorage.length")).toBe(0)
        expect(page.url()).not.toContain(SECRET)
        await page.reload() // same tab: still logged in
        await badge(page, BETA, "active")
        await page.getByRole("button", { name: "Log out" }).click()
        await page.getByLabel("Management key").waitFor()
        expect(await page.evaluate("sessionStorage.length")).toBe(0)
      })
    }))

  it.scopedLive("disabling a credential makes the proxy skip it; enabling it brings it back", () =>
    Effect.gen(function*() {
      const { server, claude, page } = yield* session()
      yield* ui(async () => {
        await rowOf(page, ALPHA).getByRole("button", { name: "Disable" }).click()
        await badge(page, ALPHA, "disabled")
      })
      expect(JSON.parse(fs.readFileSync(path.join(server.dir, "auths", ALPHA), "utf8")).disabled).toBe(true)
      expect(yield* tokensOfCalls(server.url, claude, 4)).toEqual(Array(4).fill("Bearer tok-beta"))

      yield* ui(async () => {
        await rowOf(page, ALPHA).getByRole("button", { name: "Enable" }).click()
        await badge(page, ALPHA, "active")
      })
      expect(new Set(yield* tokensOfCalls(server.url, claude, 4))).toEqual(new Set(["Bearer tok-alpha", "Bearer tok-beta"]))
    }))

  it.scopedLive("deletes a credential, and uploads an auth file the proxy then uses; a bad file is refused with its reason", () =>
    Effect.gen(function*() {
      const { server, claude, page } = yield* session()
      yield* ui(async () => {
        await rowOf(page, ALPHA).getByRole("button", { name: "Delete" }).click()
        await rowOf(page, ALPHA).waitFor({ state: "detached" })
      })
      expect(fs.existsSync(path.join(server.dir, "auths", ALPHA))).toBe(false)

      const gamma = "claude-gamma@example.com.json"
      yield* ui(async () => {
        await page.locator("#upload").setInputFiles({ name: gamma, mimeType: "application/json", buffer: Buffer.from(claudeAuth("gamma@example.com", "tok-gamma")) })
        await page.locator(".msg.ok", { hasText: `Uploaded ${gamma}.` }).waitFor()
        await badge(page, gamma, "active")
      })
      expect(new Set(yield* tokensOfCalls(server.url, claude, 4))).toEqual(new Set(["Bearer tok-beta", "Bearer tok-gamma"]))

      yield* ui(async () => {
        await page.locator("#upload").setInputFiles({ name: "broken.json", mimeType: "application/json", buffer: Buffer.from("{not json") })
        await page.locator(".msg.error", { hasText: "invalid auth file" }).waitFor()
      })
      expect(fs.existsSync(path.join(server.dir, "auths", "broken.json"))).toBe(false)
    }))

  it.scopedLive("a client key added in the panel works on /v1/models at once; edited, the old one stops; deleted, it is refused", () =>
    Effect.gen(function*() {
      const { server } = yield* startPanelServer()
      const page = yield* newPage
      const models = (key: string) => Effect.map(http(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } }), (r) => r.status)
      expect(yield* models("fresh-key")).toBe(401)
      yield* logIn(page, server.url, "keys")
      yield* ui(async () => {
        await page.getByLabel("New key").fill("fresh-key")
        await page.getByRole("button", { name: "Add key" }).click()
        await page.locator(`li[data-key="fresh-key"]`).waitFor()
      })
      expect(yield* models("fresh-key")).toBe(200)
      expect(server.config.current().apiKeys).toEqual([CLIENT_KEY, "fresh-key"])
      yield* ui(async () => {
        const li = page.locator(`li[data-key="fresh-key"]`)
        await li.getByRole("button", { name: "Edit" }).click()
        await li.getByLabel("Client key").fill("fresh-key-2")
        await li.getByRole("button", { name: "Save" }).click()
        await page.locator(`li[data-key="fresh-key-2"]`).waitFor()
      })
      expect(yield* models("fresh-key")).toBe(401)
      expect(yield* models("fresh-key-2")).toBe(200)
      yield* ui(async () => {
        await page.locator(`li[data-key="fresh-key-2"]`).getByRole("button", { name: "Delete" }).click()
        await page.locator(`li[data-key="fresh-key-2"]`).waitFor({ state: "detached" })
      })
      expect(yield* models("fresh-key-2")).toBe(401)
      expect(yield* models(CLIENT_KEY)).toBe(200)
    }))

  it.scopedLive("upstream keys: a Claude key added, edited and deleted in the panel is what the proxy sends upstream", () =>
    Effect.gen(function*() {
      const { server, claude } = yield* startPanelServer()
      const page = yield* newPage
      const list = page.locator(`section[data-list="claude-api-key"]`)
      const callHaiku = callClaude(server.url, "haiku")
      const lastKey = Effect.map(claude.requests, (rs) => rs.filter((r) => r.path === "/v1/messages").at(-1)?.headers["x-api-key"])
      yield* logIn(page, server.url, "keys")
      yield* ui(async () => {
        await list.getByRole("button", { name: "Add" }).click()
        await list.getByLabel("API key").fill("sk-ant-first")
        await list.getByLabel("Base URL").fill(claude.url)
        await list.getByLabel("Models").fill("claude-3-5-haiku-20241022=haiku")
        await list.getByRole("button", { name: "Add", exact: true }).last().click()
        await list.locator("tbody tr").waitFor()
      })
      expect(server.config.current().claudeApiKey.map((k) => [k.apiKey, k.baseUrl, k.models])).toEqual([
        ["sk-ant-first", claude.url, [{ name: "claude-3-5-haiku-20241022", alias: "haiku" }]]
      ])
      expect(yield* callHaiku).toBe(200)
      expect(yield* lastKey).toBe("sk-ant-first")

      yield* ui(async () => {
        await list.locator("tbody tr").getByRole("button", { name: "Edit" }).click()
        await list.getByLabel("API key").fill("sk-ant-second")
        await list.getByRole("button", { name: "Save" }).click()
        await list.locator("td", { hasText: "sk-a…cond" }).waitFor()
      })
      expect(server.config.current().claudeApiKey.map((k) => [k.apiKey, k.models.length])).toEqual([["sk-ant-second", 1]])
      expect(yield* callHaiku).toBe(200)
      expect(yield* lastKey).toBe("sk-ant-second")

      yield* ui(async () => {
        await list.locator("tbody tr").getByRole("button", { name: "Delete" }).click()
        await list.locator(".msg", { hasText: "None." }).waitFor()
      })
      expect(server.config.current().claudeApiKey).toEqual([])
    }))

  it.scopedLive("an OpenAI-compatible provider is added with its keys and models", () =>
    Effect.gen(function*() {
      const { server } = yield* startPanelServer()
      const page = yield* newPage
      const list = page.locator(`section[data-list="openai-compatibility"]`)
      yield* logIn(page, server.url, "keys")
      yield* ui(async () => {
        await list.getByRole("button", { name: "Add" }).click()
        await list.getByLabel("Name", { exact: true }).fill("router")
        await list.getByLabel("Base URL").fill("http://127.0.0.1:9/v1")
        await list.getByLabel("API keys").fill("k-one, k-two")
        await list.getByLabel("Models").fill("vendor/model-x=mx")
        await list.getByRole("button", { name: "Add", exact: true }).last().click()
        await list.locator("tbody tr", { hasText: "router" }).waitFor()
      })
      const [entry] = server.config.current().openaiCompatibility
      expect(entry?.apiKeyEntries.map((e) => e.apiKey)).toEqual(["k-one", "k-two"])
      expect(entry?.models).toEqual([{ name: "vendor/model-x", alias: "mx" }])
      const listed = (yield* http(`${server.url}/v1/models`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } })).json() as { data: Array<{ id: string }> }
      expect(listed.data.map((m) => m.id)).toContain("mx")
    }))

  it.scopedLive("the main toggles are written to config.yaml and in force", () =>
    Effect.gen(function*() {
      const { server, page } = yield* session("settings")
      yield* ui(async () => {
        await page.getByLabel("Debug logging").check()
        await page.locator(".msg.ok", { hasText: "Saved: Debug logging." }).waitFor()
        await page.getByLabel("Never cool down").check()
        await page.locator(".msg.ok", { hasText: "Saved: Never cool down" }).waitFor()
        await page.getByLabel("Retries").fill("2")
        await page.getByLabel("Retries").press("Tab")
        await page.locator(".msg.ok", { hasText: "Saved: Retries" }).waitFor()
        await page.getByLabel("Upstream proxy URL").fill("socks5://127.0.0.1:1080")
        await page.getByLabel("Upstream proxy URL").press("Tab")
        await page.locator(".msg.ok", { hasText: "Saved: Upstream proxy URL" }).waitFor()
      })
      const config = server.config.current()
      expect([config.debug, config.disableCooling, config.requestRetry, config.proxyUrl]).toEqual([true, true, 2, "socks5://127.0.0.1:1080"])
      expect(fs.readFileSync(server.configFile, "utf8")).toMatch(/^debug: true$/m)
      yield* ui(async () => {
        await page.getByLabel("Debug logging").uncheck()
        await page.locator(".msg.ok", { hasText: "Saved: Debug logging." }).waitFor()
      })
      yield* eventuallyEffect(Effect.sync(() => server.config.current().debug === false), "debug off")
    }))

  it.scopedLive("the log tail shows new lines as they are written; with file logging off it says how to turn it on", () =>
    Effect.gen(function*() {
      const { server } = yield* startPanelServer(["logging-to-file: true"])
      const page = yield* newPage
      yield* logIn(page, server.url, "logs")
      yield* http(`${server.url}/v1/models/panel-log-marker`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } })
      yield* ui(() => page.locator("#log-lines", { hasText: "GET /v1/models/panel-log-marker 404" }).waitFor())

      const { server: quiet } = yield* startPanelServer()
      yield* logIn(page, quiet.url, "logs")
      yield* ui(() => page.locator(".msg", { hasText: "Logging to file is off" }).waitFor())
    }))

  it.scopedLive("the usage charts change after a request: per model and per day, from the server's own statistics", () =>
    Effect.gen(function*() {
      const { server, claude, page } = yield* session("usage")
      const perModel = page.locator(`figure[data-chart="Requests per model"]`)
      yield* ui(() => perModel.locator(".msg", { hasText: "No requests recorded yet." }).waitFor())
      expect(yield* tokensOfCalls(server.url, claude, 1)).toHaveLength(1)
      // the view refreshes every 5 s; coming back to it loads at once
      const reopen = ui(async () => {
        await page.goto(`${server.url}/management.html#credentials`)
        await page.goto(`${server.url}/management.html#usage`)
      })
      yield* reopen
      yield* ui(() => perModel.locator(`rect[data-label="${CLAUDE_MODEL}"][data-value="1"]`).waitFor())
      yield* tokensOfCalls(server.url, claude, 2)
      yield* reopen
      yield* ui(async () => {
        await perModel.locator(`rect[data-label="${CLAUDE_MODEL}"][data-value="3"]`).waitFor()
        const days = await page.locator(`figure[data-chart="Requests per day"] rect`).evaluateAll((rs) => rs.map((r) => r.getAttribute("data-value")))
        expect(days).toEqual(["3"])
        expect(await page.locator(".totals dd").first().textContent()).toBe("3")
      })
    }))

  it.scopedLive("a login started in the panel completes against the fake OAuth server: the consent page, progress, then the new credential", () =>
    Effect.gen(function*() {
      const oauth = yield* OAuth.make()
      const { server } = yield* startPanelServer([], OAuth.endpoints(oauth.url)).pipe(
        Effect.provideService(LoginOverrides, { port: 0, pollInterval: "10 millis" })
      )
      const page = yield* newPage
      yield* logIn(page, server.url, "logins")
      yield* ui(async () => {
        const card = page.locator(`[data-provider="codex"]`)
        await card.getByRole("button", { name: "Sign in with OpenAI Codex" }).click()
        await card.locator(".msg", { hasText: "Waiting for the sign-in to finish" }).waitFor()
        expect(await card.locator("a.auth-url").getAttribute("href")).toContain(`${oauth.url}/codex/authorize?`)
        // the user opens the consent page; the fake consents at once and sends the browser to the login's callback
        // (the tab's own end page is not awaited: the callback server may close before the tab asks for it)
        await Promise.all([page.context().waitForEvent("page"), card.locator("a.auth-url").click()])
        await card.locator(".msg.ok", { hasText: "OpenAI Codex: signed in." }).waitFor()
        await page.goto(`${server.url}/management.html#credentials`)
        await badge(page, "codex-me@example.com.json", "active")
      })
    }))
})

// Answers stubbed in the browser: a 404 from a server without the endpoint, several days and
// models of the documented GET /usage shape, a device login and a failed one
describe("control panel sections, with the API's answers stubbed in the browser", () => {
  it.scopedLive("usage and logins say they are not available when a server (an older one) answers 404", () =>
    Effect.gen(function*() {
      const { server } = yield* startPanelServer()
      const page = yield* newPage
      yield* ui(() => page.route(/\/v0\/management\/(usage|anthropic-auth-url)/, (r) => r.fulfill({ status: 404, body: "{}" })))
      yield* logIn(page, server.url, "usage")
      yield* ui(async () => {
        await page.locator(".msg", { hasText: "Usage statistics: not available on this server yet." }).waitFor()
        await page.goto(`${server.url}/management.html#logins`)
        await page.getByRole("button", { name: "Sign in with Claude Code" }).click()
        await page.locator(".msg", { hasText: "Signing in from the panel: not available on this server yet." }).waitFor()
      })
    }))

  it.scopedLive("usage charts draw the documented GET /usage shape (spec/03 A.5) per day and per model, and the new numbers when loaded again", () =>
    Effect.gen(function*() {
      const { server } = yield* startPanelServer()
      const page = yield* newPage
      const snapshot = (n: number) => ({
        usage: {
          total_requests: 3 + n, success_count: 3 + n, failure_count: 0, total_tokens: 900 + n * 100,
          requests_by_day: { "2025-11-02": 1, "2025-11-03": 2 + n }, tokens_by_day: { "2025-11-02": 300, "2025-11-03": 600 + n * 100 },
          apis: {
            [CLIENT_KEY]: { total_requests: 3 + n, total_tokens: 900 + n * 100, models: {
              "gemini-2.5-pro": { total_requests: 2, total_tokens: 600, details: [] },
              "claude-opus-4-1-20250805": { total_requests: 1 + n, total_tokens: 300 + n * 100, details: [] }
            } }
          }
        },
        failed_requests: 0
      })
      let served = 0
      yield* ui(() => page.route(/\/v0\/management\/usage$/, (r) => r.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(snapshot(served)) })))
      const bar = (chart: string, label: string) => page.locator(`figure[data-chart="${chart}"] rect[data-label="${label}"]`)
      yield* logIn(page, server.url, "usage")
      yield* ui(async () => {
        expect(await bar("Requests per day", "2025-11-03").getAttribute("data-value")).toBe("2")
        expect(await bar("Requests per model", "gemini-2.5-pro").getAttribute("data-value")).toBe("2")
        expect(await bar("Tokens per model", "claude-opus-4-1-20250805").getAttribute("data-value")).toBe("300")
        served = 5 // the view refreshes every 5 s; coming back to it loads at once
        await page.goto(`${server.url}/management.html#credentials`)
        await page.goto(`${server.url}/management.html#usage`)
        await page.locator(`figure[data-chart="Requests per model"] rect[data-label="claude-opus-4-1-20250805"][data-value="6"]`).waitFor()
        expect(await bar("Requests per day", "2025-11-03").getAttribute("data-value")).toBe("7")
      })
    }))

  it.scopedLive("a device login shows its code; a login that fails shows the provider's reason once", () =>
    Effect.gen(function*() {
      const { server } = yield* startPanelServer()
      const page = yield* newPage
      const polls: Array<string> = []
      yield* ui(async () => {
        await page.route(/\/v0\/management\/qwen-auth-url/, (r) =>
          r.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ status: "ok", url: "http://127.0.0.1:9/device?user_code=ABCD-1234", state: "st-1", user_code: "ABCD-1234" }) }))
        await page.route(/\/v0\/management\/get-auth-status/, (r) => {
          polls.push(new URL(r.request().url()).search)
          const body = polls.length < 2 ? { status: "wait" } : { status: "error", error: "access_denied: the user refused" }
          return r.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(body) })
        })
      })
      yield* logIn(page, server.url, "logins")
      yield* ui(async () => {
        const card = page.locator(`[data-provider="qwen"]`)
        await card.getByRole("button", { name: "Sign in with Qwen Code" }).click()
        await card.locator(".user-code", { hasText: "ABCD-1234" }).waitFor()
        await card.locator(".msg.error", { hasText: "Qwen Code: access_denied: the user refused" }).waitFor()
        expect(await card.getByRole("button", { name: "Sign in with Qwen Code" }).isEnabled()).toBe(true)
      })
      expect(polls).toEqual(["?state=st-1", "?state=st-1"])
    }))
})
