// Small DOM helpers: build elements, show notes, format values.

/**
 * Builds an element: `h("button", { class: "x", onclick: f }, "text", child)`. Attributes
 * starting with "on" are listeners; `false`/`null`/`undefined` attributes are left out.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v)
    else if (k === "value") el.value = v
    else if (k === "checked") el.checked = v
    else el.setAttribute(k, v === true ? "" : String(v))
  }
  append(el, children)
  return el
}

const append = (el, children) => {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue
    el.append(c instanceof Node ? c : String(c))
  }
}

/** Replaces an element's children. */
export const fill = (el, ...children) => {
  el.replaceChildren()
  append(el, children)
  return el
}

/** A short message: kind "note" (neutral), "ok" or "error". */
export const note = (text, kind = "note") => h("p", { class: `msg ${kind}`, role: kind === "error" ? "alert" : "status" }, text)

/** The "this server has no such endpoint yet" note. */
export const notAvailable = (what) => note(`${what}: not available on this server yet.`)

/** A section with a heading and an optional row of tools (buttons) beside it. */
export const section = (title, tools, ...body) =>
  h("section", { class: "card", "aria-label": title }, h("div", { class: "head" }, h("h2", {}, title), tools), ...body)

/** A time as local date and time, or "" for none. */
export const when = (ms) => (ms ? new Date(ms).toLocaleString() : "")

/** A secret shown by its ends only. */
export const mask = (s) => (!s ? "" : s.length > 8 ? `${s.slice(0, 4)}…${s.slice(-4)}` : "•".repeat(s.length))

/** Runs an action from a button: disables it meanwhile, shows the outcome in `out`. */
export async function act(button, out, action, done) {
  button.disabled = true
  try {
    await action()
    if (done) fill(out, note(done, "ok"))
  } catch (e) {
    fill(out, note(e.message, "error"))
  } finally {
    button.disabled = false
  }
}

/**
 * Runs `task` now and again `ms` after each run ends, until the returned stop function is
 * called; `task` gets `live()`, false once stopped, to check after its awaits.
 */
export function every(ms, task) {
  let stopped = false
  let timer
  const live = () => !stopped
  const run = async () => {
    try {
      await task(live)
    } catch {
      // the task shows its own errors; keep polling
    }
    if (!stopped) timer = setTimeout(run, ms)
  }
  run()
  return () => {
    stopped = true
    clearTimeout(timer)
  }
}
