/**
 * Tiny Effect wrappers over global `fetch` (undici) used by the fakes' own tests to talk to
 * them like a real client would.
 */
import { Data, Effect } from "effect"
import * as Sse from "./sse.js"

/** A failed fetch or body read (refused, reset, aborted). @category errors */
export class FetchFailed extends Data.TaggedError("FetchFailed")<{ readonly cause: unknown }> {}

/** POSTs a JSON body. @category requests */
export const postJson = (
  url: string,
  body: unknown,
  init: { readonly headers?: Record<string, string>; readonly signal?: AbortSignal } = {}
): Effect.Effect<Response, FetchFailed> =>
  Effect.tryPromise({
    try: () =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...init.headers },
        body: JSON.stringify(body),
        ...(init.signal === undefined ? {} : { signal: init.signal })
      }),
    catch: (cause) => new FetchFailed({ cause })
  })

/** GETs a URL. @category requests */
export const get = (url: string, headers: Record<string, string> = {}): Effect.Effect<Response, FetchFailed> =>
  Effect.tryPromise({ try: () => fetch(url, { headers }), catch: (cause) => new FetchFailed({ cause }) })

/** Reads the whole body as text. @category bodies */
export const text = (response: Response): Effect.Effect<string, FetchFailed> =>
  Effect.tryPromise({ try: () => response.text(), catch: (cause) => new FetchFailed({ cause }) })

/** Reads the whole body as JSON. @category bodies */
export const json = (response: Response): Effect.Effect<unknown, FetchFailed> =>
  Effect.tryPromise({ try: () => response.json() as Promise<unknown>, catch: (cause) => new FetchFailed({ cause }) })

/** Reads the whole body as SSE events. @category bodies */
export const events = (response: Response): Effect.Effect<Array<Sse.SseEvent>, FetchFailed> =>
  Effect.map(text(response), Sse.parse)

/** Reads body chunks until `predicate` holds for the text so far; returns that text and leaves the body open. @category bodies */
export const readUntil = (response: Response, predicate: (soFar: string) => boolean): Effect.Effect<string, FetchFailed> =>
  Effect.tryPromise({
    try: async () => {
      const reader = response.body?.getReader()
      if (reader === undefined) return ""
      const decoder = new TextDecoder()
      let soFar = ""
      while (!predicate(soFar)) {
        const { done, value } = await reader.read()
        if (done) break
        soFar += decoder.decode(value, { stream: true })
      }
      reader.releaseLock()
      return soFar
    },
    catch: (cause) => new FetchFailed({ cause })
  })

/** Walks into parsed JSON by keys and indices; `undefined` when the path is missing. @category bodies */
export const at = (value: unknown, ...path: ReadonlyArray<string | number>): unknown => {
  let current = value
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined
    current = (current as Record<string | number, unknown>)[key]
  }
  return current
}
