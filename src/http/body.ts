import type { IncomingMessage } from "node:http"

/** Why a body could not be read. @category models */
export type BodyFailure = { readonly _tag: "TooLarge" } | { readonly _tag: "Aborted"; readonly message: string }

/**
 * Reads a request body up to `limit` bytes and calls back once. A declared
 * Content-Length over the limit fails before reading a byte; a body that grows past it
 * fails as soon as it does, without buffering the rest.
 * @category reading
 */
export const readBody = (
  req: IncomingMessage,
  limit: number,
  done: (failure: BodyFailure | undefined, body: Buffer) => void
): void => {
  let finished = false
  const finish = (failure: BodyFailure | undefined, body: Buffer) => {
    if (finished) return
    finished = true
    req.removeAllListeners("data")
    done(failure, body)
  }
  const declared = Number(req.headers["content-length"])
  if (Number.isFinite(declared) && declared > limit) {
    finish({ _tag: "TooLarge" }, Buffer.alloc(0))
    req.resume()
    return
  }
  const chunks: Array<Buffer> = []
  let size = 0
  req.on("data", (chunk: Buffer) => {
    size += chunk.length
    if (size > limit) {
      finish({ _tag: "TooLarge" }, Buffer.alloc(0))
      req.resume()
      return
    }
    chunks.push(chunk)
  })
  req.on("end", () => finish(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)))
  req.on("error", (e) => finish({ _tag: "Aborted", message: e.message }, Buffer.alloc(0)))
  req.on("aborted", () => finish({ _tag: "Aborted", message: "client aborted" }, Buffer.alloc(0)))
}
