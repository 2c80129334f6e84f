/**
 * Normalisation after decode (spec/01 §8, §5.4): trims, folds the legacy forms into their
 * current keys, expands `~`, and drops unusable entries with a warning naming each one.
 */
import type { ApiKeyEntry, ClaudeKey, CodexKey, GeminiKey, ModelAlias, OpenAICompatibility } from "./entries.js"
import { expandHome } from "./home.js"
import type { ConfigInput, Normalized as Config } from "./fields.js"

/** A normalised config and what was dropped or ignored on the way. @category models */
export interface NormalizeResult {
  readonly config: Config
  readonly warnings: ReadonlyArray<string>
}

const stripSlash = (url: string): string => url.replace(/[\s/]+$/, "")

const models = (list: ReadonlyArray<ModelAlias>, at: string, warn: (w: string) => void) =>
  list.flatMap((m, i) => {
    if (m.name === "" && m.alias === "") {
      warn(`${at}.models[${i}]: dropped, both name and alias are empty`)
      return []
    }
    return [m]
  })

const geminiKeys = (input: ConfigInput, warn: (w: string) => void): Array<GeminiKey> => {
  const seen = new Set<string>()
  const out: Array<GeminiKey> = []
  input.geminiApiKey.forEach((entry, i) => {
    const at = `gemini-api-key[${i}]`
    if (entry.apiKey === "") return warn(`${at}: dropped, api-key is empty`)
    if (seen.has(entry.apiKey)) return warn(`${at}: dropped, same api-key as an earlier entry`)
    seen.add(entry.apiKey)
    const headers = Object.entries(entry.headers).flatMap(([name, value]): Array<[string, string]> => {
      const n = name.trim()
      const v = value.trim()
      if (n !== "" && v !== "") return [[n, v]]
      warn(`${at}.headers: dropped header "${n}", empty name or value`)
      return []
    })
    out.push({
      ...entry,
      baseUrl: stripSlash(entry.baseUrl),
      headers: Object.fromEntries(headers),
      models: models(entry.models, at, warn)
    })
  })
  // The legacy key list only adds keys not already configured, as bare entries.
  ;(input.generativeLanguageApiKey ?? []).forEach((raw, i) => {
    const apiKey = raw.trim()
    if (apiKey === "") return warn(`generative-language-api-key[${i}]: dropped, empty key`)
    if (seen.has(apiKey)) return
    seen.add(apiKey)
    out.push({ apiKey, baseUrl: "", proxyUrl: "", headers: {}, models: [] })
  })
  return out
}

const claudeKeys = (input: ConfigInput, warn: (w: string) => void): Array<ClaudeKey> =>
  input.claudeApiKey.flatMap((entry, i) => {
    const at = `claude-api-key[${i}]`
    if (entry.apiKey === "") {
      warn(`${at}: dropped, api-key is empty`)
      return []
    }
    return [{ ...entry, baseUrl: stripSlash(entry.baseUrl), models: models(entry.models, at, warn) }]
  })

const codexKeys = (input: ConfigInput, warn: (w: string) => void): Array<CodexKey> =>
  input.codexApiKey.flatMap((entry, i) => {
    const at = `codex-api-key[${i}]`
    if (entry.apiKey === "") {
      warn(`${at}: dropped, api-key is empty`)
      return []
    }
    const baseUrl = stripSlash(entry.baseUrl)
    if (baseUrl === "") {
      warn(`${at}: dropped, base-url is required for Codex API keys`)
      return []
    }
    return [{ ...entry, baseUrl, models: models(entry.models, at, warn) }]
  })

const compatEntries = (entry: OpenAICompatibility, at: string, warn: (w: string) => void): Array<ApiKeyEntry> => {
  if (entry.apiKeyEntries.length > 0) {
    if (entry.apiKeys.length > 0) warn(`${at}.api-keys: ignored, api-key-entries is set`)
    return [...entry.apiKeyEntries]
  }
  const seen = new Set<string>()
  return entry.apiKeys.flatMap((raw) => {
    const apiKey = raw.trim()
    if (apiKey === "" || seen.has(apiKey)) return []
    seen.add(apiKey)
    return [{ apiKey, proxyUrl: "" }]
  })
}

const compat = (input: ConfigInput, warn: (w: string) => void): Array<OpenAICompatibility> =>
  input.openaiCompatibility.flatMap((entry, i) => {
    const at = `openai-compatibility[${i}]`
    const named = entry.name === "" ? at : `${at} (name "${entry.name}")`
    const baseUrl = stripSlash(entry.baseUrl)
    if (baseUrl === "") {
      warn(`${named}: dropped, base-url is required`)
      return []
    }
    return [{
      ...entry,
      baseUrl,
      apiKeys: [],
      apiKeyEntries: compatEntries(entry, at, warn),
      models: models(entry.models, at, warn)
    }]
  })

const clientKeys = (input: ConfigInput, warn: (w: string) => void): Array<string> => {
  const keys = input.apiKeys.filter((k, i) => {
    if (k === "") warn(`api-keys[${i}]: dropped, empty key`)
    return k !== ""
  })
  const providers = input.auth?.providers ?? []
  const legacy: Array<string> = []
  providers.forEach((p, i) => {
    if (p.type !== "config-api-key") {
      warn(`auth.providers[${i}]: ignored, type "${p.type}" is not supported (only config-api-key)`)
    } else if (keys.length > 0) {
      // Only worth a warning when a key would be lost, not when both lists agree.
      if (p.apiKeys.some((k) => k !== "" && !keys.includes(k))) {
        warn(`auth.providers[${i}].api-keys: ignored, api-keys is set`)
      }
    } else {
      legacy.push(...p.apiKeys.filter((k) => k !== ""))
    }
  })
  return keys.length > 0 ? keys : [...new Set(legacy)]
}

/** Normalises a decoded config file; pure apart from reading the home directory. @category normalisation */
export const normalize = (input: ConfigInput): NormalizeResult => {
  const warnings: Array<string> = []
  const warn = (w: string): void => {
    warnings.push(w)
  }
  const { generativeLanguageApiKey: _legacyKeys, auth: _auth, host, ...rest } = input
  const upstreamEndpoints = Object.fromEntries(
    Object.entries(input.upstreamEndpoints).map(([k, v]) => [k.trim(), v])
  )
  const config: Config = {
    ...rest,
    ...(host === undefined || host === "" ? {} : { host }),
    authDir: expandHome(input.authDir),
    apiKeys: clientKeys(input, warn),
    geminiApiKey: geminiKeys(input, warn),
    claudeApiKey: claudeKeys(input, warn),
    codexApiKey: codexKeys(input, warn),
    openaiCompatibility: compat(input, warn),
    upstreamEndpoints
  }
  return { config, warnings }
}
