/**
 * The management secret (spec/01 §8.3): a plaintext `remote-management.secret-key` is
 * replaced in config.yaml by its bcrypt hash, touching nothing else in the file.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import { compare, hash } from "bcryptjs"
import * as Effect from "effect/Effect"
import { createHash, timingSafeEqual } from "node:crypto"
import * as YAML from "yaml"
import { writeAtomically } from "../store/atomic-write.js"
import { ConfigError } from "./load.js"

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

// Keeps the file's own mode; returns false, writing nothing, when the file changed since it
// was read (an editor saved meanwhile): the next reload hashes the new content instead.
const rewrite = (fs: FileSystem.FileSystem, file: string, before: string, text: string) =>
  Effect.flatMap(fs.stat(file), (info) => writeAtomically(file, text, { mode: info.mode & 0o7777, expect: before }))

/**
 * Replaces a plaintext `remote-management.secret-key` in the file by its bcrypt hash, written
 * atomically with the file's mode; returns whether the file was rewritten.
 * A missing file, an unparsable one, an absent/empty/hashed key, or a file edited meanwhile
 * leave it untouched.
 * @category secrets
 */
export const hashSecretInFile = (file: string): Effect.Effect<boolean, ConfigError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(file).pipe(
      Effect.map((t): string | undefined => t),
      Effect.catchIf((e) => e._tag === "SystemError" && e.reason === "NotFound", () => Effect.succeed(undefined))
    )
    if (text === undefined) return false
    const doc = YAML.parseDocument(text, { keepSourceTokens: false })
    if (doc.errors.length > 0) return false
    const node = doc.getIn(secretPath, true)
    if (!YAML.isScalar(node) || typeof node.value !== "string") return false
    const plain = node.value.trim()
    if (plain === "" || isBcryptHash(plain)) return false
    const hashed = yield* hashSecret(plain)
    return yield* rewrite(fs, file, text, replaceSecret(text, doc, node, hashed))
  }).pipe(
    Effect.mapError((e) =>
      new ConfigError({ path: file, message: `cannot hash remote-management.secret-key in place: ${e.message}` })
    )
  )
