import { createHash } from "node:crypto"
import * as fs from "node:fs"
import { writeAtomicallySync } from "./atomic-write.js"

/**
 * What the mirror and the backend last agreed on, per record: the base of the three-way
 * reconcile. Kept in the mirror folder so a restart still knows which local changes never
 * reached the backend (they are exactly the records whose text differs from the base).
 * @category models
 */
export interface SyncState {
  /** Hash of config.yaml as last synced; absent when there was none. */
  config?: string
  /** Hash of each auth record as last synced, by id. */
  auths: Record<string, string>
  /** When the backend last answered, ISO time: shown when starting from the mirror. */
  syncedAt?: string
}

/** The key of config.yaml among the record keys the reconcile walks. @category constants */
export const CONFIG_KEY = "config.yaml"

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex")

const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical)
  if (typeof value !== "object" || value === null) return value
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(value).sort()) {
    Object.defineProperty(out, k, { value: canonical((value as Record<string, unknown>)[k]), enumerable: true })
  }
  return out
}

/**
 * The hash two copies of a record share when they mean the same: auth JSON compares by
 * value (PostgreSQL's JSONB reorders keys and respaces), config text by its lines (LF).
 * @category hashing
 */
export const contentHash = (key: string, text: string): string => {
  if (key === CONFIG_KEY) return sha256(text.replace(/\r\n?/g, "\n"))
  try {
    return sha256(JSON.stringify(canonical(JSON.parse(text))))
  } catch {
    return sha256(text)
  }
}

/** Reads the state file; a missing or damaged one means "never synced". @category io */
export const readSyncState = (file: string): SyncState | undefined => {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, "utf8"))
    if (typeof parsed !== "object" || parsed === null) return undefined
    const p = parsed as Partial<SyncState>
    const auths = typeof p.auths === "object" && p.auths !== null ? p.auths : {}
    return {
      auths: Object.fromEntries(Object.entries(auths).filter(([, v]) => typeof v === "string")),
      ...(typeof p.config === "string" ? { config: p.config } : {}),
      ...(typeof p.syncedAt === "string" ? { syncedAt: p.syncedAt } : {})
    }
  } catch {
    return undefined
  }
}

/** Writes the state file atomically (temp file and rename), synchronously: it is small. @category io */
export const writeSyncState = (file: string, state: SyncState): void => writeAtomicallySync(file, JSON.stringify(state, null, 2))
