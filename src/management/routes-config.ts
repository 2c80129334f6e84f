import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as YAML from "yaml"
import { ConfigService } from "../config/config-service.js"
import { parseConfig } from "../config/load.js"
import { Config } from "../config/schema.js"
import { Store } from "../store/store.js"
import { ConfigEditor } from "./config-editor.js"
import { bodyJson, field, fromEdit, json, ok, refuse } from "./respond.js"

const encode = Schema.encodeSync(Config)

/** The config as the API shows it: kebab-case JSON without port, host, auth-dir and remote-management. @category views */
export const configView = (config: Config): Record<string, unknown> => {
  const { port: _p, host: _h, "auth-dir": _a, "remote-management": _r, ...rest } = encode(config) as Record<string, unknown>
  return { ...rest, "generative-language-api-key": config.geminiApiKey.map((k) => k.apiKey) }
}

/** A value inside the kebab-case config view. */
const valueAt = (config: Config, path: ReadonlyArray<string>): unknown =>
  path.reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined), encode(config))

type Kind = "boolean" | "integer" | "string"

/** The scalar settings with their own endpoint (spec/03 A.5 "Scalar toggles"). */
const toggles: ReadonlyArray<{ readonly route: HttpRouter.PathInput; readonly path: ReadonlyArray<string>; readonly kind: Kind }> = [
  { route: "/debug", path: ["debug"], kind: "boolean" },
  { route: "/logging-to-file", path: ["logging-to-file"], kind: "boolean" },
  { route: "/usage-statistics-enabled", path: ["usage-statistics-enabled"], kind: "boolean" },
  { route: "/proxy-url", path: ["proxy-url"], kind: "string" },
  { route: "/quota-exceeded/switch-project", path: ["quota-exceeded", "switch-project"], kind: "boolean" },
  { route: "/quota-exceeded/switch-preview-model", path: ["quota-exceeded", "switch-preview-model"], kind: "boolean" },
  { route: "/request-log", path: ["request-log"], kind: "boolean" },
  { route: "/request-retry", path: ["request-retry"], kind: "integer" },
  { route: "/ws-auth", path: ["ws-auth"], kind: "boolean" },
  { route: "/disable-cooling", path: ["disable-cooling"], kind: "boolean" }
]

const fits = (kind: Kind, v: unknown): boolean =>
  kind === "boolean" ? typeof v === "boolean" : kind === "integer" ? Number.isInteger(v) : typeof v === "string"

const setScalar = (path: ReadonlyArray<string>, value: unknown) =>
  Effect.flatMap(ConfigEditor, (editor) => editor.edit((doc) => Effect.sync(() => doc.setIn(path, value)))).pipe(
    Effect.as(ok),
    Effect.catchTag("EditError", (e) => Effect.succeed(fromEdit(e)))
  )

/** Adds one toggle's GET, PUT and PATCH (and DELETE for strings) to a router. */
const withToggle = <E, R>(router: HttpRouter.HttpRouter<E, R>, t: typeof toggles[number]) => {
  const name = t.path[t.path.length - 1]!
  const get = Effect.map(ConfigService, (c) => json({ [name]: valueAt(c.current(), t.path) }))
  const put = Effect.flatMap(bodyJson, (body) => {
    const value = field(body, "value")
    return fits(t.kind, value) ? setScalar(t.path, value) : Effect.succeed(refuse(400, "invalid body"))
  })
  const withSetters = router.pipe(HttpRouter.get(t.route, get), HttpRouter.put(t.route, put), HttpRouter.patch(t.route, put))
  return t.kind === "string" ? withSetters.pipe(HttpRouter.del(t.route, setScalar(t.path, ""))) : withSetters
}

const toggleRoutes = toggles.slice(1).reduce(withToggle, withToggle(HttpRouter.empty, toggles[0]!))

/**
 * `GET /config`, `GET|PUT /config.yaml` and the scalar toggles. A PUT of the whole file is
 * validated as the loader would, then written byte for byte and reloaded.
 * @category routes
 */
export const configRoutes = toggleRoutes.pipe(
  HttpRouter.get("/config", Effect.map(ConfigService, (c) => json(configView(c.current())))),
  HttpRouter.get(
    "/config.yaml",
    Effect.gen(function*() {
      const text = yield* (yield* Store).config.read.pipe(Effect.either)
      if (text._tag === "Left") return json({ error: "read_failed", message: text.left.message }, 500)
      if (text.right === undefined) return json({ error: "not_found", message: "config file not found" }, 404)
      return HttpServerResponse.text(text.right, {
        contentType: "application/yaml; charset=utf-8",
        headers: { "cache-control": "no-store", "x-content-type-options": "nosniff" }
      })
    })
  ),
  HttpRouter.put(
    "/config.yaml",
    Effect.gen(function*() {
      const req = yield* HttpServerRequest.HttpServerRequest
      const text = yield* req.text.pipe(Effect.orElseSucceed(() => ""))
      const store = yield* Store
      const doc = YAML.parseDocument(text)
      if (doc.errors.length > 0) return json({ error: "invalid_yaml", message: doc.errors[0]!.message }, 400)
      const checked = yield* Effect.either(parseConfig(text, store.config.path))
      if (checked._tag === "Left") return json({ error: "invalid_config", message: checked.left.message }, 422)
      const written = yield* Effect.either(store.config.write(text))
      if (written._tag === "Left") return json({ error: "write_failed", message: written.left.message }, 500)
      yield* (yield* ConfigService).reload
      return json({ ok: true, changed: ["config"] })
    })
  )
)
