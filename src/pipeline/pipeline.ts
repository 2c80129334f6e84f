import type { ServerResponse } from "node:http"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { ModelRegistry } from "../credentials/model-registry.js"
import { ApiError, errors } from "../http/errors.js"
import type { ModelCall } from "./model-call.js"

/** The request program: resolve, select, translate, execute, translate back. @category models */
export interface Service {
  /**
   * Serves one model call by writing to `res`. Fails with an ApiError only before the
   * first byte is written; the front door renders it in the client's dialect.
   */
  readonly serve: (call: ModelCall, res: ServerResponse) => Effect.Effect<void, ApiError>
}

/** The pipeline service. @category tags */
export class Pipeline extends Context.Tag("cli-proxy-api/Pipeline")<Pipeline, Service>() {}

/** Builds the pipeline over the model registry. @category constructors */
export const make = Effect.gen(function*() {
  const registry = yield* ModelRegistry
  return Pipeline.of({
    serve: (call) =>
      Effect.gen(function*() {
        const providers = yield* registry.providersFor(call.model)
        const provider = providers[0]
        if (provider === undefined) return yield* errors.unknownModel(call.model)
        // A model is registered only by a credential whose provider has an executor;
        // reaching this line means a provider registered models without one.
        return yield* new ApiError({
          status: 500,
          kind: "api_error",
          message: `executor_not_found: no executor registered for provider ${provider}`
        })
      })
  })
})

/** The pipeline as a Layer. @category layers */
export const layer = Layer.effect(Pipeline, make)
