import * as Effect from "effect/Effect"
import type { Config } from "../config/schema.js"
import type { Credential } from "../credentials/credential.js"
import type { Candidate, Service as Registry } from "../credentials/model-registry.js"
import type * as IR from "../formats/ir.js"
import { parseModelSuffix } from "../formats/thinking.js"
import { errors } from "../http/errors.js"
import type { ApiError } from "../http/errors.js"

/** Where a requested model can go. @category models */
export interface Route {
  /** The model id the registry knows (suffix stripped); cooldowns and rotation are per this id. */
  readonly model: string
  /** Reasoning asked for by a name suffix, applied over the body's. */
  readonly reasoning: IR.Request["reasoning"]
  readonly providers: ReadonlyArray<string>
  readonly candidates: ReadonlyMap<string, Candidate>
}

const providersOf = (candidates: ReadonlyArray<Candidate>): ReadonlyArray<string> => {
  const counts = new Map<string, number>()
  for (const c of candidates) counts.set(c.provider, (counts.get(c.provider) ?? 0) + 1)
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([p]) => p)
}

const toRoute = (model: string, reasoning: IR.Request["reasoning"], list: ReadonlyArray<Candidate>): Route => ({
  model,
  reasoning,
  providers: providersOf(list),
  candidates: new Map(list.map((c) => [c.credentialId, c]))
})

/**
 * Resolves a requested model (spec/01 §7.3): `name://model` pins an OpenAI-compatible
 * provider and may name a model it does not list; otherwise the registry's exact id, then
 * the id without a thinking suffix (`-thinking-N`, `(high)`...). Unknown: a 400 naming it.
 * @category routing
 */
export const resolveRoute = (
  requested: string,
  config: Config,
  registry: Registry,
  /** Read only when a model goes out under its own name, the one case that needs the credential list. */
  credentials: Effect.Effect<ReadonlyArray<Credential>>,
  /** A provider that takes models the registry does not know, under their own name (the Gemini CLI relay). */
  anyModelProvider?: string
): Effect.Effect<Route, ApiError> =>
  Effect.gen(function*() {
    // the provider's credentials, serving a model it does not list under its own name
    const ownName = (provider: string, model: string) =>
      Effect.map(credentials, (all) =>
        all.filter((c) => c.provider === provider && c.disabled !== true).map((c): Candidate => ({ credentialId: c.id, provider, upstream: model })))
    const sep = requested.indexOf("://")
    if (sep > 0) {
      const name = requested.slice(0, sep)
      const rest = requested.slice(sep + 3)
      const compat = config.openaiCompatibility.find((p) => p.name === name)
      if (compat !== undefined && rest !== "") {
        const provider = compat.name.toLowerCase()
        const listed = (yield* registry.candidates(rest)).filter((c) => c.provider === provider)
        const list = listed.length > 0 ? listed : yield* ownName(provider, rest)
        if (list.length > 0) return toRoute(rest, undefined, list)
      }
    }
    const exact = yield* registry.candidates(requested)
    if (exact.length > 0) return toRoute(requested, undefined, exact)
    const suffix = parseModelSuffix(requested)
    if (suffix.model !== requested) {
      const base = yield* registry.candidates(suffix.model)
      if (base.length > 0) return toRoute(suffix.model, suffix.reasoning, base)
    }
    if (anyModelProvider !== undefined && requested !== "") {
      const list = yield* ownName(anyModelProvider, requested)
      if (list.length > 0) return toRoute(requested, undefined, list)
    }
    return yield* errors.unknownModel(requested)
  })
