// Logs: the tail of the server's log file (`GET /logs?after=`), followed every 2 seconds.
import { api, ApiError } from "./api.js"
import { act, every, fill, h, note, section } from "./ui.js"

export const id = "logs"
export const title = "Logs"

const KEEP = 2000 // lines kept on screen

const stamp = (line) => /^\[?(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d)/.exec(line)?.[1]

/**
 * The lines of the newest second in an answer (and the continuation lines under them). The
 * API returns lines stamped after a whole second, so the next poll asks from a second
 * earlier, and these lines, which it returns again, are not shown twice.
 */
function lastSecond(lines) {
  const last = lines.findLast((l) => stamp(l) !== undefined)
  if (last === undefined) return lines
  return lines.slice(lines.findIndex((l) => stamp(l) === stamp(last)))
}

const startsWith = (lines, prefix) => prefix.every((l, i) => lines[i] === l)

export function show(container) {
  const out = h("div", { class: "out" })
  const pre = h("pre", { class: "log", id: "log-lines", tabindex: "0" })
  const follow = h("input", { type: "checkbox", id: "log-follow", checked: true })
  const clear = h("button", { type: "button", class: "danger" }, "Clear log files")
  let after = 0
  let lines = []
  let seen = [] // the lines of second `after`, already shown
  clear.addEventListener("click", () => {
    if (!confirm("Empty main.log and delete the rotated log files?")) return
    act(clear, out, async () => {
      await api("DELETE", "/logs")
      lines = []
      pre.textContent = ""
    }, "Log files cleared.")
  })
  fill(
    container,
    section("Log", h("span", { class: "row" }, h("label", { for: "log-follow" }, follow, " Follow"), clear), out, pre)
  )
  return every(2000, async (live) => {
    try {
      const r = await api("GET", `/logs?after=${Math.max(0, after - 1)}`)
      if (!live()) return
      const fresh = after > 0 && startsWith(r.lines, seen) ? r.lines.slice(seen.length) : r.lines
      after = r["latest-timestamp"] ?? after
      if (r.lines.length > 0) seen = lastSecond(r.lines)
      if (fresh.length === 0 && lines.length > 0) return
      lines = lines.concat(fresh).slice(-KEEP)
      pre.textContent = lines.join("\n")
      if (lines.length === 0) fill(out, note("The log is empty."))
      else out.replaceChildren()
      if (follow.checked) pre.scrollTop = pre.scrollHeight
    } catch (e) {
      if (!live()) return
      const off = e instanceof ApiError && e.status === 400 && /disabled/.test(e.message)
      fill(out, note(off ? "Logging to file is off: turn on logging-to-file under Settings to see the log here." : e.message, off ? "note" : "error"))
    }
  })
}
