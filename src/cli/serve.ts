import * as fs from "node:fs"
import * as path from "node:path"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as App from "../app.js"
import { ConfigService } from "../config/config-service.js"
import { HttpListener } from "../http/server.js"
import { MirrorSync } from "../store/mirror-sync.js"
import { bannerLines } from "./banner.js"
import { version } from "./version.js"

/** The config file used when `--config` is not given: `config.yaml` in the working directory. @category defaults */
export const defaultConfigFile = () => path.resolve("config.yaml")

/** Prints the startup banner, with the loud warning when the server is open to the network. @category programs */
export const printBanner = Effect.gen(function*() {
  const listener = yield* HttpListener
  const config = yield* ConfigService
  const current = config.current()
  const banner = bannerLines({
    url: listener.url,
    host: current.host,
    configFile: config.file,
    configExists: fs.existsSync(config.file),
    config: current,
    version,
    store: yield* (yield* MirrorSync).status
  })
  yield* Console.log(banner.lines.join("\n"))
  if (banner.warning) {
    yield* Console.warn(banner.warning)
    yield* Effect.logWarning("no client API keys set while listening beyond loopback")
  }
})

/**
 * `cli-proxy-api serve`: runs the server until SIGINT/SIGTERM, which interrupt the main
 * fiber and so close the listener gracefully (in-flight requests get up to 10 s).
 * @category programs
 */
export const serve = (configFile: string | undefined) =>
  Layer.launch(Layer.effectDiscard(printBanner).pipe(Layer.provideMerge(App.layer({ configFile: configFile ?? defaultConfigFile() })))).pipe(
    Effect.catchTag("ConfigError", (e) => Effect.zipRight(Console.error(`config error: ${e.message}`), Effect.fail(e))),
    Effect.catchTag("ListenError", (e) => Effect.zipRight(Console.error(`error: ${e.message}`), Effect.fail(e))),
    Effect.catchTag("StoreUnavailable", (e) => Effect.zipRight(Console.error(`store error: ${e.message}`), Effect.fail(e)))
  )
