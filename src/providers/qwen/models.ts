import type { ModelInfo } from "../../credentials/model-registry.js"

const qwen = (id: string, displayName: string, contextLength: number, maxCompletionTokens: number): ModelInfo => ({
  id,
  ownedBy: "qwen",
  type: "qwen",
  displayName,
  version: "3.0",
  contextLength,
  maxCompletionTokens
})

/** The models a Qwen Code sign-in serves (spec/02 §10.1). @category catalogue */
export const qwenCatalogue: ReadonlyArray<ModelInfo> = [
  qwen("qwen3-coder-plus", "Qwen3 Coder Plus", 32_768, 8_192),
  qwen("qwen3-coder-flash", "Qwen3 Coder Flash", 8_192, 2_048),
  qwen("vision-model", "Qwen3 Vision Model", 32_768, 2_048)
]
