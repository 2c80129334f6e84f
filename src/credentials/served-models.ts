import type { Provider } from "../providers/provider.js"
import type { Credential } from "./credential.js"
import type { ModelInfo, Served } from "./model-registry.js"

const aliasInfo = (credential: Credential, id: string, name: string): ModelInfo =>
  credential.kind === "openai-compat"
    ? { id, ownedBy: credential.compatName ?? credential.provider, type: "openai-compatibility", displayName: name }
    : credential.kind === "claude"
    ? { id, ownedBy: "claude", type: "claude", displayName: name }
    : credential.kind === "gemini"
    ? { id, ownedBy: "google", type: "gemini", displayName: name, name: `models/${id}` }
    : { id, ownedBy: "openai", type: "openai", displayName: name }

/**
 * The models a credential serves: its configured name/alias pairs (which replace the
 * catalogue), else the provider's catalogue; plus whatever its upstream listed, so new
 * models work without waiting for a release. Aliases are matched case-insensitively once.
 * @category models
 */
export const servedModels = (
  credential: Credential,
  provider: Provider,
  listed: ReadonlyArray<ModelInfo>
): ReadonlyArray<Served> => {
  const out: Array<Served> = []
  const seen = new Set<string>()
  const add = (s: Served) => {
    const key = s.info.id.toLowerCase()
    if (seen.has(key)) return
    seen.add(key)
    out.push(s)
  }
  if (credential.models.length > 0) {
    for (const m of credential.models) {
      const id = m.alias || m.name
      add({ info: aliasInfo(credential, id, m.name || m.alias), upstream: m.name || m.alias })
    }
  } else {
    for (const info of provider.catalogue) add({ info })
  }
  for (const info of listed) add({ info })
  return out
}
