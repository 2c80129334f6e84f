import * as fs from "node:fs"
import type { Config } from "../config/schema.js"
import { endpoints } from "../http/model-lists.js"
import type { SyncStatus } from "../store/mirror-sync.js"

/** Whether a listen host is reachable only from this machine. @category network */
export const isLoopbackHost = (host: string | undefined): boolean =>
  host !== undefined && (host === "localhost" || host === "::1" || host.startsWith("127."))

/** Counts configured API-key credentials and auth files, for the banner. @category banner */
export const countCredentials = (config: Config): { readonly apiKeys: number; readonly authFiles: number } => {
  const apiKeys = config.geminiApiKey.length + config.claudeApiKey.length + config.codexApiKey.length +
    config.openaiCompatibility.reduce((n, p) => n + Math.max(1, p.apiKeyEntries.length), 0)
  let authFiles = 0
  try {
    authFiles = fs.readdirSync(config.authDir).filter((f) => f.endsWith(".json")).length
  } catch {
    // a missing or unreadable auth-dir holds no credentials; startup already reported it
  }
  return { apiKeys, authFiles }
}

/** The startup banner lines. @category banner */
export const bannerLines = (input: {
  readonly url: string
  readonly host: string | undefined
  readonly configFile: string
  readonly configExists: boolean
  readonly config: Config
  readonly version: string
  /** The store's backend, when it is not the plain files. */
  readonly store?: SyncStatus
}): { readonly lines: ReadonlyArray<string>; readonly warning?: string } => {
  const { apiKeys, authFiles } = countCredentials(input.config)
  const where = input.host === undefined ? "all interfaces" : input.host
  const lines = [
    `cli-proxy-api ${input.version} listening on ${input.url} (${where})`,
    `  config:      ${input.configFile}${input.configExists ? "" : " (not found: built-in defaults)"}`,
    ...(input.store === undefined || input.store.kind === "file"
      ? []
      : [`  store:       ${input.store.backend} (${input.store.online ? "in step" : "unreachable: serving from the local mirror, changes kept until it returns"})`]),
    `  auth-dir:    ${input.config.authDir}`,
    `  credentials: ${apiKeys + authFiles} (${apiKeys} API keys in config, ${authFiles} auth files)`,
    `  client keys: ${input.config.apiKeys.length === 0 ? "none (open access)" : input.config.apiKeys.length}`,
    `  endpoints:   ${endpoints.join(", ")}`,
    ...(input.config.remoteManagement.disableControlPanel ? [] : [`  panel:       ${input.url}/management.html`])
  ]
  if (input.config.apiKeys.length > 0 || isLoopbackHost(input.host)) return { lines }
  return {
    lines,
    warning: [
      "!!! WARNING: no client API keys are set (api-keys in config.yaml) and the server listens",
      `!!! on ${where}: anyone who can reach port ${input.url.split(":").pop()} can spend your credentials.`,
      "!!! Set api-keys, or set host: 127.0.0.1 to accept local clients only."
    ].join("\n")
  }
}
