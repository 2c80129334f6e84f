/**
 * Tracing: each model call runs in an Effect span (and each upstream attempt in a child
 * span), exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set. Without it no
 * span is even made, so an untraced server pays nothing for it.
 */
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** Whether spans are made (and exported). @category tags */
export class Tracing extends Context.Tag("cli-proxy-api/Tracing")<Tracing, { readonly enabled: boolean }>() {}

/** Where spans go. @category models */
export interface TracingOptions {
  /** The OTLP/HTTP base URL (`/v1/traces` is added), or the traces URL itself. */
  readonly endpoint?: string
  readonly tracesUrl?: string
  readonly serviceName?: string
  /** How often batches are sent (default 5 s; tests use less). */
  readonly exportInterval?: Duration.DurationInput
}

/** The standard OpenTelemetry environment variables. @category config */
export const fromEnv = (env: NodeJS.ProcessEnv = process.env): TracingOptions => {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()
  const tracesUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()
  const serviceName = env.OTEL_SERVICE_NAME?.trim()
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(tracesUrl ? { tracesUrl } : {}),
    ...(serviceName ? { serviceName } : {})
  }
}

/** The tracer for the options: OTLP export when an endpoint is given, otherwise none. @category layers */
export const layer = (options: TracingOptions): Layer.Layer<Tracing> => {
  const url = options.tracesUrl || (options.endpoint ? `${options.endpoint.replace(/\/+$/, "")}/v1/traces` : "")
  if (url === "") return Layer.succeed(Tracing, { enabled: false })
  // the exporter's modules (~16 MB) load only when traces are wanted
  const exporter = Layer.unwrapEffect(Effect.promise(async () => {
    const [FetchHttpClient, OtlpSerialization, OtlpTracer] = await Promise.all([
      import("@effect/platform/FetchHttpClient"),
      import("@effect/opentelemetry/OtlpSerialization"),
      import("@effect/opentelemetry/OtlpTracer")
    ])
    return OtlpTracer.layer({
      url,
      resource: { serviceName: options.serviceName ?? "cli-proxy-api" },
      ...(options.exportInterval === undefined ? {} : { exportInterval: options.exportInterval })
    }).pipe(Layer.provide(OtlpSerialization.layerJson), Layer.provide(FetchHttpClient.layer))
  }))
  return Layer.merge(Layer.succeed(Tracing, { enabled: true }), exporter)
}
