import type { ServerResponse } from "node:http"
import * as Effect from "effect/Effect"
import { codecs } from "../formats/codecs.js"
import { decodeCount, encodeCount } from "../formats/count-tokens.js"
import type { JsonObject } from "../formats/json.js"
import { tryParse } from "../formats/json.js"
import { baseUrlFor } from "../providers/base-url.js"
import type { CallInput } from "../providers/provider.js"
import { providerOf } from "../providers/provider-set.js"
import { readAll } from "../providers/shared/send.js"
import type { Credential } from "../credentials/credential.js"
import type { Candidate } from "../credentials/model-registry.js"
import { type CallPlan, canPassThrough, failed, sendTo, withRenewal } from "./execute.js"
import { countLocally } from "./local-tokens.js"
import { type AttemptError, TransportError, UpstreamError } from "./upstream-error.js"

/** Fields Anthropic's count endpoint refuses: it counts a request, it does not run one. */
const claudeCountBody = (body: JsonObject): JsonObject => {
  const { max_tokens: _m, stream: _s, temperature: _t, top_p: _p, top_k: _k, stop_sequences: _q, metadata: _d, service_tier: _v, ...rest } = body
  return rest
}

/** Gemini counts a whole generate request when it is wrapped with its model. */
const geminiCountBody = (body: JsonObject, model: string): JsonObject => {
  const { generationConfig: _g, safetySettings: _s, ...rest } = body
  return { generateContentRequest: { model: `models/${model}`, ...rest } }
}

/** A count from one credential: asked upstream where it can count, else counted locally. @category counting */
export const countAttempt = (plan: CallPlan, credential: Credential, candidate: Candidate): Effect.Effect<number, AttemptError> =>
  withRenewal(plan, credential, (c) => countWith(plan, c, candidate))

const countWith = (plan: CallPlan, credential: Credential, candidate: Candidate): Effect.Effect<number, AttemptError> =>
  Effect.gen(function*() {
    const provider = yield* providerOf(plan.providers, credential)
    // counting always decodes the request up front, so plan.ir is set
    if (provider.countTokens === undefined) return yield* countLocally(plan.ir!)
    const input: CallInput = {
      credential,
      baseUrl: baseUrlFor(plan.config, credential, provider),
      model: candidate.upstream,
      stream: false,
      clientHeaders: plan.call.headers
    }
    const upstreamBody = canPassThrough(plan, provider)
      ? plan.call.json
      : codecs[provider.dialect].encodeRequest({ ...plan.ir!, model: candidate.upstream, stream: false }, plan.context)
    const payload = provider.countBody !== undefined
      ? provider.countBody(upstreamBody, input)
      : provider.dialect === "claude"
      ? claudeCountBody({ ...upstreamBody, model: candidate.upstream })
      : "generateContentRequest" in upstreamBody
      ? upstreamBody
      : geminiCountBody(upstreamBody, candidate.upstream)
    const response = yield* sendTo(plan, credential, provider.countTokens(input), JSON.stringify(payload))
    if (response.status < 200 || response.status >= 300) return yield* failed(credential.provider, response)
    const bytes = yield* readAll(response).pipe(Effect.mapError((e) => new TransportError({ provider: credential.provider, message: e.message })))
    const n = decodeCount(tryParse(bytes.toString("utf8")))
    if (n === undefined) {
      return yield* new UpstreamError({ provider: credential.provider, status: 502, body: "the upstream's token count could not be read", contentType: undefined, retryAfterMs: undefined })
    }
    return n
  })

/** Writes a count in the client's dialect (`{input_tokens}` for Claude, `{totalTokens}` for Gemini). @category counting */
export const respondCount = (plan: CallPlan, n: number, res: ServerResponse) =>
  Effect.sync(() => {
    const body = JSON.stringify(encodeCount(plan.client.dialect, n) ?? { input_tokens: n })
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) })
    res.end(body)
  })
