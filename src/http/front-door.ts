import type { IncomingMessage, ServerResponse } from "node:http"
import * as Cause from "effect/Cause"
import type * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Runtime from "effect/Runtime"
import type { Config } from "../config/schema.js"
import type { JsonObject } from "../formats/json.js"
import type * as AppLog from "../logging/app-log.js"
import { maskQuery } from "../logging/redact.js"
import { type RequestRecord, startRecord } from "../logging/request-log.js"
import { servePanel } from "../management/panel-assets.js"
import { isStreaming, type ModelCall } from "../pipeline/model-call.js"
import type * as Pipeline from "../pipeline/pipeline.js"
import { readBody } from "./body.js"
import { type ClientKeys, makeClientKeys } from "./client-keys.js"
import { type Dialect, inferDialect, listDialect } from "./dialect.js"
import { ApiError, errors, renderError } from "./errors.js"
import { corsHeaders, sendError } from "./respond.js"
import { isLocalPeer } from "./peer.js"
import { isCodeAssistRoute, matchRoute, type Route } from "./routes.js"

/** What the front door needs; all plain values so the hot path runs no Effect until the call. @category models */
export interface FrontDoorDeps {
  /** The config in force now; read once per request. */
  readonly config: () => Config
  readonly log: AppLog.Service
  /** The @effect/platform handler for list and info routes. */
  readonly info: (req: IncomingMessage, res: ServerResponse) => void
  /** The @effect/platform handler for the management API (it checks its own key). */
  readonly management: (req: IncomingMessage, res: ServerResponse) => void
  readonly pipeline: Pipeline.Service
  readonly runtime: Runtime.Runtime<never>
  /** Where request logs go (`logs/` beside config.yaml). */
  readonly logsDir: string
  /** `MANAGEMENT_STATIC_PATH`: another copy of the control panel to serve instead of the package's. */
  readonly panelPath?: string | undefined
}

/** The node:http request handler: CORS, routing, client keys, body limit, dispatch, access log. @category handlers */
export type FrontDoor = (req: IncomingMessage, res: ServerResponse) => void

const isStackOverflow = (e: unknown) => e instanceof RangeError && e.message.includes("call stack")

/** Builds the front door. @category constructors */
export const makeFrontDoor = (deps: FrontDoorDeps): FrontDoor => {
  // client keys are rebuilt only when the config object changes (hot reload swaps it)
  let keysFor: Config | undefined
  let keys: ClientKeys = makeClientKeys([])
  const clientKeys = (config: Config) => {
    if (config !== keysFor) {
      keys = makeClientKeys(config.apiKeys)
      keysFor = config
    }
    return keys
  }

  return (req, res) => {
    const started = performance.now()
    const target = req.url ?? "/"
    let keyLabel = "-"
    let keyMask: string | undefined
    // one close listener per request: the access line, and aborting a call still running
    let abort: (() => void) | undefined
    res.on("close", () => {
      if (abort !== undefined && !res.writableFinished) abort()
      const status = res.headersSent ? res.statusCode : 499
      const level = status >= 500 ? "error" : status >= 400 ? "warn" : "info"
      if (!deps.log.enabled(level)) return
      const ms = (performance.now() - started).toFixed(1)
      const ip = req.socket.remoteAddress ?? "-"
      deps.log.write(level, `${req.method} ${maskQuery(target)} ${status} ${ms}ms ${ip} key=${keyLabel}`)
    })
    for (const [k, v] of Object.entries(corsHeaders)) res.setHeader(k, v)

    let dialect: Dialect = "openai"
    try {
      const q = target.indexOf("?")
      const pathname = q < 0 ? target : target.slice(0, q)
      if (req.method === "OPTIONS") {
        res.writeHead(204).end()
        return
      }
      const route = matchRoute(req.method ?? "GET", pathname, listDialect(req.headers))
      dialect = route?.dialect ?? inferDialect(pathname, req.headers)
      if (route === undefined) {
        sendError(res, renderError(dialect, errors.notFound(req.method ?? "GET", pathname)))
        return
      }
      const config = deps.config()
      const query = new URLSearchParams(q < 0 ? "" : target.slice(q + 1))
      // the probe and the websocket refusal reveal nothing; everything else needs a key, except
      // the Gemini CLI relay, which sends its own Google token and is for this machine only
      const open = (route.kind === "info" && !route.auth) || route.kind === "hello" || route.kind === "upgrade-required" ||
        route.kind === "management" || route.kind === "panel"
      if (isCodeAssistRoute(route)) {
        if (!isLocalPeer(req.socket.remoteAddress)) return sendError(res, renderError("gemini", errors.localOnly("The Gemini CLI relay (/v1internal)")))
      } else if (!open) {
        const check = clientKeys(config).check(req.headers, query)
        if (check._tag === "Missing") return sendError(res, renderError(dialect, errors.missingKey()))
        if (check._tag === "Invalid") return sendError(res, renderError(dialect, errors.invalidKey()))
        if (check._tag === "Accepted") {
          keyLabel = check.keyId
          keyMask = check.masked
        }
      }
      switch (route.kind) {
        case "info":
          return deps.info(req, res)
        case "management":
          return deps.management(req, res)
        case "panel":
          return servePanel(res, config, route.asset, deps.panelPath)
        case "hello":
          res.writeHead(200, { "content-length": 0 }).end()
          return
        case "upgrade-required":
          return sendError(
            res,
            renderError(
              "openai",
              new ApiError({ status: 426, kind: "invalid_request", message: route.message })
            )
          )
        case "bad-gemini-action":
          return sendError(
            res,
            renderError(
              "gemini",
              new ApiError({
                status: 404,
                kind: "not_found",
                message: route.action === ""
                  ? `${pathname} not found: expected /v1beta/models/{model}:{generateContent|streamGenerateContent|countTokens}`
                  : `method ${route.action} is not supported for models/${route.model}`
              })
            )
          )
        case "model":
          return modelCall(deps, route, req, res, config, query, keyLabel === "-" ? undefined : { id: keyLabel, masked: keyMask ?? keyLabel }, (f) => {
            abort = f
          })
        case "code-assist":
          return codeAssistCall(deps, req, res, config, target, (f) => {
            abort = f
          })
      }
    } catch (e) {
      // a bug must never crash the server nor leave the client with an empty 500
      deps.log.write("error", `request handler failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`)
      sendError(res, renderError(dialect, errors.internal("the request could not be handled")))
    }
  }
}

const modelCall = (
  deps: FrontDoorDeps,
  route: Extract<Route, { kind: "model" }>,
  req: IncomingMessage,
  res: ServerResponse,
  config: Config,
  query: URLSearchParams,
  key: { readonly id: string; readonly masked: string } | undefined,
  onAbort: (abort: (() => void) | undefined) => void
) =>
  withBody(req, res, config, route.dialect, (body) => {
    let json: unknown
    try {
      json = body.length === 0 ? undefined : JSON.parse(body.toString("utf8"))
    } catch (e) {
      return sendError(res, renderError(route.dialect, errors.malformedJson(e instanceof Error ? e.message : String(e))))
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      return sendError(
        res,
        renderError(
          route.dialect,
          errors.malformedJson(json === undefined ? "the body is empty" : "the body must be a JSON object")
        )
      )
    }
    const fields = json as JsonObject // JSON.parse yields JSON values only
    const model = route.pathModel ?? (typeof fields.model === "string" ? fields.model : "")
    const record = recordFor(deps, config, req, res, body)
    const call: ModelCall = {
      format: route.format,
      dialect: route.dialect,
      ...(route.action ? { action: route.action } : {}),
      model,
      stream: isStreaming(route.format, route.action, fields),
      body,
      json: fields,
      headers: req.headers,
      query,
      ...(key ? { keyId: key.id, keyMask: key.masked } : {}),
      ...(record ? { record } : {}),
      config
    }
    run(deps, deps.pipeline.serve(call, res), route.dialect, res, onAbort)
  })

/**
 * A request-log record for a `/v1...` call while `request-log` is on: the request now, the
 * answer as it is written (a tap on the response), the file once the response closes.
 */
const recordFor = (deps: FrontDoorDeps, config: Config, req: IncomingMessage, res: ServerResponse, body: Buffer): RequestRecord | undefined => {
  const url = req.url ?? "/"
  if (!config.requestLog || !url.startsWith("/v1")) return undefined
  const record = startRecord({ dir: deps.logsDir, maxBytes: config.requestLogMaxSize }, { method: req.method ?? "POST", url, headers: req.headers, body })
  const write = res.write.bind(res) as (chunk: unknown, ...rest: Array<unknown>) => boolean
  const end = res.end.bind(res) as (...args: Array<unknown>) => ServerResponse
  const keep = (chunk: unknown) => {
    if (typeof chunk === "string" || Buffer.isBuffer(chunk)) record.responseBody(chunk)
  }
  res.write = ((chunk: unknown, ...rest: Array<unknown>) => {
    keep(chunk)
    return write(chunk, ...rest)
  }) as typeof res.write
  res.end = ((...args: Array<unknown>) => {
    if (typeof args[0] !== "function") keep(args[0])
    return end(...args)
  }) as typeof res.end
  res.once("close", () => {
    if (res.headersSent) record.response(res.statusCode, res.getHeaders())
    record.finish()
  })
  return record
}

/** Reads a body within max-body-size: an oversized one is answered 413, a broken one dropped. */
const withBody = (req: IncomingMessage, res: ServerResponse, config: Config, dialect: Dialect, then: (body: Buffer) => void) =>
  readBody(req, config.maxBodySize, (failure, body) => {
    if (failure?._tag === "TooLarge") {
      // the rest of the body is not read: close the connection after answering
      res.setHeader("connection", "close")
      return sendError(res, renderError(dialect, errors.tooLarge(config.maxBodySize)))
    }
    if (failure) return void res.destroy()
    then(body)
  })

/** Relays a Gemini CLI Code Assist call (loadCodeAssist, onboardUser, ...) as it is. */
const codeAssistCall = (
  deps: FrontDoorDeps,
  req: IncomingMessage,
  res: ServerResponse,
  config: Config,
  target: string,
  onAbort: (abort: (() => void) | undefined) => void
) =>
  withBody(req, res, config, "gemini", (body) => {
    const relayed = deps.pipeline.relayCodeAssist({
      method: req.method === "GET" ? "GET" : "POST",
      target,
      headers: req.headers,
      body: req.method === "GET" ? undefined : body,
      config
    }, res)
    run(deps, relayed, "gemini", res, onAbort)
  })

/**
 * Runs a call's program on its own fiber; a client that goes away interrupts it (aborting
 * the upstream request), and a failure before the first byte is rendered in the client's dialect.
 */
const run = (
  deps: FrontDoorDeps,
  program: Effect.Effect<void, ApiError>,
  dialect: Dialect,
  res: ServerResponse,
  onAbort: (abort: (() => void) | undefined) => void
) => {
  const fiber = Runtime.runFork(deps.runtime)(program, { immediate: true })
  onAbort(() => Runtime.runFork(deps.runtime)(Fiber.interrupt(fiber)))
  fiber.addObserver((exit) => {
    onAbort(undefined)
    if (Exit.isSuccess(exit)) return
    const failure = Cause.failureOption(exit.cause)
    if (failure._tag === "Some") return sendError(res, renderError(dialect, failure.value))
    if (Cause.isInterruptedOnly(exit.cause)) return
    // JSON.parse takes any depth but JSON.stringify and the codecs recurse: a body nested
    // thousands of levels deep overflows the stack; that is the client's error, not ours
    if (isStackOverflow(Cause.squash(exit.cause))) return sendError(res, renderError(dialect, errors.tooDeep()))
    deps.log.write("error", `model call failed: ${Cause.pretty(exit.cause)}`)
    sendError(res, renderError(dialect, errors.internal("the request could not be completed")))
  })
}
