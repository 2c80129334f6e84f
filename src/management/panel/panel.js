// The control panel's entry: the login screen, then one view per section, chosen by the
// URL's #hash. Each view module exports { id, title, show(container) } and show may return
// a function that stops its timers when the view is left.
import { api, ApiError, clearKey, getKey, onUnauthorized, setKey } from "./api.js"
import { fill, h } from "./ui.js"
import * as credentials from "./view-credentials.js"
import * as logins from "./view-logins.js"
import * as keys from "./view-keys.js"
import * as usage from "./view-usage.js"
import * as logs from "./view-logs.js"
import * as settings from "./view-settings.js"

const views = [credentials, logins, keys, usage, logs, settings]
const $ = (id) => document.getElementById(id)
let leave

function showLogin(message = "") {
  if (leave) leave()
  leave = undefined
  $("app").hidden = true
  $("login").hidden = false
  $("login-error").textContent = message
  $("login-key").focus()
}

function route() {
  const id = location.hash.slice(1)
  const view = views.find((v) => v.id === id) ?? views[0]
  for (const a of $("nav").children) a.toggleAttribute("aria-current", a.dataset.view === view.id)
  if (leave) leave()
  const container = fill($("view"))
  container.dataset.view = view.id
  leave = view.show(container)
  document.title = `${view.title} · cli-proxy-api`
}

function showApp() {
  $("login").hidden = true
  $("app").hidden = false
  fill($("nav"), views.map((v) => h("a", { href: `#${v.id}`, "data-view": v.id }, v.title)))
  route()
}

/** Checks a key against the API; a refusal is shown on the login screen. */
async function logIn(key) {
  try {
    await api("GET", "/config", undefined, key)
    setKey(key)
    showApp()
  } catch (e) {
    const off = e instanceof ApiError && e.status === 404
    showLogin(off ? "The management API is off: set remote-management.secret-key in config.yaml or MANAGEMENT_PASSWORD." : e.message)
  }
}

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault()
  const key = $("login-key").value
  $("login-key").value = ""
  logIn(key)
})
$("logout").addEventListener("click", () => {
  clearKey()
  showLogin()
})
onUnauthorized((e) => {
  clearKey()
  showLogin(e.message)
})
window.addEventListener("hashchange", () => {
  if (!$("app").hidden) route()
})

if (getKey() !== "") logIn(getKey())
else showLogin()
