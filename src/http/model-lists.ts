import type { ModelInfo } from "../credentials/model-registry.js"

/** One model in OpenAI list shape: exactly id, object, owned_by and created when known. @category shapes */
export const openAiModel = (m: ModelInfo) => ({
  id: m.id,
  object: "model" as const,
  ...(m.created !== undefined && m.created > 0 ? { created: m.created } : {}),
  owned_by: m.ownedBy
})

/**
 * One model in Anthropic's list shape (`type: "model"`, `display_name`, `created_at`), with the
 * OpenAI fields the Go version's Claude-style list had, for clients of either.
 * @category shapes
 */
export const claudeModel = (m: ModelInfo) => ({
  type: "model" as const,
  id: m.id,
  display_name: m.displayName ?? m.id,
  created_at: new Date((m.created ?? 0) * 1000).toISOString(),
  object: "model" as const,
  ...(m.created !== undefined && m.created > 0 ? { created: m.created } : {}),
  owned_by: m.ownedBy
})

/** Anthropic's paginated list envelope (everything on one page). @category shapes */
export const claudeList = (models: ReadonlyArray<ModelInfo>) => ({
  data: models.map(claudeModel),
  has_more: false,
  first_id: models[0]?.id ?? null,
  last_id: models[models.length - 1]?.id ?? null
})

/** One model in Gemini shape (`models/<id>` for Gemini models, bare ids otherwise). @category shapes */
export const geminiModel = (m: ModelInfo) => ({
  name: m.name ?? m.id,
  ...(m.version ? { version: m.version } : {}),
  ...(m.displayName ? { displayName: m.displayName } : {}),
  ...(m.description ? { description: m.description } : {}),
  ...(m.inputTokenLimit ? { inputTokenLimit: m.inputTokenLimit } : {}),
  ...(m.outputTokenLimit ? { outputTokenLimit: m.outputTokenLimit } : {}),
  ...(m.supportedGenerationMethods?.length ? { supportedGenerationMethods: m.supportedGenerationMethods } : {})
})

/** The endpoints the banner at `GET /` advertises. @category shapes */
export const endpoints: ReadonlyArray<string> = [
  "POST /v1/chat/completions",
  "POST /v1/completions",
  "POST /v1/responses",
  "POST /v1/messages",
  "POST /v1/messages/count_tokens",
  "GET /v1/models",
  "GET /v1beta/models",
  "POST /v1beta/models/{model}:generateContent",
  "POST /v1beta/models/{model}:streamGenerateContent",
  "POST /v1beta/models/{model}:countTokens",
  "POST /v1/models/{model}:generateContent|streamGenerateContent|countTokens"
]
