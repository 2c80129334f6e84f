// Keys: the client API keys (`api-keys`) and the upstream key lists (Gemini, Claude, Codex,
// OpenAI-compatible providers), each with add, edit and delete.
import { api } from "./api.js"
import { act, fill, h, mask, note, section } from "./ui.js"

export const id = "keys"
export const title = "Keys"

const newKey = () => "sk-" + [...crypto.getRandomValues(new Uint8Array(18))].map((b) => b.toString(16).padStart(2, "0")).join("")

function clientKeys() {
  const out = h("div", { class: "out" })
  const list = h("ul", { class: "keys" })
  let keys = []
  const reload = async () => {
    keys = (await api("GET", "/api-keys"))["api-keys"] ?? []
    fill(list, keys.length === 0 ? h("li", {}, note("No client keys: the proxy accepts any key.")) : keys.map(item))
  }
  const item = (key, index) => {
    const li = h("li", { "data-key": key })
    const edit = h("button", { type: "button" }, "Edit")
    const del = h("button", { type: "button", class: "danger" }, "Delete")
    edit.addEventListener("click", () => {
      const input = h("input", { value: key, "aria-label": "Client key" })
      const save = h("button", { type: "button" }, "Save")
      save.addEventListener("click", () => act(save, out, () => api("PATCH", "/api-keys", { index, value: input.value.trim() }).then(reload), "Key saved."))
      fill(li, input, save, h("button", { type: "button", onclick: reload }, "Cancel"))
      input.focus()
    })
    del.addEventListener("click", () => act(del, out, () => api("DELETE", `/api-keys?index=${index}`).then(reload), "Key deleted."))
    return fill(li, h("code", {}, key), edit, del)
  }
  const input = h("input", { id: "new-api-key", placeholder: "a new client key" })
  const add = h("button", { type: "button" }, "Add key")
  add.addEventListener("click", () => {
    const value = input.value.trim()
    if (value === "") return
    act(add, out, async () => {
      await api("PUT", "/api-keys", [...keys, value])
      input.value = ""
      await reload()
    }, "Key added.")
  })
  const generate = h("button", { type: "button", class: "quiet", onclick: () => (input.value = newKey()) }, "Generate")
  const el = section(
    "Client API keys",
    null,
    h("p", {}, "Clients present one of these to the proxy (Authorization: Bearer, x-api-key, …)."),
    list,
    h("div", { class: "row" }, h("label", { for: "new-api-key" }, "New key"), input, generate, add),
    out
  )
  reload().catch((e) => fill(out, note(e.message, "error")))
  return el
}

// ---- upstream lists: each field's label and how it converts between the form and the JSON

const models = {
  label: "Models (name=alias, comma separated)",
  show: (v) => (v ?? []).map((m) => (m.alias && m.alias !== m.name ? `${m.name}=${m.alias}` : m.name)).join(", "),
  parse: (text) =>
    text.split(",").map((s) => s.trim()).filter(Boolean).map((s) => {
      const [name, alias] = s.split("=").map((p) => p.trim())
      return { name, alias: alias || name }
    })
}
const plain = (label) => ({ label, show: (v) => v ?? "", parse: (t) => t.trim() })
const secret = (label) => ({ ...plain(label), cell: mask })
const entries = {
  label: "API keys (comma separated)",
  show: (v) => (v ?? []).map((e) => e["api-key"]).join(", "),
  cell: (v) => (v ?? []).map((e) => mask(e["api-key"])).join(", "),
  parse: (text, old) => {
    const before = new Map((old ?? []).map((e) => [e["api-key"], e]))
    return text.split(",").map((s) => s.trim()).filter(Boolean).map((k) => before.get(k) ?? { "api-key": k })
  }
}

const lists = [
  { path: "gemini-api-key", title: "Gemini API keys", fields: { "api-key": secret("API key"), "base-url": plain("Base URL"), "proxy-url": plain("Proxy URL"), models } },
  { path: "claude-api-key", title: "Claude API keys", fields: { "api-key": secret("API key"), "base-url": plain("Base URL"), "proxy-url": plain("Proxy URL"), models } },
  { path: "codex-api-key", title: "Codex API keys", fields: { "api-key": secret("API key"), "base-url": plain("Base URL (required)"), "proxy-url": plain("Proxy URL"), models } },
  { path: "openai-compatibility", title: "OpenAI-compatible providers", fields: { name: plain("Name"), "base-url": plain("Base URL"), "api-key-entries": entries, models } }
]

function upstreamList(kind) {
  const out = h("div", { class: "out" })
  const body = h("tbody")
  const form = h("form", { class: "entry", hidden: true })
  const names = Object.keys(kind.fields)
  let items = []
  const reload = async () => {
    items = (await api("GET", `/${kind.path}`))[kind.path] ?? []
    fill(body, items.map(row))
    table.hidden = items.length === 0
    empty.hidden = items.length > 0
  }
  const row = (item, index) => {
    const edit = h("button", { type: "button", onclick: () => open(index) }, "Edit")
    const del = h("button", { type: "button", class: "danger" }, "Delete")
    del.addEventListener("click", () => act(del, out, () => api("DELETE", `/${kind.path}?index=${index}`).then(reload), "Deleted."))
    const cells = names.map((n) => h("td", {}, (kind.fields[n].cell ?? kind.fields[n].show)(item[n])))
    return h("tr", { "data-index": index }, cells, h("td", { class: "actions" }, edit, del))
  }
  // the form edits one entry (index) or adds one (undefined); fields it does not show are kept
  const open = (index) => {
    const item = index === undefined ? {} : items[index]
    const inputs = names.map((n) => h("input", { id: `${kind.path}-${n}`, name: n, value: kind.fields[n].show(item[n]) }))
    const save = h("button", { type: "submit" }, index === undefined ? "Add" : "Save")
    fill(
      form,
      names.map((n, i) => h("div", { class: "row" }, h("label", { for: inputs[i].id }, kind.fields[n].label), inputs[i])),
      h("div", { class: "row" }, save, h("button", { type: "button", class: "quiet", onclick: () => (form.hidden = true) }, "Cancel"))
    )
    form.onsubmit = (event) => {
      event.preventDefault()
      const value = { ...item }
      names.forEach((n, i) => (value[n] = kind.fields[n].parse(inputs[i].value, item[n])))
      act(save, out, async () => {
        if (index === undefined) await api("PUT", `/${kind.path}`, [...items, value])
        else await api("PATCH", `/${kind.path}`, { index, value })
        form.hidden = true
        await reload()
      }, "Saved.")
    }
    form.hidden = false
    inputs[0].focus()
  }
  const add = h("button", { type: "button", onclick: () => open(undefined) }, "Add")
  const table = h("table", {}, h("thead", {}, h("tr", {}, names.map((n) => h("th", {}, kind.fields[n].label.replace(/ \(.*/, ""))), h("th"))), body)
  const empty = note("None.")
  const el = section(kind.title, add, table, empty, form, out)
  el.dataset.list = kind.path
  reload().catch((e) => fill(out, note(e.message, "error")))
  return el
}

export function show(container) {
  fill(container, clientKeys(), lists.map(upstreamList))
}
