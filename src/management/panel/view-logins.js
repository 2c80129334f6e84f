// Logins: start a provider's sign-in from the web (`GET /<provider>-auth-url`), show the
// page to open, and follow its progress with `GET /get-auth-status?state=` until it ends.
import { api, isMissing } from "./api.js"
import { fill, h, note, notAvailable, section } from "./ui.js"

export const id = "logins"
export const title = "Logins"

const providers = [
  { id: "anthropic", label: "Claude Code" },
  { id: "codex", label: "OpenAI Codex" },
  { id: "gemini-cli", label: "Gemini CLI", project: true },
  { id: "qwen", label: "Qwen Code" },
  { id: "iflow", label: "iFlow" }
]

const webPage = (url) => {
  try {
    return ["http:", "https:"].includes(new URL(url).protocol)
  } catch {
    return false
  }
}

const POLL_MS = 1500
const GIVE_UP_MS = 6 * 60 * 1000 // the server waits 5 minutes for the callback

function card(p, timers, live) {
  const out = h("div", { class: "out", "aria-live": "polite" })
  const project = p.project ? h("input", { id: `project-${p.id}`, placeholder: "Google Cloud project (optional)", "aria-label": "Google Cloud project" }) : null
  const start = h("button", { type: "button" }, `Sign in with ${p.label}`)

  async function poll(state, started) {
    try {
      const s = await api("GET", `/get-auth-status?state=${encodeURIComponent(state)}`)
      if (!live()) return
      if (s.status === "wait" && Date.now() - started < GIVE_UP_MS) {
        timers.add(setTimeout(() => poll(state, started), POLL_MS))
        return
      }
      start.disabled = false
      if (s.status === "ok") fill(out, note(`${p.label}: signed in. The new credential is listed under Credentials.`, "ok"))
      else if (s.status === "error") fill(out, note(`${p.label}: ${s.error}`, "error"))
      else fill(out, note(`${p.label}: no answer from the sign-in; start again.`, "error"))
    } catch (e) {
      start.disabled = false
      fill(out, isMissing(e) ? notAvailable("Following a login") : note(e.message, "error"))
    }
  }

  start.addEventListener("click", async () => {
    start.disabled = true
    const query = new URLSearchParams({ is_webui: "true" })
    if (project?.value.trim()) query.set("project_id", project.value.trim())
    try {
      const r = await api("GET", `/${p.id}-auth-url?${query}`)
      if (!webPage(r.url)) throw new Error(`the server answered no sign-in page (${r.url})`)
      fill(
        out,
        h("p", {}, "Open ", h("a", { href: r.url, target: "_blank", rel: "noopener noreferrer", class: "auth-url" }, "the sign-in page"), " and finish there."),
        r.user_code ? h("p", {}, "Code to enter there: ", h("code", { class: "user-code" }, r.user_code)) : null,
        h("p", { class: "msg note", role: "status" }, "Waiting for the sign-in to finish…")
      )
      poll(r.state, Date.now())
    } catch (e) {
      start.disabled = false
      fill(out, isMissing(e) ? notAvailable("Signing in from the panel") : note(e.message, "error"))
    }
  })
  return h("div", { class: "login-provider", "data-provider": p.id }, h("h3", {}, p.label), project, start, out)
}

export function show(container) {
  const timers = new Set()
  let stopped = false
  fill(
    container,
    section(
      "Sign in to a provider",
      null,
      h("p", {}, "Each sign-in adds an auth file to auth-dir; the proxy uses it at once."),
      h("div", { class: "grid" }, providers.map((p) => card(p, timers, () => !stopped)))
    )
  )
  return () => {
    stopped = true
    timers.forEach(clearTimeout)
  }
}
