import { joinUrl, type Provider, withUpstreamModel } from "../provider.js"
import { parseOpenAiModels } from "./models.js"

/**
 * Any OpenAI-compatible Chat Completions API (`openai-compatibility` entries): config over
 * this one base. Key-less entries send no Authorization.
 */
export const openAiCompatProvider: Provider = {
  kind: "openai-compat",
  dialect: "openai-chat",
  defaultBaseUrl: "",
  alwaysStreams: false,
  generate: (input) => ({
    url: joinUrl(input.baseUrl, "/chat/completions"),
    headers: {
      "content-type": "application/json",
      "user-agent": "cli-proxy-openai-compat",
      ...(input.credential.apiKey ? { authorization: `Bearer ${input.credential.apiKey}` } : {}),
      ...(input.stream ? { accept: "text/event-stream", "cache-control": "no-cache" } : { accept: "application/json" })
    }
  }),
  prepareBody: withUpstreamModel,
  catalogue: [],
  listModels: (credential, baseUrl) => ({
    target: {
      url: joinUrl(baseUrl, "/models"),
      headers: credential.apiKey ? { authorization: `Bearer ${credential.apiKey}` } : {}
    },
    parse: parseOpenAiModels(credential.compatName ?? credential.provider, "openai-compatibility")
  })
}
