/**
 * The AI Studio relay's wire frames (spec/03 C.4): JSON text objects
 * `{"id", "type", "payload"?}`. Inbound frames are decoded with Schema once, at the edge;
 * outbound frames are built here so their shape lives in one place.
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

const Id = Schema.String

/** Header values may be one string or a list. */
const Headers = Schema.Record({ key: Schema.String, value: Schema.Union(Schema.String, Schema.Array(Schema.String)) })

/** Response headers as a tab reports them. @category models */
export type Headers = typeof Headers.Type

/** Status, headers and (for `http_response`) the whole body. */
const ResponsePayload = Schema.Struct({
  status: Schema.optional(Schema.Number),
  headers: Schema.optional(Headers),
  body: Schema.optional(Schema.String)
})

/** A complete answer (terminal). @category schemas */
export const HttpResponse = Schema.Struct({
  id: Id,
  type: Schema.Literal("http_response"),
  payload: Schema.optional(Schema.NullOr(ResponsePayload))
})

/** A streamed answer begins. @category schemas */
export const StreamStart = Schema.Struct({
  id: Id,
  type: Schema.Literal("stream_start"),
  payload: Schema.optional(Schema.NullOr(ResponsePayload))
})

/** A raw slice of the upstream's body (SSE text). @category schemas */
export const StreamChunk = Schema.Struct({
  id: Id,
  type: Schema.Literal("stream_chunk"),
  payload: Schema.optional(Schema.NullOr(Schema.Struct({ data: Schema.optional(Schema.String) })))
})

/** The streamed answer is complete (terminal). @category schemas */
export const StreamEnd = Schema.Struct({ id: Id, type: Schema.Literal("stream_end"), payload: Schema.optional(Schema.Unknown) })

/** The tab could not get an answer (terminal). @category schemas */
export const ErrorFrame = Schema.Struct({
  id: Id,
  type: Schema.Literal("error"),
  payload: Schema.optional(Schema.NullOr(Schema.Struct({ error: Schema.optional(Schema.String), status: Schema.optional(Schema.Number) })))
})

/** An application-level keep-alive; answered with `pong`. @category schemas */
export const Ping = Schema.Struct({ id: Id, type: Schema.Literal("ping"), payload: Schema.optional(Schema.Unknown) })

/** Every frame a tab may send. @category schemas */
export const Inbound = Schema.Union(HttpResponse, StreamStart, StreamChunk, StreamEnd, ErrorFrame, Ping)

/** A decoded inbound frame. @category models */
export type Inbound = typeof Inbound.Type

/** A reply frame: every inbound frame but `ping`. @category models */
export type Reply = Exclude<Inbound, { readonly type: "ping" }>

const decodeInbound = Schema.decodeUnknownEither(Inbound)

/** Why an inbound text could not be used, and the id it named if any. @category models */
export interface Malformed {
  readonly id: string | undefined
  readonly reason: string
}

/** Decodes one text frame; a frame that is not JSON or not a known shape is Malformed. @category decoding */
export const decode = (text: string): Either.Either<Inbound, Malformed> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return Either.left({ id: undefined, reason: `frame is not JSON: ${e instanceof Error ? e.message : String(e)}` })
  }
  const named = typeof json === "object" && json !== null && "id" in json && typeof json.id === "string" ? json.id : undefined
  return Either.mapLeft(decodeInbound(json), (e) => ({
    id: named,
    reason: `frame does not match the relay protocol: ${ParseResult.TreeFormatter.formatErrorSync(e)}`
  }))
}

/** The HTTP call a tab must make, as the `http_request` payload. @category models */
export interface HttpRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** `http_request`: header values as lists, as the Go version sends them. @category encoding */
export const httpRequest = (id: string, request: HttpRequest, sentAt: Date): string =>
  JSON.stringify({
    id,
    type: "http_request",
    payload: {
      method: request.method,
      url: request.url,
      headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, [v]])),
      body: request.body,
      sent_at: sentAt.toISOString()
    }
  })

/** `pong`, the answer to a `ping` frame. @category encoding */
export const pong = (id: string): string => JSON.stringify({ id, type: "pong" })

/** `cancel`: the client of request `id` went away; the tab may stop its fetch. @category encoding */
export const cancel = (id: string): string => JSON.stringify({ id, type: "cancel" })

/** `error`: a frame the server could not use (the session stays open). @category encoding */
export const error = (id: string | undefined, message: string): string =>
  JSON.stringify({ ...(id === undefined ? {} : { id }), type: "error", payload: { error: message } })
