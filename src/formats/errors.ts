/**
 * Errors raised by the translation hub. Decoders return them in `Either`/`Effect`
 * failures; nothing in `formats/` throws across a module boundary.
 */
import { Data } from "effect"
import type { Dialect } from "./ir.js"

/**
 * A client or upstream body that cannot be read as its dialect. `message` is fit for the
 * client and names the offending field; `path` is that field's JSON path.
 * @category errors
 */
export class DecodeError extends Data.TaggedError("DecodeError")<{
  readonly dialect: Dialect
  readonly message: string
  readonly path?: string
}> {
  /** Always 400: the body, not the proxy, is at fault. */
  get status(): number {
    return 400
  }
}

/** Builds a DecodeError naming the field at `path`. @category constructors */
export const invalidField = (dialect: Dialect, path: string, expected: string): DecodeError =>
  new DecodeError({ dialect, path, message: `Invalid request: '${path}' must be ${expected}` })
