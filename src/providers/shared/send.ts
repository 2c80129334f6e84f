import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib"
import type { Readable } from "node:stream"
import * as Effect from "effect/Effect"
import { type Dispatcher, request } from "undici"
import type { Target } from "../provider.js"

/** An upstream's answer: status, headers and the body still to be read. @category models */
export interface UpstreamResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | Array<string> | undefined>>
  readonly body: Readable
}

/** Why a call did not get an answer. @category errors */
export interface SendFailure {
  readonly message: string
}

/** An answer whose body was read whole when its status is 2xx (`readOk`), else left to read. @category models */
export interface SentResponse extends UpstreamResponse {
  readonly bytes: Buffer | undefined
}

/**
 * POSTs (or GETs, without a body) through a dispatcher. Interrupting the effect aborts the
 * request, so a client that goes away takes its upstream call with it. With `readOk`, a 2xx
 * body is read whole in the same step (one async boundary per non-stream call, not two).
 * @category sending
 */
export const send = (
  dispatcher: Dispatcher,
  target: { readonly url: string; readonly headers: Readonly<Record<string, string>> },
  body: string | Buffer | undefined,
  readOk = false
): Effect.Effect<SentResponse, SendFailure> =>
  Effect.tryPromise({
    try: async (signal) => {
      const res = await request(target.url, {
        method: body === undefined ? "GET" : "POST",
        headers: target.headers,
        body: body ?? null,
        dispatcher,
        signal
      })
      const answer = { status: res.statusCode, headers: res.headers, body: res.body }
      const ok = res.statusCode >= 200 && res.statusCode < 300
      return { ...answer, bytes: readOk && ok ? await readStream(decoded(answer)) : undefined }
    },
    catch: (e) => ({ message: describe(e) })
  })

const readStream = (stream: Readable): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    stream.on("data", (c: Buffer) => chunks.push(c))
    stream.once("end", () => resolve(Buffer.concat(chunks)))
    stream.once("error", reject)
  })

const describe = (e: unknown): string => {
  if (!(e instanceof Error)) return String(e)
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : ""
  return `${e.message}${cause}`
}

/** A header's first value. @category headers */
export const header = (res: UpstreamResponse, name: string): string | undefined => {
  const v = res.headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** The body decoded from its content-encoding (gzip, deflate, br), as a stream. @category reading */
export const decoded = (res: UpstreamResponse): Readable => {
  const encoding = header(res, "content-encoding")?.toLowerCase()
  if (encoding === "gzip" || encoding === "x-gzip") return res.body.pipe(createGunzip())
  if (encoding === "deflate") return res.body.pipe(createInflate())
  if (encoding === "br") return res.body.pipe(createBrotliDecompress())
  return res.body
}

/** Reads a whole (decoded) body; a broken connection fails with its reason. @category reading */
export const readAll = (res: UpstreamResponse): Effect.Effect<Buffer, SendFailure> =>
  Effect.async<Buffer, SendFailure>((resume) => {
    const stream = decoded(res)
    const chunks: Array<Buffer> = []
    stream.on("data", (c: Buffer) => chunks.push(c))
    stream.once("end", () => resume(Effect.succeed(Buffer.concat(chunks))))
    stream.once("error", (e) => resume(Effect.fail({ message: describe(e) })))
    return Effect.sync(() => {
      stream.destroy()
      res.body.destroy()
    })
  })

/** A GET of a JSON document (model lists). @category sending */
export const getJson = (dispatcher: Dispatcher, target: Target): Effect.Effect<unknown, SendFailure> =>
  Effect.flatMap(send(dispatcher, target, undefined), (res) =>
    Effect.flatMap(readAll(res), (buf) =>
      res.status >= 200 && res.status < 300
        ? Effect.try({ try: () => JSON.parse(buf.toString("utf8")) as unknown, catch: () => ({ message: "not JSON" }) })
        : Effect.fail({ message: `HTTP ${res.status}: ${buf.toString("utf8").slice(0, 200)}` })))
