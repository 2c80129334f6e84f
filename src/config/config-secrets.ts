import type { Config } from "./schema.js"

const proxyPassword = (url: string | undefined): ReadonlyArray<string> => {
  if (!url) return []
  try {
    const u = new URL(url)
    return u.password ? [decodeURIComponent(u.password)] : []
  } catch {
    return []
  }
}

/** Every secret a config holds (client keys, upstream keys, proxy passwords, management key), for log masking. @category secrets */
export const configSecrets = (config: Config): ReadonlyArray<string> => [
  ...config.apiKeys,
  config.remoteManagement.secretKey,
  ...proxyPassword(config.proxyUrl),
  ...config.geminiApiKey.flatMap((k) => [k.apiKey, ...proxyPassword(k.proxyUrl)]),
  ...config.claudeApiKey.flatMap((k) => [k.apiKey, ...proxyPassword(k.proxyUrl)]),
  ...config.codexApiKey.flatMap((k) => [k.apiKey, ...proxyPassword(k.proxyUrl)]),
  ...config.openaiCompatibility.flatMap((p) =>
    p.apiKeyEntries.flatMap((e) => [e.apiKey, ...proxyPassword(e.proxyUrl)])
  ),
  ...(process.env.MANAGEMENT_PASSWORD ? [process.env.MANAGEMENT_PASSWORD] : [])
]
