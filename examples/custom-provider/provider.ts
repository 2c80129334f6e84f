/**
 * "Acme", an in-house model gateway that speaks OpenAI Chat Completions but wants its key
 * in an `x-acme-key` header and serves two models of its own: added to the proxy as a
 * provider, so every client dialect (OpenAI, Claude, Gemini) can use it, round-robin over
 * its keys, with the proxy's retries, cooldowns, usage and metrics.
 */
import { Credential, Provider, type ModelRegistry, type Providers } from "cli-proxy-api"

/** Where Acme lives unless `upstream-endpoints: {acme: ...}` in config.yaml says otherwise. */
export const ACME_BASE_URL = "https://llm.acme.example/v1"

/** The models Acme serves, as `GET /v1/models` lists them. */
const catalogue: ReadonlyArray<ModelRegistry.ModelInfo> = [
  { id: "acme-chat", ownedBy: "acme", type: "acme", displayName: "Acme Chat" },
  { id: "acme-coder", ownedBy: "acme", type: "acme", displayName: "Acme Coder" }
]

/** How to call Acme: its dialect, its URL, its headers, the body it wants. */
export const acmeProvider: Provider.Provider = {
  kind: "acme",
  dialect: "openai-chat",
  defaultBaseUrl: ACME_BASE_URL,
  alwaysStreams: false,
  generate: (input) => ({
    url: Provider.joinUrl(input.baseUrl, "/chat/completions"),
    headers: {
      "content-type": "application/json",
      accept: input.stream ? "text/event-stream" : "application/json",
      "x-acme-key": input.credential.apiKey
    }
  }),
  // the client's body goes as it is, with the upstream's model name if it differs
  prepareBody: Provider.withUpstreamModel,
  catalogue
}

/** Acme with these keys: one credential per key, in the round-robin with every other credential. */
export const acme = (apiKeys: ReadonlyArray<string>): Providers.ExtraProvider => ({
  provider: acmeProvider,
  credentials: () => apiKeys.map((apiKey, i) => Credential.make({ id: `acme:${i + 1}`, kind: "acme", label: `acme-key-${i + 1}`, apiKey }))
})
