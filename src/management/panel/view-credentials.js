// Credentials: the auth files with their live status, cooldowns and last error; enable,
// disable, delete; upload new ones.
import { api } from "./api.js"
import { act, every, fill, h, note, section, when } from "./ui.js"

export const id = "credentials"
export const title = "Credentials"

const cooldowns = (file) =>
  (file.cooling ?? []).map((c) => h("div", {}, `${c.model} until ${when(c.until)}${c.reason ? ` (${c.reason})` : ""}`))

const lastError = (e) =>
  e ? h("span", { class: "error", title: when(e.at) }, `${e.status}${e.message ? `: ${e.message}` : ""}`) : ""

function row(file, reload, out) {
  const disabled = file.disabled === true
  const toggle = h("button", { type: "button" }, disabled ? "Enable" : "Disable")
  toggle.addEventListener("click", () =>
    act(toggle, out, () => api("PATCH", "/auth-files/status", { name: file.name, disabled: !disabled }).then(reload)))
  const remove = h("button", { type: "button", class: "danger" }, "Delete")
  remove.addEventListener("click", () => {
    if (!confirm(`Delete ${file.name}? The credential is removed from the proxy.`)) return
    act(remove, out, () => api("DELETE", `/auth-files?name=${encodeURIComponent(file.name)}`).then(reload))
  })
  return h(
    "tr",
    { "data-name": file.name },
    h("td", {}, file.name),
    h("td", {}, file.provider ?? file.type),
    h("td", {}, file.email),
    h("td", {}, h("span", { class: `badge ${file.status}` }, file.status)),
    h("td", {}, cooldowns(file)),
    h("td", {}, lastError(file.last_error)),
    h("td", { class: "actions" }, toggle, remove)
  )
}

/** Where credentials are kept, and whether that backend is in step (`GET /store`). */
const storeLine = ({ kind, backend, online, pending, "last-error": error }) => {
  if (kind === "file") return h("p", { id: "store", class: "msg" }, `Stored in ${backend}.`)
  const state = online
    ? pending > 0 ? `syncing ${pending} change${pending === 1 ? "" : "s"}` : "in step"
    : `unreachable${error ? ` (${error})` : ""}; ${pending} change${pending === 1 ? "" : "s"} waiting, kept locally and retried`
  return h("p", { id: "store", class: online ? "msg" : "msg error" }, `Stored in ${backend}: ${state}.`)
}

export function show(container) {
  const out = h("div", { class: "out" })
  const where = h("div")
  const body = h("tbody")
  const table = h(
    "table",
    {},
    h("thead", {}, h("tr", {}, ["File", "Provider", "Account", "Status", "Cooldowns", "Last error", ""].map((c) => h("th", {}, c)))),
    body
  )
  const list = h("div", {}, table)

  async function reload() {
    const [{ files }, { store }] = await Promise.all([api("GET", "/auth-files"), api("GET", "/store")])
    fill(where, storeLine(store))
    fill(body, files.map((f) => row(f, reload, out)))
    table.hidden = files.length === 0
    list.querySelector(".msg")?.remove()
    if (files.length === 0) list.append(note("No credentials yet: upload an auth file or sign in from Logins."))
  }

  const upload = h("input", { type: "file", id: "upload", accept: ".json,application/json", multiple: true })
  upload.addEventListener("change", async () => {
    const done = []
    try {
      for (const file of upload.files) {
        await api("POST", `/auth-files?name=${encodeURIComponent(file.name)}`, file)
        done.push(file.name)
      }
      fill(out, note(`Uploaded ${done.join(", ")}.`, "ok"))
    } catch (e) {
      fill(out, note(e.message, "error"))
    }
    upload.value = ""
    await reload()
  })
  const refresh = h("button", { type: "button", onclick: () => reload().catch((e) => fill(out, note(e.message, "error"))) }, "Refresh")

  fill(
    container,
    section("Credentials", refresh, where, out, list),
    section("Upload auth files", null, h("label", { for: "upload" }, "Auth file (.json) "), upload)
  )
  return every(5000, () => reload().catch((e) => fill(out, note(e.message, "error"))))
}
