import * as http from "node:http"
import * as https from "node:https"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { Client } from "minio"
import { type Remote, type RemoteChange, RemoteError, type RemoteSnapshot } from "../remote.js"
import { makeBucket } from "./bucket.js"
import { clientOptions, type ObjectEndpoint } from "./endpoint.js"

/** The config's key in the bucket, as the Go version lays it out (spec/03 B.7). @category constants */
export const CONFIG_OBJECT = "config/config.yaml"
/** The prefix of the auth records' keys: `auths/<id>`. @category constants */
export const AUTHS_PREFIX = "auths/"

/** How to reach the bucket. @category models */
export interface ObjectRemoteOptions {
  /** Already parsed with `parseEndpoint`, so a bad OBJECTSTORE_ENDPOINT stops startup with its own message. */
  readonly endpoint: ObjectEndpoint
  readonly bucket: string
  readonly accessKey: string
  readonly secretKey: Redacted.Redacted<string>
  /** How often the bucket is listed for changes by others (S3 has no change feed). */
  readonly pollInterval: Duration.DurationInput
  /**
   * The signing region. When absent it is asked of the server once per bucket, as the Go
   * client does, so an AWS bucket outside us-east-1 works; MinIO and most others answer us-east-1.
   */
  readonly region?: string
  /** How long one snapshot or push may take before it counts as failed (default 30 s). */
  readonly timeout?: Duration.DurationInput
}

/** An auth object's id, or undefined for keys the mirror cannot hold: folder markers, nested keys, "." and "..". */
const authId = (key: string) => {
  const id = key.slice(AUTHS_PREFIX.length)
  return id === "" || id === "." || id === ".." || id.includes("/") || id.includes("\\") ? undefined : id
}

const keyOf = (change: RemoteChange) => (change.kind === "config" ? CONFIG_OBJECT : AUTHS_PREFIX + change.id)
const contentTypeOf = (change: RemoteChange) => (change.kind === "config" ? "application/x-yaml" : "application/json")

/**
 * An S3-compatible bucket (MinIO, AWS S3, ...) as a mirrored store's backend, in the Go
 * version's layout: `config/config.yaml` and `auths/<id>`. The bucket is created when
 * missing. Texts are kept by ETag, so a poll downloads only the objects that changed.
 * @category constructors
 */
export const makeObjectRemote = (options: ObjectRemoteOptions): Effect.Effect<Remote, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { endpoint } = options
    const name = `object storage ${endpoint.url}/${options.bucket}`
    const secret = Redacted.value(options.secretKey)
    // an agent of our own: its kept-alive connections close with the store
    const agent = yield* Effect.acquireRelease(
      Effect.sync((): http.Agent => (endpoint.useSSL ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true }))),
      (a) => Effect.sync(() => a.destroy())
    )
    const client = new Client({
      ...clientOptions(endpoint),
      accessKey: options.accessKey,
      secretKey: secret,
      pathStyle: true,
      transportAgent: agent,
      // the mirror sync retries with its own backoff; the client's retry would only log to the console
      retryOptions: { disableRetry: true },
      ...(options.region !== undefined ? { region: options.region } : {})
    })
    const bucket = makeBucket(client, options.bucket, name, secret)
    const timeout = Duration.decode(options.timeout ?? "30 seconds")
    const bounded = <A>(self: Effect.Effect<A, RemoteError>) =>
      Effect.timeoutFail(self, {
        duration: timeout,
        onTimeout: () => new RemoteError({ message: `${name}: no answer within ${Duration.format(timeout)}` })
      })

    let bucketReady = false
    const ready = Effect.suspend(() => (bucketReady ? Effect.void : Effect.tap(bucket.ensure, () => void (bucketReady = true))))

    const cache = new Map<string, { readonly etag: string; readonly text: string }>()
    const textOf = (key: string, etag: string) => {
      const hit = cache.get(key)
      if (hit?.etag === etag) return Effect.succeed<string | undefined>(hit.text)
      return Effect.tap(bucket.getText(key), (text) => {
        if (text !== undefined) cache.set(key, { etag, text })
      })
    }

    const snapshot = Effect.gen(function*() {
      yield* ready
      const [configEtag, listed] = yield* Effect.all([bucket.stat(CONFIG_OBJECT), bucket.list(AUTHS_PREFIX)], { concurrency: 2 })
      const entries = listed.flatMap((e) => {
        const id = authId(e.key)
        return id === undefined ? [] : [{ ...e, id }]
      })
      const config = configEtag === undefined ? undefined : yield* textOf(CONFIG_OBJECT, configEtag)
      const texts = yield* Effect.forEach(entries, (e) => textOf(e.key, e.etag), { concurrency: 4 })
      const auths = new Map<string, string>()
      entries.forEach((e, i) => {
        const text = texts[i]
        if (text !== undefined) auths.set(e.id, text)
      })
      // objects gone from the bucket leave the cache too
      const live = new Set(entries.map((e) => e.key))
      if (configEtag !== undefined) live.add(CONFIG_OBJECT)
      for (const key of cache.keys()) if (!live.has(key)) cache.delete(key)
      return { config, auths } satisfies RemoteSnapshot
    })

    const push = (changes: ReadonlyArray<RemoteChange>) =>
      Effect.zipRight(
        ready,
        Effect.forEach(changes, (change) => {
          const key = keyOf(change)
          const text = change.text
          if (text === undefined) return Effect.tap(bucket.remove(key), () => void cache.delete(key))
          // what was just uploaded is known: the next poll need not download it
          return Effect.tap(bucket.put(key, text, contentTypeOf(change)), (etag) => void cache.set(key, { etag, text }))
        }, { concurrency: 4, discard: true })
      )

    return {
      kind: "object",
      name,
      pollInterval: options.pollInterval,
      snapshot: bounded(snapshot),
      push: (changes) => bounded(push(changes))
    } satisfies Remote
  })
