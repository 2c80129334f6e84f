/**
 * Secret masking for every log line: API keys, tokens and management keys must never
 * reach stdout or a log file, whatever code path printed them.
 */

/**
 * Masks a secret as the Go version does, first and last few characters kept; one of two
 * characters or fewer (which Go showed whole) is starred out.
 * @category redaction
 */
export const maskSecret = (value: string): string => {
  const n = value.length
  if (n > 8) return `${value.slice(0, 4)}...${value.slice(-4)}`
  if (n > 4) return `${value.slice(0, 2)}...${value.slice(-2)}`
  if (n > 2) return `${value.slice(0, 1)}...${value.slice(-1)}`
  return "*".repeat(n)
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** A function that replaces every known secret in a text by its masked form. @category redaction */
export type Redactor = (text: string) => string

/**
 * Builds a redactor for the given secrets. Secrets shorter than 4 characters are ignored:
 * masking them would mangle ordinary words and they protect nothing.
 * @category redaction
 */
export const makeRedactor = (secrets: Iterable<string>): Redactor => {
  const unique = [...new Set([...secrets].filter((s) => s.length >= 4))]
  if (unique.length === 0) return (text) => text
  // Longest first so a secret that contains another is masked whole.
  unique.sort((a, b) => b.length - a.length)
  const pattern = new RegExp(unique.map(escapeRegExp).join("|"), "g")
  return (text) => text.replace(pattern, (m) => maskSecret(m))
}

const SENSITIVE_PARAM = /^(key|auth_token)$|api-key|apikey|api_key|token|secret|password/i

/** Masks sensitive query parameters (key, *token*, *secret*, ...) in a request target. @category redaction */
export const maskQuery = (target: string): string => {
  const q = target.indexOf("?")
  if (q < 0) return target
  const parts = target.slice(q + 1).split("&").map((pair) => {
    const eq = pair.indexOf("=")
    if (eq < 0) return pair
    const name = pair.slice(0, eq)
    let decoded = name
    try {
      decoded = decodeURIComponent(name)
    } catch {
      // a malformed escape is still a name we can test as written
    }
    return SENSITIVE_PARAM.test(decoded) ? `${name}=${maskSecret(pair.slice(eq + 1))}` : pair
  })
  return `${target.slice(0, q)}?${parts.join("&")}`
}
