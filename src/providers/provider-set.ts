import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Config } from "../config/schema.js"
import type { Credential } from "../credentials/credential.js"
import type { Provider } from "./provider.js"
import { providers as builtin } from "./registry.js"

/**
 * A provider added by a program that embeds the proxy: the upstream it calls and the
 * credentials it calls it with. Its credentials join the round-robin like config keys do.
 * @category models
 */
export interface ExtraProvider {
  /** The upstream: dialect, URLs, headers, models. Its `kind` names it; a built-in kind is replaced. */
  readonly provider: Provider
  /**
   * The credentials of this provider under a config, derived again after every config
   * change (so they may read config keys such as `upstream-endpoints`). Each credential's
   * `kind` must be the provider's.
   */
  readonly credentials: (config: Config) => ReadonlyArray<Credential>
}

/** The providers a server calls: the built-in ones plus any a program added. @category models */
export interface Service {
  /** The provider of a credential kind, or undefined when none has that kind. */
  readonly get: (kind: string) => Provider | undefined
  /** The added providers' credentials under a config. */
  readonly credentials: (config: Config) => ReadonlyArray<Credential>
}

/** The provider set service. @category tags */
export class Providers extends Context.Tag("cli-proxy-api/Providers")<Providers, Service>() {}

/** The built-in providers plus `extra` (a later entry replaces an earlier one of the same kind). @category constructors */
export const make = (extra: ReadonlyArray<ExtraProvider> = []): Service => {
  const byKind = new Map<string, Provider>(Object.entries(builtin))
  for (const e of extra) byKind.set(e.provider.kind, e.provider)
  return Providers.of({
    get: (kind) => byKind.get(kind),
    credentials: (config) => extra.flatMap((e) => e.credentials(config))
  })
}

/** The provider set as a Layer; with no argument, the built-in providers alone. @category layers */
export const layer = (extra: ReadonlyArray<ExtraProvider> = []) => Layer.succeed(Providers, make(extra))

/**
 * The provider of a credential the pool handed out. Credential sync admits only credentials
 * whose kind has a provider, so a miss here is a bug, not a request error.
 * @category lookups
 */
export const providerOf = (providers: Service, credential: Credential): Effect.Effect<Provider> => {
  const provider = providers.get(credential.kind)
  return provider === undefined
    ? Effect.dieMessage(`no provider of kind ${credential.kind} for credential ${credential.id}`)
    : Effect.succeed(provider)
}
