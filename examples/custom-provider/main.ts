/**
 * The proxy with Acme added: `ACME_API_KEYS=k1,k2 <run> main.ts [config.yaml]`. Everything
 * else (config.yaml, auth files, logins, the control panel) works as in `cli-proxy-api serve`.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Layer from "effect/Layer"
import { App, Serve } from "cli-proxy-api"
import { acme } from "./provider.js"

const keys = (process.env.ACME_API_KEYS ?? "").split(",").map((k) => k.trim()).filter((k) => k !== "")
const server = App.layer({ configFile: process.argv[2] ?? "config.yaml", providers: [acme(keys)] })

// the same startup banner as `serve`; SIGINT or SIGTERM close the server gracefully
NodeRuntime.runMain(Layer.launch(Layer.effectDiscard(Serve.printBanner).pipe(Layer.provideMerge(server))))
