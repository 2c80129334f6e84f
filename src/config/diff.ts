/**
 * What changed between two configs, by kebab-case top-level key, and which of those changes
 * only take effect after a restart (for the hot-reload log lines).
 */
import * as Schema from "effect/Schema"
import { Config } from "./schema.js"

/** Top-level keys whose change needs a restart: the listener and the watched credential dir. @category reload */
export const RESTART_ONLY_KEYS: ReadonlyArray<string> = ["host", "port", "auth-dir"]

const encode = Schema.encodeSync(Config)

/** Kebab-case top-level keys whose value differs between two configs (values never included). @category reload */
export const changedKeys = (previous: Config, next: Config): ReadonlyArray<string> => {
  const a: Record<string, unknown> = encode(previous)
  const b: Record<string, unknown> = encode(next)
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
}

/** The changed keys that only apply after a restart. @category reload */
export const restartRequired = (previous: Config, next: Config): ReadonlyArray<string> =>
  changedKeys(previous, next).filter((k) => RESTART_ONLY_KEYS.includes(k))
