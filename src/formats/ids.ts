/**
 * Identifier rules shared by codecs (spec/04 3.5.2, 3.7, rules 22, 27-29): Claude id
 * sanitising, Gemini name sanitising, Codex 64-character short names with exact
 * restoration, and deterministic id minting (retries of one history give the same ids).
 */
import { createHash } from "node:crypto"

/** A deterministic id: `prefix` + 24 hex chars of sha256 over the seed parts. @category minting */
export const mintId = (prefix: string, ...seed: ReadonlyArray<string | number>): string =>
  prefix + createHash("sha256").update(seed.join("\u0000")).digest("hex").slice(0, 24)

/** Claude tool ids must match `^[a-zA-Z0-9_-]+$`: other characters become `_` (rule 27). @category claude */
export const sanitizeClaudeId = (id: string): string =>
  id === "" ? mintId("toolu_", "empty") : id.replace(/[^a-zA-Z0-9_-]/g, "_")

/** Gemini names must match `[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}` (rule 28). @category gemini */
export const sanitizeGeminiName = (name: string): string => {
  let s = name.replace(/[^a-zA-Z0-9_.:-]/g, "_")
  if (s === "") return "_"
  if (!/^[a-zA-Z_]/.test(s)) s = "_" + s.slice(0, 63)
  return s.slice(0, 64)
}

const CODEX_LIMIT = 64

/** The base short form of a tool name (≤ 64 chars; `mcp__a__b` keeps `mcp__b`). @category codex */
export const shortenName = (name: string): string => {
  if (name.length <= CODEX_LIMIT) return name
  if (name.startsWith("mcp__")) {
    const last = name.lastIndexOf("__")
    const tail = last > 2 ? name.slice(last + 2) : name.slice(5)
    return ("mcp__" + tail).slice(0, CODEX_LIMIT)
  }
  return name.slice(0, CODEX_LIMIT)
}

/** A two-way map between original and wire tool names. @category models */
export interface NameMap {
  readonly toWire: ReadonlyMap<string, string>
  readonly fromWire: ReadonlyMap<string, string>
}

/** The identity map. @category constructors */
export const emptyNameMap: NameMap = { toWire: new Map(), fromWire: new Map() }

/**
 * The deterministic Codex short-name map for a request's tool names (rule 29): names
 * ≤ 64 kept, longer ones shortened, collisions suffixed `_1`, `_2`... within 64 chars.
 * @category codex
 */
export const buildShortNameMap = (names: ReadonlyArray<string>): NameMap => {
  return buildUniqueMap(names, shortenName, CODEX_LIMIT)
}

/** The Gemini sanitized-name map for a request's tool names, collisions disambiguated. @category gemini */
export const buildGeminiNameMap = (names: ReadonlyArray<string>): NameMap =>
  buildUniqueMap(names, sanitizeGeminiName, 64)

const buildUniqueMap = (names: ReadonlyArray<string>, base: (n: string) => string, limit: number): NameMap => {
  const toWire = new Map<string, string>()
  const fromWire = new Map<string, string>()
  const used = new Set<string>()
  for (const name of names) if (!toWire.has(name) && base(name) === name) reserve(name, name)
  for (const name of names) {
    if (toWire.has(name)) continue
    const b = base(name)
    let candidate = b
    for (let n = 1; used.has(candidate); n++) {
      const suffix = `_${n}`
      candidate = b.slice(0, limit - suffix.length) + suffix
    }
    reserve(name, candidate)
  }
  return { toWire, fromWire }

  function reserve(name: string, wire: string) {
    toWire.set(name, wire)
    fromWire.set(wire, name)
    used.add(wire)
  }
}

/** The wire name of a tool (map first, else `fallback` applied to the name). @category lookup */
export const toWireName = (map: NameMap, name: string, fallback: (n: string) => string = (n) => n): string =>
  map.toWire.get(name) ?? fallback(name)

/** The original name behind a wire name (unchanged when unknown). @category lookup */
export const fromWireName = (map: NameMap, wire: string): string => map.fromWire.get(wire) ?? wire
