import { createHash } from "node:crypto"
import type { Config } from "../config/schema.js"
import type { Credential } from "./credential.js"

/**
 * The Go version's deterministic id: `<kind>:<first 12 hex of sha256(kind, 0, part, 0, part...)>`,
 * so an unchanged entry keeps its id (and its cooldown state) across reloads.
 */
const stableId = (kind: string, parts: ReadonlyArray<string>, seen: Map<string, number>): string => {
  const h = createHash("sha256").update(kind)
  for (const p of parts) h.update("\u0000").update(p.trim())
  const base = `${kind}:${h.digest("hex").slice(0, 12)}`
  const n = seen.get(base) ?? 0
  seen.set(base, n + 1)
  return n === 0 ? base : `${base}-${n}`
}

/** The API-key credentials a config defines, in config order. @category constructors */
export const credentialsFromConfig = (config: Config): ReadonlyArray<Credential> => {
  const seen = new Map<string, number>()
  const out: Array<Credential> = []
  // gemini, claude and codex keys share one shape; only Gemini entries carry headers
  const keyLists = [
    ["gemini", config.geminiApiKey],
    ["claude", config.claudeApiKey],
    ["codex", config.codexApiKey]
  ] as const
  for (const [kind, entries] of keyLists) {
    for (const k of entries) {
      out.push({
        id: stableId(`${kind}:apikey`, [k.apiKey, k.baseUrl], seen),
        provider: kind,
        kind,
        label: `${kind}-apikey`,
        apiKey: k.apiKey,
        baseUrl: k.baseUrl,
        proxyUrl: k.proxyUrl,
        headers: "headers" in k ? k.headers : {},
        models: k.models
      })
    }
  }
  for (const p of config.openaiCompatibility) {
    const lname = p.name.toLowerCase() || "openai-compatibility"
    const kind = `openai-compatibility:${lname}`
    const entries = p.apiKeyEntries.length > 0 ? p.apiKeyEntries : [{ apiKey: "", proxyUrl: "" }]
    for (const e of entries) {
      out.push({
        id: stableId(kind, e.apiKey === "" ? [p.baseUrl] : [e.apiKey, p.baseUrl, e.proxyUrl], seen),
        provider: lname,
        kind: "openai-compat",
        label: p.name || lname,
        apiKey: e.apiKey,
        baseUrl: p.baseUrl,
        proxyUrl: e.proxyUrl,
        headers: {},
        models: p.models,
        compatName: p.name
      })
    }
  }
  return out
}
