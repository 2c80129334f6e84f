/** Shared set-up of the AI Studio relay tests: a server and tabs connected to it. */
import { Effect } from "effect"
import * as Tab from "../fakes/aistudio-tab.js"
import { startServer, type TestServer } from "../support/server.js"

/** The ids of the `aistudio` credentials the registry serves `gemini-2.5-pro` with. */
export const tabIds = (s: TestServer) =>
  Effect.map(s.registry.candidates("gemini-2.5-pro"), (cs) => cs.filter((c) => c.provider === "aistudio").map((c) => c.credentialId))

/** Waits until `n` tabs serve models. */
export const tabsServing = (s: TestServer, n: number) =>
  Effect.gen(function*() {
    for (let i = 0; i < 150; i++) {
      if ((yield* tabIds(s)).length === n) return
      yield* Effect.sleep("20 millis")
    }
    return yield* Effect.dieMessage(`expected ${n} tabs serving`)
  })

/** A server (config text, default none) with `tabs` tabs connected and serving. */
export const connected = (yaml = "", tabs = 1, options: Parameters<typeof startServer>[1] = {}) =>
  Effect.gen(function*() {
    const s = yield* startServer(yaml, options)
    const all: Array<Tab.Tab> = []
    for (let i = 0; i < tabs; i++) all.push(yield* Tab.connect(s.url))
    yield* tabsServing(s, tabs)
    return { s, tab: all[0]!, tabs: all }
  })
