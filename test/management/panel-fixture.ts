/**
 * A server for the control panel's browser tests and screenshots: a management key, one
 * client key, and two Claude Code sign-ins served by the Claude fake.
 */
import { hashSync } from "bcryptjs"
import { Effect } from "effect"
import * as Claude from "../fakes/claude.js"
import { startServer } from "../support/server.js"

export const SECRET = "panel-secret"
/** Stored already hashed, at bcrypt's lowest cost: the server need not hash it at start, and checking it is quick. */
const SECRET_HASH = hashSync(SECRET, 4)
export const CLIENT_KEY = "panel-client-key"
/** A model the Claude Code sign-ins serve. */
export const CLAUDE_MODEL = "claude-opus-4-1-20250805"

const later = new Date(Date.now() + 365 * 86_400_000).toISOString()

/** A Claude Code auth file as the Go version writes it. */
export const claudeAuth = (email: string, token: string) =>
  JSON.stringify({ type: "claude", access_token: token, refresh_token: `r-${token}`, email, expired: later })

/** The two sign-ins: file name -> access token. */
export const accounts = {
  "claude-alpha@example.com.json": "tok-alpha",
  "claude-beta@example.com.json": "tok-beta"
} as const

/**
 * Boots the Claude fake and the server; `extra` lines (given the fake's URL) are added to
 * config.yaml, and `endpoints` to its upstream-endpoints.
 */
export const startPanelServer = (
  extra: ReadonlyArray<string> | ((claudeUrl: string) => ReadonlyArray<string>) = [],
  endpoints: Readonly<Record<string, string>> = {}
) =>
  Effect.gen(function*() {
    const claude = yield* Claude.make({ models: [] })
    const server = yield* startServer([
      `api-keys: [${CLIENT_KEY}]`,
      "remote-management:",
      `  secret-key: "${SECRET_HASH}"`,
      "upstream-endpoints:",
      `  claude: ${claude.url}`,
      ...Object.entries(endpoints).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
      ...(typeof extra === "function" ? extra(claude.url) : extra)
    ].join("\n"), {
      auths: Object.fromEntries(Object.entries(accounts).map(([name, token]) => [name, claudeAuth(name.slice(7, -5), token)]))
    })
    return { server, claude }
  })

/** A Claude Messages call through the proxy with the client key; answers the status. */
export const callClaude = (url: string, model = CLAUDE_MODEL) =>
  Effect.promise(async () => {
    const res = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": CLIENT_KEY, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: "user", content: "hi" }] })
    })
    await res.text()
    return res.status
  })
