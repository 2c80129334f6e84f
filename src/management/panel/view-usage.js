// Usage: the server's in-memory statistics (`GET /usage`, spec/03 A.5) as charts per day and
// per model, refreshed every few seconds.
import { api, isMissing } from "./api.js"
import { bars, columns } from "./chart.js"
import { every, fill, h, note, notAvailable, section } from "./ui.js"

export const id = "usage"
export const title = "Usage"

const days = (byDay) => Object.entries(byDay ?? {}).sort(([a], [b]) => a.localeCompare(b)).slice(-14)

/** Requests and tokens per model, over every client key. */
function perModel(apis) {
  const out = new Map()
  for (const api of Object.values(apis ?? {})) {
    for (const [model, m] of Object.entries(api.models ?? {})) {
      const t = out.get(model) ?? { requests: 0, tokens: 0 }
      out.set(model, { requests: t.requests + (m.total_requests ?? 0), tokens: t.tokens + (m.total_tokens ?? 0) })
    }
  }
  return [...out]
}

const chartOrNote = (pairs, draw) => (pairs.length === 0 ? note("No requests recorded yet.") : draw(pairs))

function render(container, u, enabled) {
  const models = perModel(u.apis)
  const figure = (name, chart) => h("figure", { "data-chart": name }, h("figcaption", {}, name), chart)
  fill(
    container,
    enabled === false ? note("Usage statistics are off: turn on usage-statistics-enabled under Settings.") : null,
    section(
      "Totals",
      null,
      h(
        "dl",
        { class: "totals" },
        [["Requests", u.total_requests], ["Succeeded", u.success_count], ["Failed", u.failure_count], ["Tokens", u.total_tokens]]
          .map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, String(v ?? 0))))
      )
    ),
    section(
      "Per day",
      null,
      h(
        "div",
        { class: "pair" },
        figure("Requests per day", chartOrNote(days(u.requests_by_day), columns)),
        figure("Tokens per day", chartOrNote(days(u.tokens_by_day), columns))
      )
    ),
    section(
      "Per model",
      null,
      h(
        "div",
        { class: "pair" },
        figure("Requests per model", chartOrNote(models.map(([m, t]) => [m, t.requests]), bars)),
        figure("Tokens per model", chartOrNote(models.map(([m, t]) => [m, t.tokens]), bars))
      )
    )
  )
}

export function show(container) {
  let missing = false
  return every(5000, async (live) => {
    if (missing) return
    try {
      const [{ usage }, config] = await Promise.all([api("GET", "/usage"), api("GET", "/config")])
      if (live()) render(container, usage ?? {}, config["usage-statistics-enabled"])
    } catch (e) {
      missing = isMissing(e)
      if (live()) fill(container, section("Usage", null, missing ? notAvailable("Usage statistics") : note(e.message, "error")))
    }
  })
}
