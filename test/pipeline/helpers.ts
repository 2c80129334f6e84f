/** Small helpers shared by the pipeline's end-to-end tests. */
import { Effect } from "effect"
import type * as FakeServer from "../fakes/fake-server.js"
import type { RecordedRequest } from "../fakes/script.js"
import { credentialsFromConfig } from "../../src/credentials/config-credentials.js"
import { http, type TestServer } from "../support/server.js"

/** The model calls a fake received (its model-list GETs left out). */
export const posts = (fake: FakeServer.Service): Effect.Effect<ReadonlyArray<RecordedRequest>> =>
  Effect.map(fake.requests, (all) => all.filter((r) => r.method === "POST"))

/** The credential ids the server derived from its config, sorted as the pool rotates over them. */
export const sortedIds = (s: TestServer): ReadonlyArray<string> => credentialsFromConfig(s.config.current()).map((c) => c.id).sort()

/** The credential id of the config entry whose api key is `key`. */
export const idOfKey = (s: TestServer, key: string): string => {
  const found = credentialsFromConfig(s.config.current()).find((c) => c.apiKey === key)
  if (found === undefined) throw new Error(`no credential with key ${key}`)
  return found.id
}

/** A non-stream OpenAI chat call to the proxy. */
export const chat = (s: TestServer, model: string, extra: Record<string, unknown> = {}) =>
  http(`${s.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], ...extra })
  })

/** A non-stream Claude messages call to the proxy. */
export const messages = (s: TestServer, model: string, extra: Record<string, unknown> = {}) =>
  http(`${s.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model, max_tokens: 50, messages: [{ role: "user", content: "hi" }], ...extra })
  })

/** A non-stream Gemini generateContent call to the proxy. */
export const generate = (s: TestServer, model: string) =>
  http(`${s.url}/v1beta/models/${model}:generateContent`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] })
  })

/** The fakes in the order the pool tries their credentials (one credential per fake, told apart by base URL). */
export const inPoolOrder = <F extends FakeServer.Service>(s: TestServer, fakes: ReadonlyArray<F>): ReadonlyArray<F> => {
  const creds = credentialsFromConfig(s.config.current())
  return sortedIds(s).map((id) => {
    const base = creds.find((c) => c.id === id)?.baseUrl ?? ""
    const fake = fakes.find((f) => base.startsWith(f.url))
    if (fake === undefined) throw new Error(`no fake for credential ${id}`)
    return fake
  })
}

/** The proxy's error JSON, `{ error: { message, ... } }` or Claude's `{ type: "error", error }`. */
export const errorOf = (json: unknown): { readonly message?: string; readonly type?: string; readonly code?: unknown; readonly status?: string } =>
  (json as { error?: { message?: string; type?: string; code?: unknown; status?: string } }).error ?? {}

/** Waits for the fake's `n`th model call (0-based, list GETs not counted) and returns it. */
export const nthPost = (fake: FakeServer.Service, n: number) =>
  Effect.gen(function*() {
    for (let i = 0; ; i++) {
      const r = yield* fake.request(i)
      if (r.method !== "POST") continue
      if (n === 0) return r
      n--
    }
  })

/** Starts a POST the test can abort; `firstBytes` resolves with the first body bytes once they came. */
export const startCall = (url: string, body: unknown) =>
  Effect.sync(() => {
    const controller = new AbortController()
    const response = fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: controller.signal })
    response.catch(() => {})
    const firstBytes = Effect.promise(async () => {
      const r = await response
      const read = await r.body!.getReader().read()
      return new TextDecoder().decode(read.value)
    })
    return { abort: () => controller.abort(), firstBytes }
  })
