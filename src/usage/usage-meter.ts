import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ConfigService } from "../config/config-service.js"
import type * as IR from "../formats/ir.js"
import { rfc3339 } from "../providers/shared/oauth-refresh.js"
import { UsageArchive, type UsageHistory } from "./usage-archive.js"

/** Tokens of one request, as the usage API shows them (output includes reasoning). @category models */
export interface Tokens {
  readonly input_tokens: number
  readonly output_tokens: number
  readonly reasoning_tokens: number
  readonly cached_tokens: number
  readonly total_tokens: number
}

/** One finished model call. @category models */
export interface UsageRecord {
  /** Who asked: the masked client key, or `<METHOD> <route>` without one. */
  readonly api: string
  /** The model as routed (suffix stripped). */
  readonly model: string
  /** The upstream account, masked. */
  readonly source: string
  /** Unix ms. */
  readonly at: number
  readonly failed: boolean
  readonly tokens: Tokens
}

/** Usage totals and recent detail (spec/01 §12.3 shape). @category models */
export interface Snapshot {
  readonly total_requests: number
  readonly success_count: number
  readonly failure_count: number
  readonly total_tokens: number
  readonly apis: Record<string, {
    total_requests: number
    total_tokens: number
    models: Record<string, { total_requests: number; total_tokens: number; details: Array<Detail> }>
  }>
  readonly requests_by_day: Record<string, number>
  readonly requests_by_hour: Record<string, number>
  readonly tokens_by_day: Record<string, number>
  readonly tokens_by_hour: Record<string, number>
}

/** One request in the detail list. @category models */
export interface Detail {
  readonly timestamp: string
  readonly source: string
  readonly failed: boolean
  readonly tokens: Tokens
}

/** Counts model calls per client key, model, day and hour, in bounded memory. @category models */
export interface Service {
  /** Records a finished call (nothing while `usage-statistics-enabled` is false). Cheap and synchronous. */
  readonly record: (r: UsageRecord) => void
  readonly snapshot: Effect.Effect<Snapshot>
}

/** The usage meter. @category tags */
export class UsageMeter extends Context.Tag("cli-proxy-api/UsageMeter")<UsageMeter, Service>() {}

/** Per-request detail kept: the newest this many calls (older ones live on in the totals only). @category constants */
export const DETAIL_CAP = 10_000
/** Days kept in `requests_by_day` / `tokens_by_day`. @category constants */
export const DAYS_KEPT = 400

/** The tokens of an upstream's usage report (none: zeros). @category tokens */
export const tokensOf = (u: IR.Usage | undefined): Tokens => {
  const input = u?.input ?? 0
  const output = u?.output ?? 0
  const reasoning = u?.reasoning ?? 0
  const cached = u?.cachedRead ?? 0
  return { input_tokens: input, output_tokens: output, reasoning_tokens: reasoning, cached_tokens: cached, total_tokens: u?.total ?? input + output }
}

const pad = (n: number) => String(n).padStart(2, "0")
const dayOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`

/** Builds an empty meter (pure state; the Layer adds the config switch). @category constructors */
export const makeMeter = (
  enabled: () => boolean = () => true,
  history: UsageHistory = { totals: [], recent: [] },
  archive: (r: UsageRecord, day: string, hour: string) => void = () => {}
): Service => {
  let requests = 0
  let failures = 0
  let tokens = 0
  const apis = new Map<string, { requests: number; tokens: number; models: Map<string, { requests: number; tokens: number }> }>()
  const byDay = new Map<string, { requests: number; tokens: number }>()
  const byHour = new Map<string, { requests: number; tokens: number }>()
  // a ring of the newest records: bounded whatever the traffic
  const ring: Array<UsageRecord | undefined> = new Array(DETAIL_CAP)
  let next = 0

  // the local day and hour of a time, worked out once a minute (a busy server records many per minute)
  let minute = -1
  let day = ""
  let hour = ""
  const bucket = (ms: number) => {
    const m = Math.floor(ms / 60_000)
    if (m === minute) return
    minute = m
    const d = new Date(ms)
    day = dayOf(d)
    hour = pad(d.getHours())
  }

  const bump = (map: Map<string, { requests: number; tokens: number }>, key: string, t: number, n: number) => {
    const entry = map.get(key)
    if (entry === undefined) map.set(key, { requests: n, tokens: t })
    else {
      entry.requests += n
      entry.tokens += t
    }
  }

  /** Adds `n` requests (`failed` of them failures) with `t` tokens to every count they belong to. */
  const count = (apiKey: string, model: string, d: string, h: string, n: number, failed: number, t: number) => {
    requests += n
    failures += failed
    tokens += t
    let api = apis.get(apiKey)
    if (api === undefined) apis.set(apiKey, (api = { requests: 0, tokens: 0, models: new Map() }))
    api.requests += n
    api.tokens += t
    bump(api.models, model, t, n)
    if (!byDay.has(d) && byDay.size >= DAYS_KEPT) {
      const oldest = [...byDay.keys()].sort()[0]
      if (oldest !== undefined && oldest < d) byDay.delete(oldest)
      else return bump(byHour, h, t, n)
    }
    bump(byDay, d, t, n)
    bump(byHour, h, t, n)
  }

  const record = (r: UsageRecord) => {
    if (!enabled()) return
    bucket(r.at)
    count(r.api, r.model, day, hour, 1, r.failed ? 1 : 0, r.tokens.total_tokens)
    ring[next] = r
    next = (next + 1) % DETAIL_CAP
    archive(r, day, hour)
  }

  // what an archive kept from earlier runs: the counts in full, the newest records as detail
  for (const t of [...history.totals].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0))) {
    count(t.api, t.model, t.day, t.hour, t.requests, t.failures, t.tokens)
  }
  for (const r of history.recent.slice(-DETAIL_CAP)) {
    ring[next] = r
    next = (next + 1) % DETAIL_CAP
  }

  const snapshot = Effect.sync((): Snapshot => {
    const out: Snapshot["apis"] = {}
    for (const [key, api] of apis) {
      const models: Snapshot["apis"][string]["models"] = {}
      for (const [model, m] of api.models) models[model] = { total_requests: m.requests, total_tokens: m.tokens, details: [] }
      out[key] = { total_requests: api.requests, total_tokens: api.tokens, models }
    }
    // oldest first, as they happened
    for (let i = 0; i < DETAIL_CAP; i++) {
      const r = ring[(next + i) % DETAIL_CAP]
      if (r === undefined) continue
      out[r.api]?.models[r.model]?.details.push({ timestamp: rfc3339(r.at), source: r.source, failed: r.failed, tokens: r.tokens })
    }
    const counts = (map: Map<string, { requests: number; tokens: number }>, f: "requests" | "tokens") =>
      Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, v[f]]))
    return {
      total_requests: requests,
      success_count: requests - failures,
      failure_count: failures,
      total_tokens: tokens,
      apis: out,
      requests_by_day: counts(byDay, "requests"),
      requests_by_hour: counts(byHour, "requests"),
      tokens_by_day: counts(byDay, "tokens"),
      tokens_by_hour: counts(byHour, "tokens")
    }
  })

  return UsageMeter.of({ record, snapshot })
}

/**
 * The meter, recording while `usage-statistics-enabled` is true (checked per record); it
 * starts from what the usage archive kept and hands it every new record.
 * @category layers
 */
export const layer = Layer.effect(
  UsageMeter,
  Effect.gen(function*() {
    const config = yield* ConfigService
    const archive = yield* UsageArchive
    const history = yield* archive.load(DETAIL_CAP)
    return makeMeter(() => config.current().usageStatisticsEnabled, history, archive.append)
  })
)
