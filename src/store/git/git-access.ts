/**
 * How the Git store reaches its repository: the URL without credentials, HTTP basic auth
 * sent up front, an HTTP client that gives up on a silent server, and failures described
 * without any secret in them.
 */
import type { GitHttpRequest, HttpClient } from "isomorphic-git/http/node"
import { request } from "isomorphic-git/http/node"
import { RemoteError } from "../remote.js"

/** The repository address and credentials, as configured. @category models */
export interface GitCredentialsInput {
  readonly url: string
  readonly username?: string | undefined
  readonly token?: string | undefined
}

/** The repository address split from its secrets. @category models */
export interface GitAccess {
  /** The URL with any `user:password@` removed: what is stored in `.git/config` and shown. */
  readonly url: string
  /** `Authorization` for every request, or none for anonymous access. */
  readonly headers: Readonly<Record<string, string>>
  /** Turns any failure into a RemoteError that names what failed and why, secrets masked. */
  readonly fail: (what: string) => (cause: unknown) => RemoteError
  /** Removes the credentials from a text (for messages that quote a server's answer). */
  readonly mask: (text: string) => string
}

/** An idle connection is given up after this long, so a silent server cannot stall the sync forever. */
const idleTimeoutMs = 30_000

/** isomorphic-git's Node client, with an idle timeout on every request. @category constructors */
export const httpClient: HttpClient = {
  request: (req: GitHttpRequest) => request({ ...req, fetchOptions: { timeout: idleTimeoutMs, ...req.fetchOptions } })
}

const userinfo = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi

/**
 * Splits credentials off the URL: explicit options win over `user:token@` in the URL; a
 * token alone goes with the username `git`; neither means anonymous (spec/03 B.5).
 * @category constructors
 */
export const gitAccess = (input: GitCredentialsInput): GitAccess => {
  let url = input.url.trim()
  let fromUrl: { user?: string; password?: string } = {}
  try {
    const parsed = new URL(url)
    if (parsed.username !== "" || parsed.password !== "") {
      fromUrl = { user: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) }
      parsed.username = ""
      parsed.password = ""
      url = parsed.toString()
    }
  } catch {
    // not a URL the WHATWG parser knows (scp-like): left as it is, and refused by the client with its own message
  }
  const nonEmpty = (s: string | undefined) => (s !== undefined && s.trim() !== "" ? s.trim() : undefined)
  const token = nonEmpty(input.token) ?? nonEmpty(fromUrl.password)
  const username = nonEmpty(input.username) ?? nonEmpty(fromUrl.user) ?? (token !== undefined ? "git" : undefined)
  const headers: Record<string, string> = username !== undefined
    ? { Authorization: `Basic ${Buffer.from(`${username}:${token ?? ""}`).toString("base64")}` }
    : {}
  const secrets = [token, fromUrl.password, headers.Authorization?.slice("Basic ".length)].filter((s): s is string => s !== undefined && s !== "")
  const mask = (text: string) => secrets.reduce((t, s) => t.split(s).join("***"), text.replace(userinfo, "$1***@"))
  const fail = (what: string) => (cause: unknown) =>
    new RemoteError({ message: mask(`${what} failed: ${describe(cause, username !== undefined)}`) })
  return { url, headers, fail, mask }
}

/** The reason in words; HTTP statuses get a hint about what to check. */
const describe = (cause: unknown, withCredentials: boolean): string => {
  if (typeof cause !== "object" || cause === null) return String(cause)
  const e = cause as { code?: unknown; message?: unknown; data?: { statusCode?: unknown; statusMessage?: unknown } }
  if (e.code === "HttpError" && typeof e.data?.statusCode === "number") {
    const status = `HTTP ${e.data.statusCode} ${typeof e.data.statusMessage === "string" ? e.data.statusMessage : ""}`.trim()
    switch (e.data.statusCode) {
      case 401:
        return withCredentials
          ? `${status}: the server refused the credentials (check GITSTORE_GIT_USERNAME and GITSTORE_GIT_TOKEN)`
          : `${status}: the repository needs credentials (set GITSTORE_GIT_TOKEN)`
      case 403:
        return `${status}: these credentials may not access the repository`
      case 404:
        return `${status}: no repository at this URL`
      default:
        return status
    }
  }
  return typeof e.message === "string" && e.message !== "" ? e.message : String(cause)
}
