import { createHash } from "node:crypto"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Config } from "../config/schema.js"
import { verifySecret } from "../config/secret.js"
import { isLocalPeer } from "../http/peer.js"

/** Failed attempts before a remote address is banned, and for how long (spec/03 A.2). @category constants */
export const MAX_FAILURES = 5
export const BAN_MS = 30 * 60_000

/** A refused management request: its status and the `{"error": ...}` text. @category models */
export interface Refusal {
  readonly status: number
  readonly error: string
}

/** What a management request presents. @category models */
export interface Presented {
  readonly authorization: string | undefined
  readonly managementKey: string | undefined
  /** The socket's peer address; forwarded-for headers never count. */
  readonly remoteAddress: string | undefined
}

/** The management key check with per-address lockout. @category models */
export interface Service {
  /** Whether the API exists at all: a secret key in config, or MANAGEMENT_PASSWORD. */
  readonly enabled: (config: Config) => boolean
  /** Admits the request, or says why not (401/403); failures count toward the ban. */
  readonly admit: (config: Config, presented: Presented) => Effect.Effect<Refusal | undefined>
}

/** The management access service. @category tags */
export class ManagementAccess extends Context.Tag("cli-proxy-api/ManagementAccess")<ManagementAccess, Service>() {}

/** The key presented: `Authorization: Bearer k` (or the raw header), else `X-Management-Key`. @category parsing */
export const presentedKey = (p: Presented): string | undefined => {
  const auth = p.authorization
  if (auth !== undefined && auth !== "") {
    const m = /^(\S+)\s+(.*)$/s.exec(auth)
    return m !== null && m[1]!.toLowerCase() === "bearer" ? m[2]! : auth
  }
  return p.managementKey === "" ? undefined : p.managementKey
}

/** Go duration text for a ban's remaining time (`29m59s`, `45s`). */
const goDuration = (ms: number): string => {
  const total = Math.max(0, Math.round(ms / 1000))
  const m = Math.floor(total / 60)
  const s = total % 60
  return m > 0 ? `${m}m${s}s` : `${s}s`
}

/**
 * Builds the service. `MANAGEMENT_PASSWORD` (read once) enables the API, allows remote
 * callers, and is accepted as a key besides the config's bcrypt-hashed secret.
 * @category constructors
 */
export const make = (envPassword: string | undefined = process.env.MANAGEMENT_PASSWORD) => {
  const password = envPassword?.trim() ?? ""
  // bcrypt takes tens of ms by design; a key once found right is remembered (by its digest,
  // for the stored hash it matched) so the panel's many calls do not each pay for it
  const known = new Set<string>()
  const verify = (key: string, secret: string) => {
    const id = `${secret}\0${createHash("sha256").update(key).digest("hex")}`
    if (known.has(id)) return Effect.succeed(true)
    return Effect.tap(verifySecret(key, secret), (ok) => Effect.sync(() => {
      if (!ok) return
      if (known.size > 64) known.clear()
      known.add(id)
    }))
  }
  const failures = new Map<string, { count: number; bannedUntil: number }>()
  const fail = (address: string, now: number) => {
    const entry = failures.get(address) ?? { count: 0, bannedUntil: 0 }
    entry.count++
    if (entry.count >= MAX_FAILURES) {
      entry.count = 0
      entry.bannedUntil = now + BAN_MS
    }
    failures.set(address, entry)
  }
  const admit = (config: Config, presented: Presented) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const local = isLocalPeer(presented.remoteAddress)
      const address = presented.remoteAddress ?? "unknown"
      if (!local) {
        const entry = failures.get(address)
        if (entry !== undefined && entry.bannedUntil > now) {
          return { status: 403, error: `IP banned due to too many failed attempts. Try again in ${goDuration(entry.bannedUntil - now)}` }
        }
        if (entry !== undefined && entry.bannedUntil !== 0) failures.delete(address)
        if (!config.remoteManagement.allowRemote && password === "") return { status: 403, error: "remote management disabled" }
      }
      const secret = config.remoteManagement.secretKey
      if (secret === "" && password === "") return { status: 403, error: "remote management key not set" }
      const key = presentedKey(presented)
      if (key === undefined) {
        if (!local) fail(address, now)
        return { status: 401, error: "missing management key" }
      }
      const ok = (password !== "" && (yield* verifySecret(key, password))) || (secret !== "" && (yield* verify(key, secret)))
      if (!ok) {
        if (!local) fail(address, now)
        return { status: 401, error: "invalid management key" }
      }
      failures.delete(address)
      return undefined
    })
  return ManagementAccess.of({
    enabled: (config) => config.remoteManagement.secretKey !== "" || password !== "",
    admit
  })
}

/** The service, reading MANAGEMENT_PASSWORD from the environment. @category layers */
export const layer = Layer.sync(ManagementAccess, () => make())
