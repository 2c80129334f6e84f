import * as Either from "effect/Either"
import { parseTime } from "../store/auth-file.js"
import type { AuthRecord } from "../store/store.js"
import type { Credential } from "./credential.js"

/**
 * The credential an auth file defines, or why it cannot serve yet. Claude Code and Codex
 * files are served by the claude and codex providers with their OAuth token; Gemini CLI,
 * Qwen and iFlow files are stored and refreshed but have no executor until the
 * subscription-providers work lands.
 * @category constructors
 */
export const credentialFromRecord = (record: AuthRecord): Either.Either<Credential, string> => {
  const f = record.file
  const common = {
    id: record.id,
    label: f.email ?? record.id,
    apiKey: "",
    baseUrl: "",
    proxyUrl: f.proxy_url ?? "",
    headers: {},
    models: [],
    ...(f.disabled === true ? { disabled: true } : {})
  }
  const expiresAt = parseTime(f.expired)
  switch (f.type) {
    case "claude":
      return Either.right({
        ...common,
        provider: "claude",
        kind: "claude",
        oauth: { recordId: record.id, accessToken: f.access_token, ...(expiresAt ? { expiresAt } : {}), ...(f.email ? { email: f.email } : {}) }
      })
    case "codex":
      return Either.right({
        ...common,
        provider: "codex",
        kind: "codex",
        oauth: {
          recordId: record.id,
          accessToken: f.access_token,
          ...(expiresAt ? { expiresAt } : {}),
          ...(f.account_id ? { accountId: f.account_id } : {}),
          ...(f.email ? { email: f.email } : {})
        }
      })
    default:
      return Either.left(`${f.type} credentials have no executor yet`)
  }
}
