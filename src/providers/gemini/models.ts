import type { ModelInfo } from "../../credentials/model-registry.js"

const methods = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"]

const gemini = (id: string, displayName: string, version: string, output: number, description: string): ModelInfo => ({
  id,
  ownedBy: "google",
  type: "gemini",
  displayName,
  name: `models/${id}`,
  version,
  description,
  inputTokenLimit: 1_048_576,
  outputTokenLimit: output,
  supportedGenerationMethods: methods
})

/** The Gemini models every Gemini credential serves (spec/02 §10.1). @category catalogue */
export const geminiCatalogue: ReadonlyArray<ModelInfo> = [
  gemini("gemini-2.5-flash", "Gemini 2.5 Flash", "001", 65_536, "Fast, cost-efficient model with thinking, for high-volume tasks."),
  gemini("gemini-2.5-pro", "Gemini 2.5 Pro", "2.5", 65_536, "Most capable Gemini 2.5 model, for complex reasoning and code."),
  gemini("gemini-2.5-flash-lite", "Gemini 2.5 Flash Lite", "2.5", 65_536, "Smallest, fastest Gemini 2.5 model."),
  gemini("gemini-2.5-flash-image-preview", "Gemini 2.5 Flash Image Preview", "2.5", 8_192, "Image generation and editing, preview."),
  gemini("gemini-2.5-flash-image", "Gemini 2.5 Flash Image", "2.5", 8_192, "Image generation and editing.")
]

/** The Gemini models an AI Studio Build tab serves: the shared list plus the `-latest` aliases (spec/02 §10.1). @category catalogue */
export const aistudioCatalogue: ReadonlyArray<ModelInfo> = [
  ...geminiCatalogue,
  gemini("gemini-pro-latest", "Gemini Pro Latest", "2.5", 65_536, "The latest Gemini Pro model."),
  gemini("gemini-flash-latest", "Gemini Flash Latest", "2.5", 65_536, "The latest Gemini Flash model."),
  gemini("gemini-flash-lite-latest", "Gemini Flash-Lite Latest", "2.5", 65_536, "The latest Gemini Flash-Lite model.")
]

/** Reads `GET /v1beta/models`: the models that can generate content. @category listing */
export const parseGeminiModels = (body: unknown): ReadonlyArray<ModelInfo> => {
  const models = typeof body === "object" && body !== null && "models" in body && Array.isArray(body.models) ? body.models : []
  return models.flatMap((m: unknown): Array<ModelInfo> => {
    if (typeof m !== "object" || m === null) return []
    const r = m as Record<string, unknown>
    const name = typeof r.name === "string" ? r.name : ""
    const id = name.startsWith("models/") ? name.slice(7) : name
    const supported = Array.isArray(r.supportedGenerationMethods) ? r.supportedGenerationMethods.filter((s): s is string => typeof s === "string") : []
    if (id === "" || (supported.length > 0 && !supported.includes("generateContent"))) return []
    return [{
      id,
      ownedBy: "google",
      type: "gemini",
      name: `models/${id}`,
      ...(typeof r.displayName === "string" ? { displayName: r.displayName } : {}),
      ...(typeof r.version === "string" ? { version: r.version } : {}),
      ...(typeof r.description === "string" ? { description: r.description } : {}),
      ...(typeof r.inputTokenLimit === "number" ? { inputTokenLimit: r.inputTokenLimit } : {}),
      ...(typeof r.outputTokenLimit === "number" ? { outputTokenLimit: r.outputTokenLimit } : {}),
      supportedGenerationMethods: supported.length > 0 ? supported : methods
    }]
  })
}
