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

/** The table model id -> credentials that serve it (spec/01 §7.1). @category models */
export interface Service {
  /** Replaces the model set a credential serves. */
  readonly register: (credentialId: string, provider: string, models: ReadonlyArray<ModelInfo>) => Effect.Effect<void>
  readonly unregister: (credentialId: string) => Effect.Effect<void>
  /** Every model served by at least one credential, for the list endpoints. */
  readonly list: Effect.Effect<ReadonlyArray<ModelInfo>>
  /** Providers serving a model, most credentials first, ties by name. */
  readonly providersFor: (model: string) => Effect.Effect<ReadonlyArray<string>>
  readonly get: (model: string) => Effect.Effect<ModelInfo | undefined>
}

/** The model registry service. @category tags */
export class ModelRegistry extends Context.Tag("cli-proxy-api/ModelRegistry")<ModelRegistry, Service>() {}

interface Entry {
  info: ModelInfo
  /** credential id -> provider */
  readonly credentials: Map<string, string>
}

/** Builds an empty in-memory registry. @category constructors */
export const make = Effect.sync(() => {
  const models = new Map<string, Entry>()
  const byCredential = new Map<string, ReadonlyArray<string>>()

  const remove = (credentialId: string) => {
    for (const id of byCredential.get(credentialId) ?? []) {
      const entry = models.get(id)
      if (!entry) continue
      entry.credentials.delete(credentialId)
      if (entry.credentials.size === 0) models.delete(id)
    }
    byCredential.delete(credentialId)
  }

  return ModelRegistry.of({
    register: (credentialId, provider, infos) =>
      Effect.sync(() => {
        remove(credentialId)
        for (const info of infos) {
          const entry = models.get(info.id)
          if (entry) {
            entry.info = info // last registration wins, as in the Go version
            entry.credentials.set(credentialId, provider)
          } else {
            models.set(info.id, { info, credentials: new Map([[credentialId, provider]]) })
          }
        }
        byCredential.set(credentialId, infos.map((m) => m.id))
      }),
    unregister: (credentialId) => Effect.sync(() => remove(credentialId)),
    list: Effect.sync(() => [...models.values()].map((e) => e.info)),
    providersFor: (model) =>
      Effect.sync(() => {
        const entry = models.get(model)
        if (!entry) return []
        const counts = new Map<string, number>()
        for (const p of entry.credentials.values()) counts.set(p, (counts.get(p) ?? 0) + 1)
        return [...counts.entries()]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
          .map(([p]) => p)
      }),
    get: (model) => Effect.sync(() => models.get(model)?.info)
  })
})

/** The registry as a Layer. @category layers */
export const layer = Layer.effect(ModelRegistry, make)
