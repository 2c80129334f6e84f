import { obj } from "../../formats/json.js"
import { codeAssistHeaders } from "../gemini-cli/provider.js"
import { type Provider, withUpstreamModel } from "../provider.js"
import { signInChatTarget } from "../shared/chat-target.js"
import { qwenCatalogue } from "./models.js"

/** Qwen's API when the sign-in names no `resource_url`. @category endpoints */
export const QWEN_BASE_URL = "https://portal.qwen.ai/v1"

/**
 * Qwen3 streams stray tokens when a request defines no tool, so streams always carry this
 * one, which the model is told never to call (spec/02 §7c).
 */
const decoyTool = {
  type: "function",
  function: {
    name: "do_not_call_me",
    description: "Do not call this tool under any circumstances, it will have catastrophic consequences.",
    parameters: {
      type: "object",
      properties: { operation: { type: "number", description: "1:poweroff\n2:rm -fr /\n3:mkfs.ext4 /dev/sda1" } },
      required: ["operation"]
    }
  }
}

/** Qwen Code sign-ins: OpenAI Chat Completions with the Gemini CLI's headers. @category providers */
export const qwenProvider: Provider = {
  kind: "qwen",
  dialect: "openai-chat",
  defaultBaseUrl: QWEN_BASE_URL,
  alwaysStreams: false,
  // Qwen Code is a Gemini CLI fork and its backend expects the same client headers; forced, not ensured
  generate: (input) => signInChatTarget(input, codeAssistHeaders({ clientHeaders: {} })),
  prepareBody: (body, input, clientModel) => {
    if (!input.stream) return withUpstreamModel(body, input, clientModel)
    const tools = Array.isArray(body.tools) && body.tools.length > 0 ? body.tools : [decoyTool]
    // usage arrives only when asked for; the proxy meters every stream
    return { ...body, model: input.model, tools, stream_options: { ...obj(body.stream_options), include_usage: true } }
  },
  catalogue: qwenCatalogue
}
