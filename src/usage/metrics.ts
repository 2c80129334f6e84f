/**
 * Prometheus metrics (text exposition format 0.0.4), kept as plain counters and histograms
 * so the model-call hot path updates them without running an Effect. Every label set is
 * bounded: routes, dialects and statuses are few, providers come from config, models from
 * the registry, and no label ever holds an id or a key.
 */
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import type { CredentialStatus } from "../credentials/status.js"
import type * as IR from "../formats/ir.js"
import type { SyncStatus } from "../store/mirror-sync.js"

type Labels = Readonly<Record<string, string>>

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, "\\\"")
const render = (labels: Labels): string => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`)
  return parts.length === 0 ? "" : `{${parts.join(",")}}`
}

/** A monotonically growing count per label set. @category instruments */
export class Counter {
  private readonly values = new Map<string, number>()
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels, by = 1): void {
    const key = render(labels)
    this.values.set(key, (this.values.get(key) ?? 0) + by)
  }
  lines(type = "counter"): Array<string> {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${type}`]
    for (const [labels, v] of this.values) out.push(`${this.name}${labels} ${v}`)
    return out
  }
}

/** Observations counted into cumulative buckets, with their sum, per label set. @category instruments */
export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: Array<number>; sum: number; count: number }>()
  constructor(readonly name: string, readonly help: string, readonly buckets: ReadonlyArray<number>) {}
  observe(labels: Labels, value: number): void {
    const key = render(labels)
    let s = this.series.get(key)
    if (s === undefined) this.series.set(key, (s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }))
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++
    s.sum += value
    s.count++
  }
  lines(): Array<string> {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`]
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) => out.push(`${this.name}_bucket${render({ ...s.labels, le: String(b) })} ${s.counts[i]}`))
      out.push(`${this.name}_bucket${render({ ...s.labels, le: "+Inf" })} ${s.count}`)
      out.push(`${this.name}_sum${render(s.labels)} ${s.sum}`)
      out.push(`${this.name}_count${render(s.labels)} ${s.count}`)
    }
    return out
  }
}

/** How an upstream attempt ended, as a bounded label. @category labels */
export type AttemptOutcome = "success" | "429" | "4xx" | "5xx" | "network"

/** The outcome label of an upstream status (undefined: no answer). @category labels */
export const outcomeOf = (status: number | undefined): AttemptOutcome =>
  status === undefined ? "network" : status === 429 ? "429" : status >= 500 ? "5xx" : status >= 400 ? "4xx" : "success"

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300]

/** The proxy's metrics. @category models */
export interface Service {
  readonly requests: Counter
  readonly duration: Histogram
  readonly firstByte: Histogram
  readonly attempts: Counter
  readonly retries: Counter
  readonly failovers: Counter
  readonly tokens: Counter
  /** Counts one call's tokens by kind. */
  readonly countTokens: (provider: string, model: string, usage: IR.Usage | undefined) => void
  /** The exposition text, credentials' states and the store's sync included as of now. */
  readonly render: (credentials: ReadonlyArray<CredentialStatus>, store?: SyncStatus) => string
}

/** Whether the store's backend answers, and how many local changes wait for it. */
const storeLines = (store: SyncStatus): Array<string> => {
  const up = new Counter("cli_proxy_store_up", "1 while the store's backend answers (always 1 for the file store), by kind.")
  up.inc({ kind: store.kind }, store.online ? 1 : 0)
  const pending = new Counter("cli_proxy_store_pending_changes", "Local changes not yet in the store's backend, by kind.")
  pending.inc({ kind: store.kind }, store.pending)
  return [...up.lines("gauge"), ...pending.lines("gauge")]
}

/** The metrics. @category tags */
export class Metrics extends Context.Tag("cli-proxy-api/Metrics")<Metrics, Service>() {}

const STATES: ReadonlyArray<CredentialStatus["state"]> = ["active", "cooling", "disabled", "refresh-failing"]

/** Builds an empty set of metrics. @category constructors */
export const make = (): Service => {
  const requests = new Counter("cli_proxy_requests_total", "Model calls answered, by route, client dialect, provider, model and HTTP status.")
  const duration = new Histogram("cli_proxy_request_duration_seconds", "Time from a model call's arrival to its last byte.", SECONDS)
  const firstByte = new Histogram("cli_proxy_stream_first_byte_seconds", "Time from a streamed call's arrival to its first answer bytes.", SECONDS)
  const attempts = new Counter("cli_proxy_upstream_attempts_total", "Upstream attempts by provider and outcome (success, 429, 4xx, 5xx, network).")
  const retries = new Counter("cli_proxy_retries_total", "Attempts repeated on a credential already tried for the same call, by provider.")
  const failovers = new Counter("cli_proxy_failovers_total", "Attempts moved to another credential after a failure, by the provider moved to.")
  const tokens = new Counter("cli_proxy_tokens_total", "Tokens the upstreams reported, by provider, model and kind (input, output, reasoning, cached).")
  const countTokens = (provider: string, model: string, usage: IR.Usage | undefined) => {
    if (usage === undefined) return
    const kinds: ReadonlyArray<readonly [string, number | undefined]> = [
      ["input", usage.input],
      ["output", usage.output],
      ["reasoning", usage.reasoning],
      ["cached", usage.cachedRead]
    ]
    for (const [kind, n] of kinds) if (n !== undefined && n > 0) tokens.inc({ provider, model, kind }, n)
  }
  const render = (credentials: ReadonlyArray<CredentialStatus>, store?: SyncStatus) => {
    const gauge = new Counter("cli_proxy_credentials", "Credentials by provider and state (active, cooling, disabled, refresh-failing).")
    const providers = new Set(credentials.map((c) => c.provider))
    for (const provider of providers) for (const state of STATES) gauge.inc({ provider, state }, 0)
    for (const c of credentials) gauge.inc({ provider: c.provider, state: c.state })
    return [
      ...requests.lines(),
      ...duration.lines(),
      ...firstByte.lines(),
      ...attempts.lines(),
      ...retries.lines(),
      ...failovers.lines(),
      ...tokens.lines(),
      ...gauge.lines("gauge"),
      ...(store === undefined ? [] : storeLines(store))
    ].join("\n") + "\n"
  }
  return { requests, duration, firstByte, attempts, retries, failovers, tokens, countTokens, render }
}

/** The metrics as a Layer. @category layers */
export const layer = Layer.sync(Metrics, make)
