import { text } from "node:stream/consumers"
import * as Effect from "effect/Effect"
import type { BucketItem, Client } from "minio"
import { RemoteError } from "../remote.js"

/** One object of a listing: its key and ETag (quotes stripped). @category models */
export interface ObjectEntry {
  readonly key: string
  readonly etag: string
}

/** One bucket through a minio client: each call an Effect whose failure says what failed and why. @category models */
export interface Bucket {
  /** Creates the bucket unless it exists (another replica creating it at the same time is fine). */
  readonly ensure: Effect.Effect<void, RemoteError>
  /** The object's ETag, or undefined when there is no such object. */
  readonly stat: (key: string) => Effect.Effect<string | undefined, RemoteError>
  /** The object's text, or undefined when it vanished since it was listed. */
  readonly getText: (key: string) => Effect.Effect<string | undefined, RemoteError>
  /** Every object under the prefix, at any depth. */
  readonly list: (prefix: string) => Effect.Effect<ReadonlyArray<ObjectEntry>, RemoteError>
  /** Writes the object and returns its new ETag. */
  readonly put: (key: string, body: string, contentType: string) => Effect.Effect<string, RemoteError>
  /** Removes the object; a missing one is fine. */
  readonly remove: (key: string) => Effect.Effect<void, RemoteError>
}

/** S3 and minio codes for "no such object" (a HEAD answer has no body, so minio names it from the status). */
const notFoundCodes = new Set(["NoSuchKey", "NotFound"])
const alreadyThereCodes = new Set(["BucketAlreadyOwnedByYou", "BucketAlreadyExists"])
const credentialCodes = new Set(["SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied", "InvalidToken"])

const codeOf = (e: unknown): string | undefined => {
  if (typeof e !== "object" || e === null || !("code" in e)) return undefined
  return typeof e.code === "string" ? e.code : undefined
}

/** Strips the quotes S3 puts around ETags, so listings, HEADs and PUT answers compare equal. */
const bareEtag = (etag: string) => etag.replace(/^"|"$/g, "")

/** The reason in plain words: the S3 code and message, or the network error; never the secret. */
const reasonOf = (e: unknown, secret: string) => {
  const code = codeOf(e)
  const message = e instanceof Error ? e.message : String(e)
  let reason = code !== undefined && message !== "" && !message.includes(code) ? `${code}: ${message}` : message || code || "unknown error"
  if (code !== undefined && credentialCodes.has(code)) reason += " (check OBJECTSTORE_ACCESS_KEY and OBJECTSTORE_SECRET_KEY)"
  // the client's messages should never hold the secret; this makes sure
  return secret === "" ? reason : reason.split(secret).join("***")
}

/**
 * Wraps a minio client for one bucket. `name` begins every error message; `secret` is
 * blanked out of them.
 * @category constructors
 */
export const makeBucket = (client: Client, bucket: string, name: string, secret: string): Bucket => {
  const call = <A>(what: string, run: () => Promise<A>) =>
    Effect.tryPromise({ try: run, catch: (cause) => ({ what, cause }) })
  const fail = ({ what, cause }: { what: string; cause: unknown }) =>
    new RemoteError({ message: `${name}: ${what}: ${reasonOf(cause, secret)}` })
  const missing = ({ cause }: { cause: unknown }) => notFoundCodes.has(codeOf(cause) ?? "")

  const list = (prefix: string) =>
    Effect.async<ReadonlyArray<ObjectEntry>, { what: string; cause: unknown }>((resume) => {
      const out: Array<ObjectEntry> = []
      const stream = client.listObjectsV2(bucket, prefix, true)
      stream.on("data", (item: BucketItem) => {
        // common prefixes carry no name; a recursive listing gives none, but be sure
        if (item.name !== undefined) out.push({ key: item.name, etag: bareEtag(item.etag) })
      })
      stream.on("error", (cause: unknown) => resume(Effect.fail({ what: `listing ${prefix}`, cause })))
      // an interrupted listing runs to its end unheard: its listeners stay, so a late error is not unhandled
      stream.on("end", () => resume(Effect.succeed(out)))
    })

  return {
    ensure: call("checking the bucket", () => client.bucketExists(bucket)).pipe(
      Effect.flatMap((exists) =>
        exists
          ? Effect.void
          : call("creating the bucket", () => client.makeBucket(bucket)).pipe(
            Effect.catchIf(({ cause }) => alreadyThereCodes.has(codeOf(cause) ?? ""), () => Effect.void)
          )
      ),
      Effect.mapError(fail)
    ),
    stat: (key) =>
      call(`reading ${key}`, () => client.statObject(bucket, key)).pipe(
        Effect.map((s): string | undefined => bareEtag(s.etag)),
        Effect.catchIf(missing, () => Effect.succeed(undefined)),
        Effect.mapError(fail)
      ),
    getText: (key) =>
      call(`downloading ${key}`, async () => text(await client.getObject(bucket, key))).pipe(
        Effect.map((body): string | undefined => body),
        Effect.catchIf(missing, () => Effect.succeed(undefined)),
        Effect.mapError(fail)
      ),
    list: (prefix) => Effect.mapError(list(prefix), fail),
    put: (key, body, contentType) => {
      const bytes = Buffer.from(body, "utf8")
      return call(`uploading ${key}`, () => client.putObject(bucket, key, bytes, bytes.length, { "Content-Type": contentType })).pipe(
        Effect.map((info) => bareEtag(info.etag)),
        Effect.mapError(fail)
      )
    },
    remove: (key) =>
      call(`deleting ${key}`, () => client.removeObject(bucket, key)).pipe(
        Effect.catchIf(missing, () => Effect.void),
        Effect.mapError(fail)
      )
  }
}
