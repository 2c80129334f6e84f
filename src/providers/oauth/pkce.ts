/** PKCE (RFC 7636, S256) and the random values of an OAuth login. */
import { createHash, randomBytes } from "node:crypto"
import * as Effect from "effect/Effect"

/** A PKCE pair: the secret verifier and the challenge sent on the consent URL. @category models */
export interface Pkce {
  readonly verifier: string
  readonly challenge: string
}

/** The S256 challenge of a verifier: base64url (no padding) of its SHA-256. @category pkce */
export const challengeOf = (verifier: string): string => createHash("sha256").update(verifier).digest("base64url")

/** A fresh pair whose verifier is `bytes` random bytes, base64url without padding (Codex, Claude: 96; Qwen: 32). @category pkce */
export const makePkce = (bytes: number): Effect.Effect<Pkce> =>
  Effect.sync(() => {
    const verifier = randomBytes(bytes).toString("base64url")
    return { verifier, challenge: challengeOf(verifier) }
  })

/** `bytes` random bytes as lower-case hex: the `state` of a login (16 bytes: 32 characters). @category random */
export const randomHex = (bytes: number): Effect.Effect<string> => Effect.sync(() => randomBytes(bytes).toString("hex"))
