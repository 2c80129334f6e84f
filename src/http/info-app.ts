import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import { ConfigService } from "../config/config-service.js"
import { CredentialPool } from "../credentials/credential-pool.js"
import { ModelRegistry } from "../credentials/model-registry.js"
import { statuses } from "../credentials/status.js"
import { TokenRefresh } from "../credentials/token-refresh.js"
import { MirrorSync } from "../store/mirror-sync.js"
import { Metrics } from "../usage/metrics.js"
import { listDialect } from "./dialect.js"
import { ApiError, renderError, renderGemini } from "./errors.js"
import { claudeList, claudeModel, endpoints, geminiModel, openAiModel } from "./model-lists.js"

/**
 * The list and info routes (`/`, model lists), served by @effect/platform. The front door
 * has already applied CORS and client keys before it hands a request here.
 * @category routes
 */
export const infoApp = HttpRouter.empty.pipe(
  // Prometheus text format; a client key guards it like the model routes (the front door checks)
  HttpRouter.get(
    "/metrics",
    Effect.gen(function*() {
      if (!(yield* ConfigService).current().metrics.enabled) {
        return HttpServerResponse.unsafeJson({ error: { message: "metrics are disabled (metrics.enabled: false)", type: "not_found" } }, { status: 404 })
      }
      const current = yield* statuses(yield* CredentialPool, yield* TokenRefresh)
      const store = yield* (yield* MirrorSync).status
      return HttpServerResponse.text((yield* Metrics).render(current, store), { contentType: "text/plain; version=0.0.4; charset=utf-8" })
    })
  ),
  HttpRouter.get("/", HttpServerResponse.json({ message: "CLI Proxy API Server", endpoints })),
  HttpRouter.get(
    "/v1/models",
    Effect.gen(function*() {
      const req = yield* HttpServerRequest.HttpServerRequest
      const models = yield* Effect.flatMap(ModelRegistry, (r) => r.list)
      switch (listDialect(req.headers)) {
        case "claude":
          return yield* HttpServerResponse.json(claudeList(models))
        case "gemini":
          return yield* HttpServerResponse.json({ models: models.map(geminiModel) })
        case "openai":
          return yield* HttpServerResponse.json({ object: "list", data: models.map(openAiModel) })
      }
    })
  ),
  HttpRouter.get(
    "/v1/models/:name",
    Effect.gen(function*() {
      const req = yield* HttpServerRequest.HttpServerRequest
      const dialect = listDialect(req.headers)
      const { name = "" } = yield* HttpRouter.params
      const id = name.startsWith("models/") ? name.slice("models/".length) : name
      const model = yield* Effect.flatMap(ModelRegistry, (r) => r.get(id))
      if (model === undefined) {
        const e = new ApiError({ status: 404, kind: "not_found", message: `model ${id} is not available` })
        const rendered = renderError(dialect, e)
        return HttpServerResponse.text(rendered.body, { status: 404, contentType: "application/json; charset=utf-8" })
      }
      return yield* HttpServerResponse.json(
        dialect === "claude" ? claudeModel(model) : dialect === "gemini" ? geminiModel(model) : openAiModel(model)
      )
    })
  ),
  HttpRouter.get(
    "/v1beta/models",
    Effect.flatMap(ModelRegistry, (r) => r.list).pipe(
      Effect.flatMap((models) => HttpServerResponse.json({ models: models.map(geminiModel) }))
    )
  ),
  HttpRouter.get(
    "/v1beta/models/:name",
    Effect.gen(function*() {
      const { name = "" } = yield* HttpRouter.params
      const id = name.startsWith("models/") ? name.slice("models/".length) : name
      const model = yield* Effect.flatMap(ModelRegistry, (r) => r.get(id))
      if (model) return yield* HttpServerResponse.json(geminiModel(model))
      const body = renderGemini(new ApiError({ status: 404, kind: "not_found", message: `models/${id} is not found` }))
      return HttpServerResponse.text(body, { status: 404, contentType: "application/json; charset=utf-8" })
    })
  )
)
