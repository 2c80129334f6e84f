import type { Config } from "../config/schema.js"
import type { Credential } from "../credentials/credential.js"
import type { Provider } from "./provider.js"

/**
 * The base URL a credential's calls go to: its own `base-url`, else the operator's
 * `upstream-endpoints` entry (by provider key, then by kind), else the one the account
 * names (Qwen's resource_url), else the provider default.
 * @category urls
 */
export const baseUrlFor = (config: Config, credential: Credential, provider: Provider): string =>
  credential.baseUrl ||
  config.upstreamEndpoints[credential.provider] ||
  config.upstreamEndpoints[credential.kind] ||
  credential.accountBaseUrl ||
  provider.defaultBaseUrl
