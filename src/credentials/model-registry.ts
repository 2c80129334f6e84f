import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** Catalogue metadata of one model, as the list endpoints show it. @category models */
export interface ModelInfo {
  readonly id: string
  readonly ownedBy: string
  /** Unix seconds; omitted from lists when absent. */
  readonly created?: number
  readonly type?: string
  readonly displayName?: string
  /** Gemini catalogue name (`models/<id>`); other models list their bare id. */
  readonly name?: string
  readonly version?: string
  readonly description?: string
  readonly inputTokenLimit?: number
  readonly outputTokenLimit?: number
  readonly supportedGenerationMethods?: ReadonlyArray<string>
  readonly contextLength?: number
  readonly maxCompletionTokens?: number
}

/** A model as one credential serves it: the catalogue entry and the name sent upstream. @category models */
export interface Served {
  readonly info: ModelInfo
  /** The upstream's name for it, when the client-facing id is an alias. */
  readonly upstream?: string
}

/** One credential that can serve a requested model. @category models */
export interface Candidate {
  readonly credentialId: string
  readonly provider: string
  /** The model name to send upstream. */
  readonly upstream: string
}

/** The table model id -> credentials that serve it (spec/01 §7.1). @category models */
export interface Service {
  /** Replaces the model set a credential serves. */
  readonly register: (credentialId: string, provider: string, models: ReadonlyArray<ModelInfo | Served>) => Effect.Effect<void>
  readonly unregister: (credentialId: string) => Effect.Effect<void>
  /** Every model served by at least one credential, for the list endpoints. */
  readonly list: Effect.Effect<ReadonlyArray<ModelInfo>>
  /** Providers serving a model, most credentials first, ties by name. */
  readonly providersFor: (model: string) => Effect.Effect<ReadonlyArray<string>>
  readonly get: (model: string) => Effect.Effect<ModelInfo | undefined>
  /** The credentials serving a model (exact id first, then case-insensitive), with upstream names. */
  readonly candidates: (model: string) => Effect.Effect<ReadonlyArray<Candidate>>
}

/** The model registry service. @category tags */
export class ModelRegistry extends Context.Tag("cli-proxy-api/ModelRegistry")<ModelRegistry, Service>() {}

interface Entry {
  info: ModelInfo
  /** credential id -> provider and upstream name */
  readonly credentials: Map<string, { readonly provider: string; readonly upstream: string }>
}

const isServed = (m: ModelInfo | Served): m is Served => "info" in m

/** Builds an empty in-memory registry. @category constructors */
export const make = Effect.sync(() => {
  const models = new Map<string, Entry>()
  // lower-cased id -> ids, for the case-insensitive fallback lookup
  const folded = new Map<string, Set<string>>()
  const byCredential = new Map<string, ReadonlyArray<string>>()

  const remove = (credentialId: string) => {
    for (const id of byCredential.get(credentialId) ?? []) {
      const entry = models.get(id)
      if (!entry) continue
      entry.credentials.delete(credentialId)
      if (entry.credentials.size === 0) {
        models.delete(id)
        const f = folded.get(id.toLowerCase())
        f?.delete(id)
        if (f?.size === 0) folded.delete(id.toLowerCase())
      }
    }
    byCredential.delete(credentialId)
  }

  return ModelRegistry.of({
    register: (credentialId, provider, infos) =>
      Effect.sync(() => {
        remove(credentialId)
        const ids: Array<string> = []
        for (const m of infos) {
          const info = isServed(m) ? m.info : m
          const served = { provider, upstream: (isServed(m) ? m.upstream : undefined) ?? info.id }
          const entry = models.get(info.id)
          if (entry) {
            entry.info = info // last registration wins, as in the Go version
            entry.credentials.set(credentialId, served)
          } else {
            models.set(info.id, { info, credentials: new Map([[credentialId, served]]) })
            const key = info.id.toLowerCase()
            folded.set(key, (folded.get(key) ?? new Set()).add(info.id))
          }
          ids.push(info.id)
        }
        byCredential.set(credentialId, ids)
      }),
    unregister: (credentialId) => Effect.sync(() => remove(credentialId)),
    list: Effect.sync(() => [...models.values()].map((e) => e.info)),
    providersFor: (model) =>
      Effect.sync(() => {
        const entry = models.get(model)
        if (!entry) return []
        const counts = new Map<string, number>()
        for (const { provider: p } of entry.credentials.values()) counts.set(p, (counts.get(p) ?? 0) + 1)
        return [...counts.entries()]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
          .map(([p]) => p)
      }),
    get: (model) => Effect.sync(() => models.get(model)?.info),
    candidates: (model) =>
      Effect.sync(() => {
        const ids = models.has(model) ? [model] : [...(folded.get(model.toLowerCase()) ?? [])]
        const out: Array<Candidate> = []
        const seen = new Set<string>()
        for (const id of ids) {
          for (const [credentialId, s] of models.get(id)?.credentials ?? []) {
            if (seen.has(credentialId)) continue
            seen.add(credentialId)
            out.push({ credentialId, provider: s.provider, upstream: s.upstream })
          }
        }
        return out
      })
  })
})

/** The registry as a Layer. @category layers */
export const layer = Layer.effect(ModelRegistry, make)
