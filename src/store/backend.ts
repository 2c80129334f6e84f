import * as path from "node:path"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"

/** Which store keeps the config and the auth records, from the environment (spec/03 B.2). @category models */
export type Backend =
  | { readonly kind: "file" }
  | { readonly kind: "postgres"; readonly dsn: string; readonly schema?: string; readonly root: string }
  | {
    readonly kind: "object"
    /** As given: parsed (and refused when unusable) by the object store. */
    readonly endpoint: string
    readonly bucket: string
    readonly accessKey: string
    readonly secretKey: string
    readonly root: string
    readonly pollInterval: Duration.Duration
  }
  | {
    readonly kind: "git"
    readonly url: string
    readonly username?: string
    readonly token?: string
    readonly root: string
    readonly pullInterval: Duration.Duration
  }

/** The environment as the store selection reads it. @category models */
export type Env = Readonly<Record<string, string | undefined>>

/** A variable in upper case, else lower case, trimmed; empty counts as unset (as the Go version reads them). @category env */
export const envValue = (env: Env, name: string): string | undefined => {
  const v = (env[name.toUpperCase()] ?? env[name.toLowerCase()])?.trim()
  return v === undefined || v === "" ? undefined : v
}

/** `30`, `30s`, `2m`, `500ms`: seconds when there is no unit. @category env */
export const parseInterval = (text: string): Duration.Duration | undefined => {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i.exec(text.trim())
  if (m === null) return undefined
  const n = Number(m[1])
  const unit = (m[2] ?? "s").toLowerCase()
  const d = unit === "ms" ? Duration.millis(n) : unit === "m" ? Duration.minutes(n) : unit === "h" ? Duration.hours(n) : Duration.seconds(n)
  return Duration.greaterThan(d, Duration.zero) ? d : undefined
}

const interval = (env: Env, name: string, fallback: Duration.Duration): Either.Either<Duration.Duration, string> => {
  const raw = envValue(env, name)
  if (raw === undefined) return Either.right(fallback)
  const d = parseInterval(raw)
  return d === undefined ? Either.left(`${name}=${raw} is not an interval (use seconds, or 30s, 2m, 500ms)`) : Either.right(d)
}

/**
 * Chooses the store: PGSTORE_DSN, else OBJECTSTORE_ENDPOINT, else GITSTORE_GIT_URL, else
 * the file store. Each backend mirrors into `<its LOCAL_PATH, else WRITABLE_PATH, else the
 * working directory>/pgstore|objectstore|gitstore`. Left is a message for a setting that
 * cannot work (the server does not start on it).
 * @category selection
 */
export const chooseBackend = (env: Env, cwd: string): Either.Either<Backend, string> => {
  const rootFor = (prefix: string, folder: string) =>
    path.join(path.resolve(cwd, envValue(env, `${prefix}_LOCAL_PATH`) ?? envValue(env, "WRITABLE_PATH") ?? "."), folder)
  const dsn = envValue(env, "PGSTORE_DSN")
  if (dsn !== undefined) {
    const schema = envValue(env, "PGSTORE_SCHEMA")
    return Either.right({ kind: "postgres", dsn, root: rootFor("PGSTORE", "pgstore"), ...(schema !== undefined ? { schema } : {}) })
  }
  const endpoint = envValue(env, "OBJECTSTORE_ENDPOINT")
  if (endpoint !== undefined) {
    const bucket = envValue(env, "OBJECTSTORE_BUCKET")
    const accessKey = envValue(env, "OBJECTSTORE_ACCESS_KEY")
    const secretKey = envValue(env, "OBJECTSTORE_SECRET_KEY")
    const missing = [["OBJECTSTORE_ACCESS_KEY", accessKey], ["OBJECTSTORE_SECRET_KEY", secretKey], ["OBJECTSTORE_BUCKET", bucket]]
      .filter(([, v]) => v === undefined).map(([k]) => k)
    if (missing.length > 0) return Either.left(`OBJECTSTORE_ENDPOINT is set, but ${missing.join(", ")} ${missing.length > 1 ? "are" : "is"} not`)
    return Either.map(interval(env, "OBJECTSTORE_POLL_INTERVAL", Duration.seconds(30)), (pollInterval) => ({
      kind: "object" as const,
      endpoint,
      bucket: bucket!,
      accessKey: accessKey!,
      secretKey: secretKey!,
      root: rootFor("OBJECTSTORE", "objectstore"),
      pollInterval
    }))
  }
  const url = envValue(env, "GITSTORE_GIT_URL")
  if (url !== undefined) {
    const username = envValue(env, "GITSTORE_GIT_USERNAME")
    const token = envValue(env, "GITSTORE_GIT_TOKEN")
    return Either.map(interval(env, "GITSTORE_PULL_INTERVAL", Duration.seconds(30)), (pullInterval) => ({
      kind: "git" as const,
      url,
      root: rootFor("GITSTORE", "gitstore"),
      pullInterval,
      ...(username !== undefined ? { username } : {}),
      ...(token !== undefined ? { token } : {})
    }))
  }
  return Either.right({ kind: "file" })
}
