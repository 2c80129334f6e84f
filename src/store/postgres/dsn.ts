import type { ClientConfig } from "pg"

/** A parsed PGSTORE_DSN: how to connect, and a name for messages with the password left out. @category models */
export interface PgTarget {
  readonly config: ClientConfig
  /** `db.example.com:5432/cliproxy`: for logs and errors. */
  readonly display: string
}

const keywordPairs = /(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S*)/g

/**
 * Reads a DSN in either form libpq and pgx accept: a URL (`postgres://user:pass@host:5432/db?sslmode=require`)
 * or keywords (`host=db port=5432 user=u password='p w' dbname=cliproxy sslmode=require`).
 * @category parsing
 */
export const parseDsn = (dsn: string): PgTarget => {
  const trimmed = dsn.trim()
  if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    let display = trimmed
    try {
      const url = new URL(trimmed)
      display = `${url.hostname || "localhost"}:${url.port || "5432"}${url.pathname === "/" ? "" : url.pathname}`
    } catch {
      display = "the PGSTORE_DSN server"
    }
    return { config: { connectionString: trimmed }, display }
  }
  const values = new Map<string, string>()
  for (const m of trimmed.matchAll(keywordPairs)) {
    const raw = m[2] ?? ""
    values.set(m[1]!.toLowerCase(), raw.startsWith("'") ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw)
  }
  const host = values.get("host") ?? "localhost"
  const port = Number(values.get("port") ?? "5432")
  const database = values.get("dbname") ?? values.get("database")
  const sslmode = values.get("sslmode")
  const config: ClientConfig = {
    host,
    port,
    ...(values.has("user") ? { user: values.get("user")! } : {}),
    ...(values.has("password") ? { password: values.get("password")! } : {}),
    ...(database !== undefined ? { database } : {}),
    ...(sslmode !== undefined && sslmode !== "disable" ? { ssl: sslmode === "require" ? { rejectUnauthorized: false } : true } : {})
  }
  return { config, display: `${host}:${port}${database !== undefined ? `/${database}` : ""}` }
}
