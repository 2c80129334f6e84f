import type { ModelInfo } from "../../credentials/model-registry.js"

/** Reads an OpenAI-style `GET /models` (`{data:[{id, owned_by, created}]}`) for one provider. @category listing */
export const parseOpenAiModels = (ownedBy: string, type: string) => (body: unknown): ReadonlyArray<ModelInfo> => {
  const data = typeof body === "object" && body !== null && "data" in body && Array.isArray(body.data) ? body.data : []
  return data.flatMap((m: unknown): Array<ModelInfo> => {
    if (typeof m !== "object" || m === null || !("id" in m) || typeof m.id !== "string" || m.id === "") return []
    return [{
      id: m.id,
      ownedBy,
      type,
      ...("created" in m && typeof m.created === "number" && m.created > 0 ? { created: m.created } : {})
    }]
  })
}
