import type { IncomingHttpHeaders, ServerResponse } from "node:http"
import * as Effect from "effect/Effect"
import type { Config } from "../config/schema.js"
import { ApiError } from "../http/errors.js"
import { CODE_ASSIST_BASE_URL } from "../providers/gemini-cli/provider.js"
import { joinUrl } from "../providers/provider.js"
import { effectiveProxy, type Service as Dispatchers } from "../providers/shared/dispatchers.js"
import { send } from "../providers/shared/send.js"

/** A Gemini CLI call to relay to Code Assist as it is. @category models */
export interface RelayedCall {
  readonly method: "GET" | "POST"
  /** Path and query as the client sent them (`/v1internal:loadCodeAssist`, `/v1internal/operations/x`). */
  readonly target: string
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer | undefined
  readonly config: Config
}

// connection-level headers belong to each hop, not to the message
const hopByHop = new Set(["host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "content-length"])

const forwardable = (headers: Readonly<Record<string, string | Array<string> | undefined>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || hopByHop.has(name.toLowerCase())) continue
    out[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return out
}

/**
 * Relays a Gemini CLI call that is not a model call (loadCodeAssist, onboardUser,
 * countTokens, operation polls, quota and experiment lookups) to Code Assist with the
 * client's own headers and token, through the global proxy, and streams the answer back as
 * it came, status included (the Go version turned every failure into a 400).
 * @category relay
 */
export const relayCodeAssist = (dispatchers: Dispatchers) => (call: RelayedCall, res: ServerResponse): Effect.Effect<void, ApiError> =>
  Effect.gen(function*() {
    const base = call.config.upstreamEndpoints["gemini-cli"] || CODE_ASSIST_BASE_URL
    const response = yield* send(
      dispatchers.forProxy(effectiveProxy("", call.config.proxyUrl)),
      { url: joinUrl(base, call.target), headers: forwardable(call.headers) },
      call.body
    ).pipe(
      Effect.mapError((e) => new ApiError({ status: 502, kind: "api_error", message: `Code Assist could not be reached: ${e.message}` }))
    )
    yield* Effect.async<void>((resume) => {
      res.writeHead(response.status, forwardable(response.headers))
      response.body.pipe(res)
      response.body.once("end", () => resume(Effect.void))
      response.body.once("error", () => {
        res.destroy()
        resume(Effect.void)
      })
      return Effect.sync(() => response.body.destroy())
    })
  })
