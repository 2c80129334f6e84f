import type { ServerResponse } from "node:http"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { CredentialPool } from "../credentials/credential-pool.js"
import type { NoCredential } from "../credentials/credential-pool.js"
import type { Credential } from "../credentials/credential.js"
import { type Candidate, ModelRegistry } from "../credentials/model-registry.js"
import { TokenRefresh } from "../credentials/token-refresh.js"
import type { CodecContext } from "../formats/codecs.js"
import type * as IR from "../formats/ir.js"
import { maskSecret } from "../logging/redact.js"
import { Metrics, outcomeOf } from "../usage/metrics.js"
import { Tracing } from "../usage/tracing.js"
import { tokensOf, UsageMeter } from "../usage/usage-meter.js"
import { ApiError } from "../http/errors.js"
import type { Provider } from "../providers/provider.js"
import { providerOf, Providers } from "../providers/provider-set.js"
import { UpstreamDispatchers } from "../providers/shared/dispatchers.js"
import { Relay } from "../relay/relay.js"
import { type AttemptsError, runAttempts } from "./attempts.js"
import { clientSide, suffixReasoning } from "./client-side.js"
import { type RelayedCall, relayCodeAssist } from "./code-assist-relay.js"
import { cooldownError } from "./cooldown-error.js"
import { countAttempt, respondCount } from "./count-tokens.js"
import { attempt, type CallPlan, canPassThrough } from "./execute.js"
import type { ModelCall } from "./model-call.js"
import { resolveRoute } from "./resolve.js"
import { respondJson, respondStream } from "./respond.js"
import { type AttemptError, toApiError } from "./upstream-error.js"

/** The request program: resolve, select, translate, execute, translate back. @category models */
export interface Service {
  /**
   * Serves one model call by writing to `res`. Fails with an ApiError only before the
   * first byte is written; the front door renders it in the client's dialect.
   */
  readonly serve: (call: ModelCall, res: ServerResponse) => Effect.Effect<void, ApiError>
  /** Relays a Gemini CLI Code Assist call that is not a model call, as it is. */
  readonly relayCodeAssist: (call: RelayedCall, res: ServerResponse) => Effect.Effect<void, ApiError>
}

/** The pipeline service. @category tags */
export class Pipeline extends Context.Tag("cli-proxy-api/Pipeline")<Pipeline, Service>() {}

const noCredential = (e: NoCredential) =>
  new ApiError({ status: 503, kind: "overloaded", message: `no credential is available for model ${e.model} right now` })

/** The route each call format came in on, for usage without a client key (spec/01 §12.2). */
const routePatterns: Record<ModelCall["format"], string> = {
  "openai-chat": "/v1/chat/completions",
  "openai-completions": "/v1/completions",
  "openai-responses": "/v1/responses",
  claude: "/v1/messages",
  "claude-count-tokens": "/v1/messages/count_tokens",
  gemini: "/v1beta/models/:action",
  "gemini-cli": "/v1internal:method"
}

/** The upstream account a call was served by, masked: an email (Gemini CLI: with its projects) or a key. */
const sourceOf = (c: Credential): string =>
  maskSecret(
    c.oauth === undefined
      ? c.apiKey || c.label
      : c.projects !== undefined && c.projects.length > 0 ? `${c.oauth.email ?? c.label} (${c.projects.join(",")})` : c.oauth.email ?? c.label
  )

/** Builds the pipeline. @category constructors */
export const make = Effect.gen(function*() {
  const registry = yield* ModelRegistry
  const pool = yield* CredentialPool
  const dispatchers = yield* UpstreamDispatchers
  const tokens = yield* TokenRefresh
  const meter = yield* UsageMeter
  const metrics = yield* Metrics
  const tracing = (yield* Tracing).enabled
  const relay = yield* Relay
  const providers = yield* Providers

  const clientError = (plan: CallPlan, sameDialect: (provider: string) => boolean) => (e: AttemptsError | AttemptError): ApiError => {
    switch (e._tag) {
      case "NoCredential":
        return noCredential(e)
      case "AllCoolingDown":
        return cooldownError(e, plan.client.dialect)
      case "Exhausted":
        return toApiError(e.last, sameDialect(e.last.provider))
      default:
        return toApiError(e, sameDialect(e.provider))
    }
  }

  const serveCall = (call: ModelCall, res: ServerResponse) =>
    Effect.gen(function*() {
      // one line per call in the metrics, whatever way it ends (the labels fill in as it goes)
      const arrived = performance.now()
      const labels = { route: routePatterns[call.format], dialect: call.dialect, provider: "", model: "" }
      res.once("close", () => {
        const status = String(res.headersSent ? res.statusCode : 499)
        metrics.requests.inc({ ...labels, status })
        metrics.duration.observe({ ...labels, status }, (performance.now() - arrived) / 1000)
      })
      const client = clientSide(call)
      // Gemini CLI asks for whatever model it knows of: its sign-ins serve those unlisted too
      const route = yield* resolveRoute(call.model, call.config, registry, pool.all, call.format === "gemini-cli" ? "gemini-cli" : undefined)
      labels.model = route.model
      const reasoning = route.reasoning ?? suffixReasoning(call.model, route.model)
      const counting = call.format === "claude-count-tokens" || call.action === "countTokens"
      // provider key -> its upstream, for the candidates of this model
      const upstreamOf = new Map<string, Provider>()
      for (const c of route.candidates.values()) {
        const cred = yield* pool.get(c.credentialId)
        if (cred) upstreamOf.set(c.provider, yield* providerOf(providers, cred))
      }
      // decode the client's request once, and only if some candidate needs a translation
      const needsIr = counting || [...upstreamOf.values()].some((p) => !canPassThrough({ client, reasoning }, p))
      const ir = needsIr ? client.ir() : undefined
      if (ir !== undefined && Either.isLeft(ir)) return yield* ir.left
      const created = Math.floor((yield* Clock.currentTimeMillis) / 1000)
      const alt = call.query.get("alt") ?? call.query.get("$alt") ?? undefined
      let context: CodecContext | undefined
      const plan: CallPlan = {
        call,
        client,
        config: call.config,
        dispatchers,
        relay,
        providers,
        ir: ir === undefined ? undefined : ir.right,
        reasoning,
        // built on first use: it decodes the request, which a passthrough call never needs
        get context() {
          return (context ??= client.context(created))
        },
        alt: alt === undefined || alt === "" || alt === "sse" ? undefined : alt,
        tokens
      }
      const sameDialect = (providerKey: string) => {
        const provider = upstreamOf.get(providerKey)
        return provider !== undefined && canPassThrough({ client, reasoning }, provider)
      }
      const order = yield* pool.providerOrder(route.model, route.providers)
      const common = {
        pool,
        model: route.model,
        providers: order,
        candidates: route.candidates,
        requestRetry: call.config.requestRetry,
        disableCooling: call.config.disableCooling,
        strategy: call.config.routing.strategy,
        observe: (credential: Credential, error: AttemptError | undefined, after: "first" | "retry" | "failover") => {
          metrics.attempts.inc({ provider: credential.provider, outcome: error === undefined ? "success" : outcomeOf(error._tag === "UpstreamError" ? error.status : undefined) })
          if (after === "retry") metrics.retries.inc({ provider: credential.provider })
          if (after === "failover") metrics.failovers.inc({ provider: credential.provider })
        }
      }
      if (counting) {
        const n = yield* runAttempts({ ...common, attempt: (cred, cand) => countAttempt(plan, cred, cand) }).pipe(
          Effect.mapError(clientError(plan, sameDialect))
        )
        return yield* respondCount(plan, n, res)
      }
      const meterCall = (credential: Credential | undefined, usage: IR.Usage | undefined, failed: boolean) => {
        if (credential !== undefined) metrics.countTokens(credential.provider, route.model, usage)
        meter.record({
          api: call.keyMask ?? `POST ${routePatterns[call.format]}`,
          model: route.model,
          source: credential === undefined ? "unknown" : sourceOf(credential),
          at: created * 1000,
          failed,
          tokens: tokensOf(usage)
        })
      }
      // each upstream attempt in its own span, when spans are made at all
      let attempts = 0
      const traced = (cred: Credential, cand: Candidate) =>
        tracing
          ? attempt(plan, cred, cand).pipe(
            Effect.tapBoth({
              onFailure: (e) => Effect.annotateCurrentSpan({ status: e._tag === "UpstreamError" ? e.status : 0, error: e._tag }),
              onSuccess: (o) => Effect.annotateCurrentSpan({ status: o.response.status })
            }),
            Effect.withSpan("upstream attempt", {
              attributes: { provider: cred.provider, "credential.id": cred.id, attempt: ++attempts, model: cand.upstream }
            })
          )
          : attempt(plan, cred, cand)
      const outcome = yield* runAttempts({ ...common, attempt: traced }).pipe(
        // a call that reached an upstream and failed counts; one that found no credential never left
        Effect.tapError((e) => Effect.sync(() => e._tag === "NoCredential" || e._tag === "AllCoolingDown" || meterCall(undefined, undefined, true))),
        Effect.mapError(clientError(plan, sameDialect))
      )
      labels.provider = outcome.credential.provider
      if (tracing) yield* Effect.annotateCurrentSpan({ provider: outcome.credential.provider, "credential.id": outcome.credential.id, model: route.model })
      if (outcome.bytes !== undefined) {
        const usage = yield* respondJson(plan, outcome, res, outcome.bytes)
        return meterCall(outcome.credential, usage, false)
      }
      const end = yield* respondStream(plan, outcome, res, () =>
        metrics.firstByte.observe({ route: labels.route, provider: labels.provider, model: labels.model }, (performance.now() - arrived) / 1000))
      meterCall(outcome.credential, end.usage, end.broken)
    })

  /** The call in a span (route, model, provider, credential, status) when tracing is on; bare otherwise. */
  const serve = (call: ModelCall, res: ServerResponse): Effect.Effect<void, ApiError> =>
    tracing
      ? serveCall(call, res).pipe(
        Effect.tapBoth({
          onFailure: (e) => Effect.annotateCurrentSpan({ status: e.status }),
          onSuccess: () => Effect.annotateCurrentSpan({ status: res.statusCode })
        }),
        Effect.withSpan("model call", { attributes: { route: routePatterns[call.format], dialect: call.dialect, "model.requested": call.model } })
      )
      : serveCall(call, res)

  return Pipeline.of({ serve, relayCodeAssist: relayCodeAssist(dispatchers) })
})

/** The pipeline as a Layer. @category layers */
export const layer = Layer.effect(Pipeline, make)
