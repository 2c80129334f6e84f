import { type Provider, withUpstreamModel } from "../provider.js"
import { signInChatTarget } from "../shared/chat-target.js"
import { iflowCatalogue } from "./models.js"

/** iFlow's API; an auth file's `base_url` overrides it. @category endpoints */
export const IFLOW_BASE_URL = "https://apis.iflow.cn/v1"

/** iFlow streams stall on an empty tool list; one harmless placeholder keeps them going (spec/02 §8c). */
const placeholderTool = {
  type: "function",
  function: { name: "noop", description: "Placeholder tool to stabilise streaming", parameters: { type: "object" } }
}

/** iFlow sign-ins: OpenAI Chat Completions with the API key the login fetched. @category providers */
export const iflowProvider: Provider = {
  kind: "iflow",
  dialect: "openai-chat",
  defaultBaseUrl: IFLOW_BASE_URL,
  alwaysStreams: false,
  generate: (input) => signInChatTarget(input, { "user-agent": "iFlow-Cli" }),
  prepareBody: (body, input, clientModel) => {
    const emptyTools = input.stream && Array.isArray(body.tools) && body.tools.length === 0
    return emptyTools ? { ...body, model: input.model, tools: [placeholderTool] } : withUpstreamModel(body, input, clientModel)
  },
  catalogue: iflowCatalogue
}
