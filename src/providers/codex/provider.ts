import { randomUUID } from "node:crypto"
import type { Json, JsonObject } from "../../formats/json.js"
import { type CallInput, ensure, joinUrl, type Provider } from "../provider.js"
import { type Instructions, loadInstructions } from "./instructions.js"
import { codexCatalogue, effortVariant } from "./models.js"

/** The ChatGPT Codex backend (OAuth); API-key entries name their own base URL. @category endpoints */
export const CODEX_BASE_URL = "https://chatgpt.com/backend-api/codex"

let instructions: Instructions | undefined
const official = () => (instructions ??= loadInstructions())

/**
 * The backend accepts only an official Codex prompt as `instructions` (spec/02 §5c). The
 * client's own instructions are kept, as a developer message at the head of the input
 * (spec/04 3.1 [fix]: developer role, not the old injected user message).
 */
const withOfficialInstructions = (body: JsonObject, model: string): JsonObject => {
  const own = typeof body.instructions === "string" ? body.instructions : ""
  const texts = official()
  if (own !== "" && texts.all.some((t) => own.startsWith(t))) return body
  const input: Array<Json> = typeof body.input === "string"
    ? [{ type: "message", role: "user", content: [{ type: "input_text", text: body.input }] }]
    : Array.isArray(body.input) ? [...body.input] : []
  if (own !== "") input.unshift({ type: "message", role: "developer", content: [{ type: "input_text", text: own }] })
  return { ...body, instructions: texts.forModel(model), input }
}

const headers = (input: CallInput): Record<string, string> => ({
  "content-type": "application/json",
  authorization: `Bearer ${input.credential.oauth?.accessToken ?? input.credential.apiKey}`,
  // ChatGPT sign-ins (spec/02 §5c): the backend wants the CLI's originator and the account
  ...(input.credential.oauth === undefined
    ? {}
    : {
      originator: "codex_cli_rs",
      ...(input.credential.oauth.accountId ? { "chatgpt-account-id": input.credential.oauth.accountId } : {})
    }),
  accept: "text/event-stream",
  version: ensure(input.clientHeaders, "version", "0.21.0"),
  "openai-beta": ensure(input.clientHeaders, "openai-beta", "responses=experimental"),
  session_id: ensure(input.clientHeaders, "session_id", randomUUID()),
  "user-agent": ensure(input.clientHeaders, "user-agent", "codex_cli_rs/0.50.0 (Mac OS 26.0.1; arm64) Apple_Terminal/464")
})

/** Codex: OpenAI Responses on the Codex backend, always streamed upstream. @category providers */
export const codexProvider: Provider = {
  kind: "codex",
  dialect: "openai-responses",
  defaultBaseUrl: CODEX_BASE_URL,
  alwaysStreams: true,
  generate: (input) => ({ url: joinUrl(input.baseUrl, "/responses"), headers: headers(input) }),
  prepareBody: (body, input) => {
    const variant = effortVariant(input.model)
    const reasoning = typeof body.reasoning === "object" && body.reasoning !== null && !Array.isArray(body.reasoning) ? body.reasoning : {}
    const { previous_response_id: _prev, max_output_tokens: _max, temperature: _t, top_p: _p, ...rest } = body
    return withOfficialInstructions(
      {
        ...rest,
        model: variant.model,
        stream: true,
        store: false,
        ...(variant.effort ? { reasoning: { ...reasoning, effort: variant.effort } } : {})
      },
      variant.model
    )
  },
  catalogue: codexCatalogue
}
