import type { ModelInfo } from "../../credentials/model-registry.js"

const iflow = (id: string, displayName: string, description: string): ModelInfo => ({
  id,
  ownedBy: "iflow",
  type: "iflow",
  displayName,
  description
})

/** The models an iFlow sign-in serves (spec/02 §10.1). @category catalogue */
export const iflowCatalogue: ReadonlyArray<ModelInfo> = [
  iflow("tstars2.0", "TStars-2.0", "iFlow TStars-2.0 multimodal assistant"),
  iflow("qwen3-coder-plus", "Qwen3-Coder-Plus", "Qwen3 Coder Plus code generation"),
  iflow("qwen3-coder", "Qwen3-Coder-480B-A35B", "Qwen3 Coder 480B A35B"),
  iflow("qwen3-max", "Qwen3-Max", "Qwen3 flagship model"),
  iflow("qwen3-vl-plus", "Qwen3-VL-Plus", "Qwen3 multimodal vision-language"),
  iflow("qwen3-max-preview", "Qwen3-Max-Preview", "Qwen3 Max preview build"),
  iflow("kimi-k2-0905", "Kimi-K2-Instruct-0905", "Moonshot Kimi K2 instruct 0905"),
  iflow("glm-4.6", "GLM-4.6", "Zhipu GLM 4.6 general model"),
  iflow("kimi-k2", "Kimi-K2", "Moonshot Kimi K2 general model"),
  iflow("deepseek-v3.2", "DeepSeek-V3.2-Exp", "DeepSeek V3.2 experimental"),
  iflow("deepseek-v3.1", "DeepSeek-V3.1-Terminus", "DeepSeek V3.1 Terminus"),
  iflow("deepseek-r1", "DeepSeek-R1", "DeepSeek reasoning model R1"),
  iflow("deepseek-v3", "DeepSeek-V3-671B", "DeepSeek V3 671B"),
  iflow("qwen3-32b", "Qwen3-32B", "Qwen3 32B"),
  iflow("qwen3-235b-a22b-thinking-2507", "Qwen3-235B-A22B-Thinking", "Qwen3 235B A22B Thinking (2507)"),
  iflow("qwen3-235b-a22b-instruct", "Qwen3-235B-A22B-Instruct", "Qwen3 235B A22B Instruct"),
  iflow("qwen3-235b", "Qwen3-235B-A22B", "Qwen3 235B A22B")
]
