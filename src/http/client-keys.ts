import { createHash, timingSafeEqual } from "node:crypto"
import type { IncomingHttpHeaders } from "node:http"
import { maskSecret } from "../logging/redact.js"

/** Where a client key was found (spec/01 §5.2 metadata `source`). @category models */
export type KeySource = "authorization" | "x-goog-api-key" | "x-api-key" | "query-key" | "query-auth-token"

/** Outcome of the client-key check. @category models */
export type KeyCheck =
  | { readonly _tag: "Open" }
  | { readonly _tag: "Accepted"; readonly keyId: string; readonly source: KeySource; readonly masked: string }
  | { readonly _tag: "Missing" }
  | { readonly _tag: "Invalid" }

/** The configured client keys, ready for constant-time checks. @category models */
export interface ClientKeys {
  readonly size: number
  readonly check: (headers: IncomingHttpHeaders, query: URLSearchParams) => KeyCheck
}

const digest = (s: string) => createHash("sha256").update(s).digest()

/** A stable, non-secret name for a client key in logs and usage: `key-` + 8 hex of its SHA-256. @category ids */
export const keyId = (key: string): string => `key-${digest(key).toString("hex").slice(0, 8)}`

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** The candidates a request presents, in the Go version's order. @category parsing */
export const candidates = (headers: IncomingHttpHeaders, query: URLSearchParams): Array<[KeySource, string]> => {
  const out: Array<[KeySource, string]> = []
  const auth = header(headers, "authorization")
  if (auth) {
    const m = /^bearer\s+(.*)$/i.exec(auth)
    out.push(["authorization", m ? m[1]!.trim() : auth])
  }
  const goog = header(headers, "x-goog-api-key")
  if (goog) out.push(["x-goog-api-key", goog])
  const xApi = header(headers, "x-api-key")
  if (xApi) out.push(["x-api-key", xApi])
  const qKey = query.get("key")
  if (qKey) out.push(["query-key", qKey])
  const qTok = query.get("auth_token")
  if (qTok) out.push(["query-auth-token", qTok])
  return out.filter(([, v]) => v !== "")
}

/**
 * Builds the checker. Every candidate is compared with every key by SHA-256 digest and
 * `timingSafeEqual`, without early exit, so timing reveals nothing about the keys.
 * @category constructors
 */
export const makeClientKeys = (keys: ReadonlyArray<string>): ClientKeys => {
  const table = [...new Set(keys.filter((k) => k !== ""))].map((k) => ({ digest: digest(k), id: keyId(k), masked: maskSecret(k) }))
  return {
    size: table.length,
    check: (headers, query) => {
      if (table.length === 0) return { _tag: "Open" }
      const cands = candidates(headers, query)
      if (cands.length === 0) return { _tag: "Missing" }
      let found: KeyCheck | undefined
      for (const [source, value] of cands) {
        const d = digest(value)
        for (const entry of table) {
          if (timingSafeEqual(d, entry.digest) && found === undefined) found = { _tag: "Accepted", keyId: entry.id, source, masked: entry.masked }
        }
      }
      return found ?? { _tag: "Invalid" }
    }
  }
}
