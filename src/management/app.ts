import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { ConfigService } from "../config/config-service.js"
import { ManagementAccess } from "./access.js"
import { MirrorSync } from "../store/mirror-sync.js"
import { UsageMeter } from "../usage/usage-meter.js"
import { json, refuse } from "./respond.js"
import { authFileRoutes } from "./routes-auth-files.js"
import { configRoutes } from "./routes-config.js"
import { listRoutes } from "./routes-lists.js"
import { callbackRoutes, loginRoutes } from "./routes-logins.js"
import { logRoutes } from "./routes-logs.js"

/** `GET /usage`: the usage statistics (spec/03 A.5). */
const usageRoutes = HttpRouter.empty.pipe(
  HttpRouter.get("/usage", Effect.flatMap(UsageMeter, (m) => Effect.map(m.snapshot, (usage) => json({ usage, failed_requests: usage.failure_count }))))
)

/** `GET /store`: which backend keeps config and credentials, whether it answers, what waits for it (new). */
const storeRoutes = HttpRouter.empty.pipe(
  HttpRouter.get("/store", Effect.flatMap(MirrorSync, (sync) => Effect.map(sync.status, (s) => json({
    store: {
      kind: s.kind,
      backend: s.backend,
      online: s.online,
      pending: s.pending,
      ...(s.lastError !== undefined ? { "last-error": s.lastError } : {}),
      ...(s.lastSyncAt !== undefined ? { "last-sync": new Date(s.lastSyncAt).toISOString() } : {})
    }
  }))))
)

const routes = HttpRouter.concatAll(configRoutes, listRoutes, authFileRoutes, logRoutes, usageRoutes, loginRoutes, storeRoutes)

const header = (req: HttpServerRequest.HttpServerRequest, name: string): string | undefined => req.headers[name]

/**
 * `/v0/management/*` (spec/03 part A): a 404 with no body while no management key is set;
 * otherwise every caller, localhost included, presents the key, and remote callers are
 * admitted only with `allow-remote` (or MANAGEMENT_PASSWORD), by the socket's address.
 * @category routes
 */
export const managementApp = Effect.gen(function*() {
  const req = yield* HttpServerRequest.HttpServerRequest
  // the sign-in callbacks are open: the provider's redirect carries no management key
  if (!req.url.startsWith("/v0/management")) {
    return yield* callbackRoutes.pipe(Effect.catchTag("RouteNotFound", () => Effect.succeed(refuse(404, "not found"))))
  }
  const config = (yield* ConfigService).current()
  const access = yield* ManagementAccess
  if (!access.enabled(config)) return HttpServerResponse.empty({ status: 404 })
  const refusal = yield* access.admit(config, {
    authorization: header(req, "authorization"),
    managementKey: header(req, "x-management-key"),
    remoteAddress: Option.getOrUndefined(req.remoteAddress)
  })
  if (refusal !== undefined) return refuse(refusal.status, refusal.error)
  return yield* HttpRouter.prefixAll(routes, "/v0/management").pipe(
    Effect.catchTag("RouteNotFound", () => Effect.succeed(refuse(404, `no management endpoint ${req.method} ${req.url}`)))
  )
})
