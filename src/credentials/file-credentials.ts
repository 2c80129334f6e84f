import * as Either from "effect/Either"
import { str } from "../formats/json.js"
import { parseTime } from "../store/auth-file.js"
import type { AuthRecord } from "../store/store.js"
import type { Credential, OAuth } from "./credential.js"

/** Qwen's `resource_url` (`portal.qwen.ai`) as a base URL; empty means none (the Go quirk gave `https:///v1`). */
const qwenBaseUrl = (resourceUrl: string | undefined): string | undefined => {
  const host = resourceUrl?.trim().replace(/\/+$/, "")
  if (host === undefined || host === "") return undefined
  const url = /^https?:\/\//i.test(host) ? host : `https://${host}`
  return /\/v1$/.test(url) ? url : `${url}/v1`
}

/** `project_id` may name several projects, comma-separated: a 429 moves to the next. */
const projectsOf = (projectId: string | undefined): ReadonlyArray<string> =>
  (projectId ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "")

/**
 * The credential an auth file defines, or why it cannot serve: every Go-format type maps to
 * its provider (`gemini` files to `gemini-cli`), with the token that goes upstream.
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
  const oauth = (accessToken: string, expiresAt: number | undefined, extra: Partial<OAuth> = {}): OAuth => ({
    recordId: record.id,
    accessToken,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(f.email ? { email: f.email } : {}),
    ...extra
  })
  const expiresAt = parseTime(f.expired)
  switch (f.type) {
    case "claude":
      return Either.right({ ...common, provider: "claude", kind: "claude", oauth: oauth(f.access_token, expiresAt) })
    case "codex":
      return Either.right({
        ...common,
        provider: "codex",
        kind: "codex",
        oauth: oauth(f.access_token, expiresAt, f.account_id ? { accountId: f.account_id } : {})
      })
    case "gemini": {
      const token = f.token
      const accessToken = token?.access_token ?? f.access_token ?? ""
      const expiry = parseTime(token?.expiry) ?? parseTime(str(record.metadata.expiry))
      const projects = projectsOf(f.project_id)
      // a file without an access token yet is refreshed before its first call (expiry unknown = due)
      return Either.right({
        ...common,
        provider: "gemini-cli",
        kind: "gemini-cli",
        projects,
        oauth: oauth(accessToken, accessToken === "" ? 0 : expiry)
      })
    }
    case "qwen": {
      const accountBaseUrl = qwenBaseUrl(f.resource_url)
      return Either.right({
        ...common,
        provider: "qwen",
        kind: "qwen",
        ...(accountBaseUrl ? { accountBaseUrl } : {}),
        oauth: oauth(f.access_token, expiresAt)
      })
    }
    case "iflow":
      if (f.api_key.trim() === "") return Either.left("iflow file has no api_key: log in again")
      // the API key, not the OAuth token, is what iFlow's API takes; the file's base_url overrides the API base
      return Either.right({
        ...common,
        provider: "iflow",
        kind: "iflow",
        baseUrl: f.base_url ?? "",
        oauth: oauth(f.api_key, expiresAt)
      })
  }
}
