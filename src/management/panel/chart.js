// Bar charts drawn as inline SVG: columns over time (per day) and horizontal bars (per model).
// Each bar carries data-label and data-value, and a <title> for the tooltip.

const NS = "http://www.w3.org/2000/svg"

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag)
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v))
  el.append(...children)
  return el
}

const short = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${Math.round(n / 1e3)}k` : String(n))

const bar = (label, value, attrs) =>
  svg("rect", { class: "bar", "data-label": label, "data-value": value, ...attrs }, svg("title", {}, `${label}: ${value}`))

/** Columns for [label, value] pairs in order (days), labelled below, values above. */
export function columns(pairs, { width = 560, height = 150 } = {}) {
  const max = Math.max(1, ...pairs.map(([, v]) => v))
  const slot = Math.min(64, width / Math.max(pairs.length, 1)) // a few days stay narrow, at the left
  const w = slot * 0.7
  const plot = height - 34
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img" })
  pairs.forEach(([label, value], i) => {
    const x = i * slot + (slot - w) / 2
    const bh = Math.max(1, (value / max) * (plot - 14))
    chart.append(
      bar(label, value, { x, y: plot - bh, width: w, height: bh }),
      svg("text", { x: x + w / 2, y: plot - bh - 4, "text-anchor": "middle", class: "value" }, short(value)),
      svg("text", { x: x + w / 2, y: height - 14, "text-anchor": "middle", class: "label" }, label.slice(5))
    )
  })
  return chart
}

/** Horizontal bars for [label, value] pairs, largest first. */
export function bars(pairs, { width = 560 } = {}) {
  const sorted = [...pairs].sort((a, b) => b[1] - a[1])
  const max = Math.max(1, ...sorted.map(([, v]) => v))
  const row = 24
  const left = 190
  const room = width - left - 60
  const chart = svg("svg", { viewBox: `0 0 ${width} ${Math.max(row, sorted.length * row)}`, class: "chart", role: "img" })
  sorted.forEach(([label, value], i) => {
    const y = i * row
    chart.append(
      svg("text", { x: left - 8, y: y + 16, "text-anchor": "end", class: "label" }, label.length > 28 ? `${label.slice(0, 27)}…` : label),
      bar(label, value, { x: left, y: y + 4, width: Math.max(1, (value / max) * room), height: row - 8 }),
      svg("text", { x: left + Math.max(1, (value / max) * room) + 6, y: y + 16, class: "value" }, short(value))
    )
  })
  return chart
}
