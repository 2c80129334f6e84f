import type { ModelInfo } from "../../credentials/model-registry.js"

const claude = (id: string, displayName: string, created: number): ModelInfo => ({
  id,
  ownedBy: "anthropic",
  type: "claude",
  displayName,
  created
})

/** The Claude models a Claude credential serves when its entry lists none (spec/02 §10.1). @category catalogue */
export const claudeCatalogue: ReadonlyArray<ModelInfo> = [
  claude("claude-haiku-4-5-20251001", "Claude 4.5 Haiku", 1759276800),
  claude("claude-sonnet-4-5-20250929", "Claude 4.5 Sonnet", 1759104000),
  claude("claude-opus-4-1-20250805", "Claude 4.1 Opus", 1722945600),
  claude("claude-opus-4-20250514", "Claude 4 Opus", 1715644800),
  claude("claude-sonnet-4-20250514", "Claude 4 Sonnet", 1715644800),
  claude("claude-3-7-sonnet-20250219", "Claude 3.7 Sonnet", 1708300800),
  claude("claude-3-5-haiku-20241022", "Claude 3.5 Haiku", 1729555200)
]

/** Reads Anthropic's `GET /v1/models` (`{data:[{id, display_name, created_at}]}`). @category listing */
export const parseClaudeModels = (body: unknown): ReadonlyArray<ModelInfo> => {
  const data = typeof body === "object" && body !== null && "data" in body && Array.isArray(body.data) ? body.data : []
  return data.flatMap((m: unknown): Array<ModelInfo> => {
    if (typeof m !== "object" || m === null || !("id" in m) || typeof m.id !== "string" || m.id === "") return []
    const created = "created_at" in m && typeof m.created_at === "string" ? Date.parse(m.created_at) / 1000 : NaN
    return [{
      id: m.id,
      ownedBy: "anthropic",
      type: "claude",
      ...("display_name" in m && typeof m.display_name === "string" ? { displayName: m.display_name } : {}),
      ...(Number.isFinite(created) ? { created: Math.floor(created) } : {})
    }]
  })
}
