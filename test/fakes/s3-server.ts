/**
 * An S3-compatible server (s3rver, in process) on 127.0.0.1:0 for the object store's tests:
 * it records every request, checks V4 signatures against its secret key (s3rver alone does
 * not), and can be taken down and brought back on the same port with the same data.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { createRequire } from "node:module"
import { Effect } from "effect"
import { tempDir } from "../support/server.js"
import { signatureMismatchXml, signedWith } from "./s3-signature.js"

/** The part of s3rver used here (it ships no types). */
interface S3rver {
  /** The request handler, for a server of our own. */
  callback(): http.RequestListener
}
interface S3rverOptions {
  readonly directory: string
  readonly silent: boolean
  readonly vhostBuckets: boolean
}
const S3rver = createRequire(import.meta.url)("s3rver") as new(options: S3rverOptions) => S3rver

/** s3rver's only account. */
export const S3_ACCESS_KEY = "S3RVER"
export const S3_SECRET_KEY = "S3RVER"

/** A running fake. */
export interface S3Server {
  readonly port: number
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** `GET /bucket/key`, one line per request, in order. */
  readonly requests: Array<string>
  /** Closes the port and drops open connections: clients get "connection refused". */
  readonly down: Effect.Effect<void>
  /** Listens again on the same port, with the data kept. */
  readonly up: Effect.Effect<void>
}

const listen = (server: http.Server, port: number) =>
  Effect.async<number>((resume) => {
    server.listen(port, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
  })

const close = (server: http.Server) =>
  Effect.async<void>((resume) => {
    if (!server.listening) return resume(Effect.void)
    server.close(() => resume(Effect.void))
    server.closeAllConnections()
  })

/** Starts a fake on a fresh port with an empty data folder; it stops with the scope. */
export const s3Server = Effect.gen(function*() {
  const directory = yield* tempDir
  const handler = new S3rver({ directory, silent: true, vhostBuckets: false }).callback()
  const requests: Array<string> = []
  const serve = () =>
    http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`)
      if (signedWith(req.method ?? "", req.url ?? "", req.headers, S3_SECRET_KEY)) return handler(req, res)
      res.writeHead(403, { "content-type": "application/xml" }).end(req.method === "HEAD" ? undefined : signatureMismatchXml)
    })
  let server = serve()
  const port = yield* listen(server, 0)
  yield* Effect.addFinalizer(() => close(server))
  const fake: S3Server = {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    down: Effect.suspend(() => close(server)),
    up: Effect.suspend(() => {
      if (server.listening) return Effect.void
      server = serve()
      return Effect.asVoid(listen(server, port))
    })
  }
  return fake
})
