/**
 * The management secret (spec/01 §8.3): a plaintext `remote-management.secret-key` is
 * replaced in config.yaml by its bcrypt hash, touching nothing else in the file.
 */
import { compare, hash } from "bcryptjs"
import * as Effect from "effect/Effect"
import { createHash, timingSafeEqual } from "node:crypto"
import * as YAML from "yaml"
import type { ConfigRecord, StoreError } from "../store/store.js"

/** bcrypt cost used for the management key, as the Go version. @category constants */
export const BCRYPT_COST = 10

const bcryptPattern = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/

/** Whether a value is a bcrypt hash ($2a$, $2b$ or $2y$, full length). @category secrets */
export const isBcryptHash = (value: string): boolean => bcryptPattern.test(value)

/** bcrypt-hashes a secret at BCRYPT_COST. @category secrets */
export const hashSecret = (plain: string): Effect.Effect<string> => Effect.promise(() => hash(plain, BCRYPT_COST))

// Hashing both sides first makes the comparison constant-time whatever the lengths.
const constantTimeEqual = (a: string, b: string): boolean =>
  timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest())

/**
 * Checks a presented secret against a stored bcrypt hash or plaintext (e.g. MANAGEMENT_PASSWORD);
 * an empty stored value never matches.
 * @category secrets
 */
export const verifySecret = (plain: string, hashOrPlain: string): Effect.Effect<boolean> => {
  if (hashOrPlain === "") return Effect.succeed(false)
  if (!isBcryptHash(hashOrPlain)) return Effect.sync(() => constantTimeEqual(plain, hashOrPlain))
  return Effect.tryPromise(() => compare(plain, hashOrPlain)).pipe(Effect.orElseSucceed(() => false))
}

const secretPath = ["remote-management", "secret-key"] as const

// Splicing the new value into the original text keeps every other byte of the file (comments,
// blank lines, indentation, quoting); the Document re-render is only for block scalars.
const replaceSecret = (text: string, doc: YAML.Document, node: YAML.Scalar, hashed: string): string => {
  const range = node.range
  const quote = node.type === "QUOTE_DOUBLE" ? "\"" : node.type === "QUOTE_SINGLE" ? "'" : node.type === "PLAIN" ? "" : undefined
  if (range !== undefined && range !== null && quote !== undefined) {
    return text.slice(0, range[0]) + quote + hashed + quote + text.slice(range[1])
  }
  node.value = hashed
  node.type = "PLAIN"
  return doc.toString({ lineWidth: 0 })
}

/**
 * The config text with a plaintext `remote-management.secret-key` replaced by its bcrypt
 * hash, or undefined when there is nothing to hash (unparsable text, an absent, empty or
 * already hashed key).
 * @category secrets
 */
export const hashSecretInText = (text: string): Effect.Effect<string | undefined> =>
  Effect.gen(function*() {
    const doc = YAML.parseDocument(text, { keepSourceTokens: false })
    if (doc.errors.length > 0) return undefined
    const node = doc.getIn(secretPath, true)
    if (!YAML.isScalar(node) || typeof node.value !== "string") return undefined
    const plain = node.value.trim()
    if (plain === "" || isBcryptHash(plain)) return undefined
    return replaceSecret(text, doc, node, yield* hashSecret(plain))
  })

/**
 * Replaces a plaintext `remote-management.secret-key` in the stored config by its bcrypt
 * hash (only the value's bytes change); returns whether it was rewritten. A config edited
 * meanwhile is left alone: the next reload hashes the new text instead.
 * @category secrets
 */
export const hashSecretInConfig = (record: ConfigRecord): Effect.Effect<boolean, StoreError> =>
  Effect.gen(function*() {
    const text = yield* record.read
    if (text === undefined) return false
    const hashed = yield* hashSecretInText(text)
    if (hashed === undefined) return false
    return yield* record.write(hashed, { expect: text })
  })
