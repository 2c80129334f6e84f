import { Transform } from "node:stream"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { Config } from "../config/schema.js"
import type { Credential } from "../credentials/credential.js"
import type { Candidate } from "../credentials/model-registry.js"
import type { CodecContext } from "../formats/codecs.js"
import type * as IR from "../formats/ir.js"
import { baseUrlFor } from "../providers/base-url.js"
import type { CallInput, Provider, Target } from "../providers/provider.js"
import { maskSecret } from "../logging/redact.js"
import { providerOf, type Service as Providers } from "../providers/provider-set.js"
import { effectiveProxy, type Service as Dispatchers } from "../providers/shared/dispatchers.js"
import { header, readAll, send, type SentResponse, type UpstreamResponse } from "../providers/shared/send.js"
import type { Service as Relay } from "../relay/relay.js"
import type { RelayError } from "../relay/pending.js"
import { type ClientSide, encodeFor } from "./client-side.js"
import type { Service as TokenRefreshService } from "../credentials/token-refresh.js"
import type { ModelCall } from "./model-call.js"
import { type AttemptError, retryHintMs, TransportError, UpstreamError } from "./upstream-error.js"

/** A successful upstream answer, and how the client's answer must be made from it. @category models */
export interface Outcome {
  readonly provider: Provider
  readonly credential: Credential
  /** Client and upstream speak the same dialect: bytes go back as they came. */
  readonly passthrough: boolean
  readonly response: UpstreamResponse
  /** The whole body, for non-stream calls (read inside the attempt, so a broken body is retried). */
  readonly bytes: Buffer | undefined
}

/** What every attempt of one call shares. @category models */
export interface CallPlan {
  readonly call: ModelCall
  readonly client: ClientSide
  readonly config: Config
  readonly dispatchers: Dispatchers
  /** The AI Studio relay: the transport of `aistudio` credentials. */
  readonly relay: Relay
  /** Every provider, by kind. */
  readonly providers: Providers
  /** The decoded client request, when some candidate needs a translation. */
  readonly ir: IR.Request | undefined
  readonly reasoning: IR.Request["reasoning"]
  readonly context: CodecContext
  /** Gemini `alt` other than sse. */
  readonly alt: string | undefined
  readonly tokens: TokenRefreshService
}

/** Whether a provider can take the client's bytes as they are. @category planning */
export const canPassThrough = (plan: Pick<CallPlan, "client" | "reasoning">, provider: Provider): boolean =>
  provider.dialect === plan.client.dialect && (provider.envelope === true) === plan.client.envelope &&
  !plan.client.completions && plan.reasoning === undefined

const body = (plan: CallPlan, provider: Provider, input: CallInput, passthrough: boolean): string | Buffer => {
  if (passthrough) {
    const prepared = provider.prepareBody(plan.call.json, input, plan.call.model)
    return prepared === undefined ? plan.call.body : JSON.stringify(prepared)
  }
  // plan.ir is decoded up front whenever a candidate cannot pass through; the client's
  // Code Assist envelope is for its answers, the provider wraps its own requests
  const { geminiEnvelope: _clientEnvelope, ...context } = plan.context
  const encoded = encodeFor(plan.ir!, provider.dialect, input.model, input.stream, plan.reasoning, {
    ...context,
    ...(provider.kind === "codex" ? { codex: true } : {})
  })
  return JSON.stringify(provider.prepareBody(encoded, input, plan.call.model) ?? encoded)
}

/** The upstream's failure, with its body read and its retry hint parsed. @category errors */
export const failed = (provider: string, res: UpstreamResponse) =>
  Effect.gen(function*() {
    const text = (yield* Effect.orElseSucceed(readAll(res), () => Buffer.alloc(0))).toString("utf8")
    const now = yield* Clock.currentTimeMillis
    return yield* new UpstreamError({
      provider,
      status: res.status,
      body: text,
      contentType: header(res, "content-type"),
      retryAfterMs: retryHintMs(header(res, "retry-after"), text, now)
    })
  })

/** How a credential shows in the request log: provider, id, and its key masked or its account. */
const authLabel = (c: Credential) =>
  `provider=${c.provider}, auth_id=${c.id}, label=${c.label}, ${c.oauth === undefined ? `type=api_key value=${maskSecret(c.apiKey)}` : `type=oauth account=${c.oauth.email ?? c.label}`}`

/**
 * A relay failure for the retry policy: a status the tab reported is an upstream error,
 * a lost or missing tab a transport error (failed over like a dropped connection).
 */
const relayFailure = (credential: Credential) => (e: RelayError): AttemptError =>
  e.status === undefined
    ? new TransportError({ provider: credential.provider, message: e.message })
    : new UpstreamError({ provider: credential.provider, status: e.status, body: e.message, contentType: undefined, retryAfterMs: undefined })

/** Over HTTP through the credential's proxy, or, for an AI Studio tab, through the relay (the browser makes the call). */
const transport = (
  plan: CallPlan,
  credential: Credential,
  target: Target,
  payload: string | Buffer | undefined,
  readOk: boolean
): Effect.Effect<SentResponse, AttemptError> =>
  credential.kind === "aistudio"
    ? plan.relay.send(credential.id, { method: "POST", ...target, body: payload?.toString("utf8") ?? "" }, readOk).pipe(
      Effect.mapError(relayFailure(credential))
    )
    : send(plan.dispatchers.forProxy(effectiveProxy(credential.proxyUrl, plan.config.proxyUrl)), target, payload, readOk).pipe(
      Effect.mapError((e) => new TransportError({ provider: credential.provider, message: e.message }))
    )

/** Sends one request to one target (see `transport`), and into the request log when it is on. @category sending */
export const sendTo = (plan: CallPlan, credential: Credential, target: Target, payload: string | Buffer | undefined, readOk = false) => {
  const sent = transport(plan, credential, target, payload, readOk)
  const record = plan.call.record
  if (record === undefined) return sent
  const n = record.upstreamRequest(target.url, target.headers, payload, authLabel(credential))
  return Effect.map(sent, (res) => {
    record.upstreamResponse(n, res.status, res.headers)
    if (res.bytes !== undefined) {
      record.upstreamBody(n, res.bytes)
      return res
    }
    // a tap between the upstream and whoever reads it: the bytes pass on unchanged, an
    // upstream error passes on, and closing the tap closes the upstream (a client that left)
    const body = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        record.upstreamBody(n, chunk)
        done(null, chunk)
      }
    })
    res.body.on("error", (e) => body.destroy(e))
    body.on("close", () => res.body.destroy())
    res.body.pipe(body)
    return { ...res, body }
  })
}

/** An OAuth credential with a token fit to use now (refreshed first if it is about to expire). @category oauth */
export const freshen = (plan: CallPlan, credential: Credential): Effect.Effect<Credential, AttemptError> => {
  const oauth = credential.oauth
  if (oauth === undefined) return Effect.succeed(credential)
  return plan.tokens.fresh(oauth.recordId, oauth.accessToken, oauth.expiresAt).pipe(
    Effect.map((accessToken) => (accessToken === oauth.accessToken ? credential : { ...credential, oauth: { ...oauth, accessToken } })),
    Effect.mapError((e) => new TransportError({ provider: credential.provider, message: e.message }))
  )
}

/**
 * A 401 on an OAuth credential gets one token refresh and one retry on that credential
 * before it counts as a failure (the Go version only moved on).
 * @category oauth
 */
export const withRenewal = <A>(
  plan: CallPlan,
  credential: Credential,
  run: (credential: Credential) => Effect.Effect<A, AttemptError>
): Effect.Effect<A, AttemptError> =>
  Effect.flatMap(freshen(plan, credential), (fresh) =>
    run(fresh).pipe(
      Effect.catchIf(
        (e) => e._tag === "UpstreamError" && e.status === 401 && fresh.oauth !== undefined,
        (unauthorized) =>
          plan.tokens.refresh(fresh.oauth!.recordId).pipe(
            Effect.flatMap((accessToken) => run({ ...fresh, oauth: { ...fresh.oauth!, accessToken } })),
            Effect.catchTag("RefreshError", () => Effect.fail(unauthorized))
          )
      )
    ))

/**
 * One attempt on one credential: build the upstream request, send it, and for non-stream
 * calls read the whole answer. Any non-2xx is an UpstreamError for the retry policy.
 * @category attempts
 */
export const attempt = (plan: CallPlan, credential: Credential, candidate: Candidate): Effect.Effect<Outcome, AttemptError> =>
  withRenewal(plan, credential, (c) => attemptWith(plan, c, candidate))

const attemptWith = (plan: CallPlan, credential: Credential, candidate: Candidate): Effect.Effect<Outcome, AttemptError> =>
  Effect.flatMap(providerOf(plan.providers, credential), (provider) => {
    const passthrough = canPassThrough(plan, provider)
    const input: CallInput = {
      credential,
      baseUrl: baseUrlFor(plan.config, credential, provider),
      model: candidate.upstream,
      stream: plan.call.stream || provider.alwaysStreams,
      clientHeaders: plan.call.headers,
      ...(passthrough && plan.alt !== undefined ? { alt: plan.alt } : {})
    }
    const variants = provider.variants?.(input, plan.config) ?? [input]
    // a 429 moves to the next variant on this credential; the last one's failure stands
    const tryFrom = (i: number): Effect.Effect<Outcome, AttemptError> =>
      sendVariant(plan, provider, passthrough, variants[i]!).pipe(
        Effect.catchIf(
          (e) => i + 1 < variants.length && e._tag === "UpstreamError" && e.status === 429,
          () => tryFrom(i + 1)
        )
      )
    return tryFrom(0)
  })

const sendVariant = (plan: CallPlan, provider: Provider, passthrough: boolean, input: CallInput): Effect.Effect<Outcome, AttemptError> =>
  Effect.gen(function*() {
    const credential = input.credential
    // a non-stream 2xx answer arrives read whole (a broken body is a TransportError, retried)
    const response = yield* sendTo(plan, credential, provider.generate(input), body(plan, provider, input, passthrough), !plan.call.stream)
    if (response.status < 200 || response.status >= 300) return yield* failed(credential.provider, response)
    const bytes = response.bytes
    if (bytes === undefined) return { provider, credential, passthrough, response, bytes: undefined }
    if (provider.alwaysStreams && !bytes.includes("response.completed") && !bytes.includes("response.incomplete")) {
      // spec/02 §5c: a Codex stream that ends before its terminal event is a 408, retried elsewhere;
      // response.incomplete (cut at max_output_tokens or by a filter) is a finished answer too
      return yield* new UpstreamError({
        provider: credential.provider,
        status: 408,
        body: "stream error: stream disconnected before completion: stream closed before response.completed",
        contentType: undefined,
        retryAfterMs: undefined
      })
    }
    return { provider, credential, passthrough, response, bytes }
  })
