import type { ModelInfo } from "../../credentials/model-registry.js"

const gpt = (id: string, displayName: string, version: string, context = 400_000, completion = 128_000): ModelInfo => ({
  id,
  ownedBy: "openai",
  type: "openai",
  displayName,
  version,
  contextLength: context,
  maxCompletionTokens: completion
})

/** The Codex models (spec/02 §10.1); `-minimal/-low/-medium/-high` are effort variants. @category catalogue */
export const codexCatalogue: ReadonlyArray<ModelInfo> = [
  gpt("gpt-5", "GPT 5", "gpt-5-2025-08-07"),
  gpt("gpt-5-minimal", "GPT 5 Minimal", "gpt-5-2025-08-07"),
  gpt("gpt-5-low", "GPT 5 Low", "gpt-5-2025-08-07"),
  gpt("gpt-5-medium", "GPT 5 Medium", "gpt-5-2025-08-07"),
  gpt("gpt-5-high", "GPT 5 High", "gpt-5-2025-08-07"),
  gpt("gpt-5-codex", "GPT 5 Codex", "gpt-5-2025-09-15"),
  gpt("gpt-5-codex-low", "GPT 5 Codex Low", "gpt-5-2025-09-15"),
  gpt("gpt-5-codex-medium", "GPT 5 Codex Medium", "gpt-5-2025-09-15"),
  gpt("gpt-5-codex-high", "GPT 5 Codex High", "gpt-5-2025-09-15"),
  gpt("codex-mini-latest", "Codex Mini", "1.0", 4096, 2048)
]

/** Splits a catalogue effort variant (`gpt-5-high`) into the upstream model and effort. @category variants */
export const effortVariant = (model: string): { readonly model: string; readonly effort?: string } => {
  const m = /^(gpt-5(?:-codex)?)-(minimal|low|medium|high)$/.exec(model)
  if (m === null || (m[1] === "gpt-5-codex" && m[2] === "minimal")) return { model }
  return { model: m[1]!, effort: m[2]! }
}
