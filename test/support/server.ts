import * as nodeHttp from "node:http"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Context, type Duration, Effect, Layer } from "effect"
import type { ExtraProvider } from "../../src/providers/provider-set.js"
import type { TracingOptions } from "../../src/usage/tracing.js"
import * as App from "../../src/app.js"
import { ConfigService } from "../../src/config/config-service.js"
import { ModelRegistry } from "../../src/credentials/model-registry.js"
import { HttpListener } from "../../src/http/server.js"
import { AppLog } from "../../src/logging/app-log.js"
import type { Timing } from "../../src/relay/session.js"

/** A temp folder for one test, removed when the test's scope closes. */
export const tempDir = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "cpa-test-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

/** A running server for a test, and what the test needs to talk to and inspect it. */
export interface TestServer {
  readonly url: string
  readonly dir: string
  readonly configFile: string
  /** Lines the server logged to stdout so far. */
  readonly logs: Array<string>
  readonly config: Context.Tag.Service<ConfigService>
  readonly registry: Context.Tag.Service<ModelRegistry>
  readonly appLog: Context.Tag.Service<AppLog>
}

/**
 * Boots the real server Layer on 127.0.0.1:0 with the given config.yaml text (or no file).
 * `auth-dir` and `logging-to-file: false` are added unless the text sets them, so a test
 * never touches the home folder and its log lines are captured.
 */
export const startServer = (
  yaml: string | undefined,
  options: {
    readonly drain?: Duration.DurationInput
    readonly watch?: boolean
    /** Auth files to put in auth-dir before the server starts. */
    readonly auths?: Readonly<Record<string, string>>
    /** The AI Studio relay's keep-alive, shortened for tests. */
    readonly relayTiming?: Timing
    /** MANAGEMENT_STATIC_PATH for this server (tests never read the real environment's). */
    readonly managementStaticPath?: string
    /** Where spans go (tests never read the real environment's OTEL_* variables). */
    readonly tracing?: TracingOptions
    /** The store's environment (PGSTORE_* ...); tests never read the real one. */
    readonly env?: Readonly<Record<string, string>>
    /** Providers added besides the built-in ones. */
    readonly providers?: ReadonlyArray<ExtraProvider>
  } = {}
) =>
  Effect.gen(function*() {
    const dir = yield* tempDir
    const configFile = path.join(dir, "config.yaml")
    if (yaml !== undefined) {
      const extra = [
        /^auth-dir:/m.test(yaml) ? "" : `auth-dir: ${JSON.stringify(path.join(dir, "auths"))}`,
        /^logging-to-file:/m.test(yaml) ? "" : "logging-to-file: false"
      ].filter((l) => l !== "")
      fs.writeFileSync(configFile, `${yaml}\n${extra.join("\n")}\n`)
    }
    if (options.auths) {
      fs.mkdirSync(path.join(dir, "auths"), { recursive: true })
      for (const [name, text] of Object.entries(options.auths)) fs.writeFileSync(path.join(dir, "auths", name), text)
    }
    const logs: Array<string> = []
    const context = yield* Layer.build(
      App.layer({
        configFile,
        listen: {
          port: 0,
          host: "127.0.0.1",
          managementStaticPath: options.managementStaticPath ?? "",
          ...(options.drain ? { drain: options.drain } : {})
        },
        ...(options.watch === undefined ? {} : { watch: options.watch }),
        ...(options.relayTiming === undefined ? {} : { relayTiming: options.relayTiming }),
        tracing: options.tracing ?? {},
        env: options.env ?? {},
        ...(options.providers === undefined ? {} : { providers: options.providers }),
        logOut: (line) => logs.push(line)
      })
    )
    const listener = Context.get(context, HttpListener)
    return {
      url: listener.url,
      dir,
      configFile,
      logs,
      config: Context.get(context, ConfigService),
      registry: Context.get(context, ModelRegistry),
      appLog: Context.get(context, AppLog)
    } satisfies TestServer
  })

/** Polls (without sleeping the test longer than needed) until `check` holds or 3 s pass. */
export const eventually = <A>(check: () => A | undefined | false, timeoutMs = 3000) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const v = check()
      if (v !== undefined && v !== false) return v
      yield* Effect.sleep("20 millis")
    }
    return yield* Effect.dieMessage(`condition not met within ${timeoutMs} ms`)
  })

/** A fetched answer, body read. */
export interface HttpAnswer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: () => unknown
}

/** Like `eventually`, for a check that is itself an Effect (an HTTP probe, a fake's records). */
export const eventuallyEffect = (check: Effect.Effect<boolean>, what: string, timeoutMs = 1000) =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      if (yield* check) return
      yield* Effect.sleep("20 millis")
    }
    return yield* Effect.dieMessage(`expected within ${timeoutMs} ms: ${what}`)
  })

/** fetch as an Effect. */
export const http = (url: string, init?: RequestInit): Effect.Effect<HttpAnswer> =>
  Effect.promise(async () => {
    const res = await fetch(url, init)
    const text = await res.text()
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown }
  })

/** A request over node:http from a chosen local address (127.0.0.2 plays a remote peer). */
export const httpFrom = (
  localAddress: string,
  url: string,
  init: { readonly method?: string; readonly headers?: Record<string, string>; readonly body?: string } = {}
): Effect.Effect<{ readonly status: number; readonly text: string }> =>
  Effect.async((resume) => {
    const req = nodeHttp.request(url, { method: init.method ?? "GET", headers: init.headers ?? {}, localAddress }, (res) => {
      let text = ""
      res.setEncoding("utf8")
      res.on("data", (c: string) => (text += c))
      res.on("end", () => resume(Effect.succeed({ status: res.statusCode ?? 0, text })))
    })
    req.on("error", (e) => resume(Effect.die(e)))
    req.end(init.body)
  })
