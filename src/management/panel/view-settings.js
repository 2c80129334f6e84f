// Settings: the main toggles and values, each written to config.yaml as soon as it changes.
import { api } from "./api.js"
import { fill, h, note, section } from "./ui.js"

export const id = "settings"
export const title = "Settings"

// route, where the value sits in GET /config, kind, and what it does
const settings = [
  ["/debug", ["debug"], "boolean", "Debug logging"],
  ["/logging-to-file", ["logging-to-file"], "boolean", "Log to files (logs/main.log) instead of stdout"],
  ["/request-log", ["request-log"], "boolean", "Request log: a file per model call, with its request and answers"],
  ["/usage-statistics-enabled", ["usage-statistics-enabled"], "boolean", "Collect usage statistics"],
  ["/quota-exceeded/switch-project", ["quota-exceeded", "switch-project"], "boolean", "On quota errors, switch to another project"],
  ["/quota-exceeded/switch-preview-model", ["quota-exceeded", "switch-preview-model"], "boolean", "On quota errors, switch to a preview model"],
  ["/disable-cooling", ["disable-cooling"], "boolean", "Never cool down a credential after a 429"],
  ["/ws-auth", ["ws-auth"], "boolean", "AI Studio relay (/v1/ws) needs a client key"],
  ["/request-retry", ["request-retry"], "integer", "Retries of a failed upstream request"],
  ["/proxy-url", ["proxy-url"], "string", "Upstream proxy URL (http, https or socks5; empty for none)"]
]

const valueAt = (config, path) => path.reduce((v, k) => (v == null ? undefined : v[k]), config)

function control([route, path, kind, label], config, out) {
  const inputId = `setting-${path.join("-")}`
  const current = valueAt(config, path)
  const input = kind === "boolean"
    ? h("input", { type: "checkbox", id: inputId, checked: current === true })
    : h("input", { type: kind === "integer" ? "number" : "text", id: inputId, value: current ?? "", step: kind === "integer" ? 1 : null })
  input.addEventListener("change", async () => {
    const value = kind === "boolean" ? input.checked : kind === "integer" ? Number(input.value) : input.value.trim()
    input.disabled = true
    try {
      await api("PUT", route, { value })
      fill(out, note(`Saved: ${label}.`, "ok"))
    } catch (e) {
      fill(out, note(`${label}: ${e.message}`, "error"))
      if (kind === "boolean") input.checked = !input.checked
    } finally {
      input.disabled = false
    }
  })
  return kind === "boolean"
    ? h("div", { class: "row" }, input, h("label", { for: inputId }, label))
    : h("div", { class: "row" }, h("label", { for: inputId }, label), input)
}

export function show(container) {
  const out = h("div", { class: "out", "aria-live": "polite" })
  const here = () => container.dataset.view === id // still on this view when the answer comes
  api("GET", "/config")
    .then((config) => here() && fill(container, section("Settings", null, h("p", {}, "Changes are written to config.yaml and take effect at once."), settings.map((s) => control(s, config, out)), out)))
    .catch((e) => here() && fill(container, note(e.message, "error")))
}
