import type { Config } from "../../config/schema.js"
import type { Service as Dispatchers } from "../shared/dispatchers.js"
import type { LoginContext, LoginIO, Overrides } from "./session.js"

/**
 * What a login flow needs, from the config in force: its endpoints, the configured proxy
 * (and a direct way for Qwen's polling), who to talk to, and any test overrides.
 * @category constructors
 */
export const loginContext = (config: Config, dispatchers: Dispatchers, io: LoginIO, overrides: Overrides): LoginContext => ({
  endpoints: config.upstreamEndpoints,
  dispatcher: dispatchers.forProxy(config.proxyUrl),
  direct: dispatchers.direct,
  io,
  ...(overrides.port === undefined ? {} : { port: overrides.port }),
  ...(overrides.timeout === undefined ? {} : { timeout: overrides.timeout }),
  ...(overrides.pollInterval === undefined ? {} : { pollInterval: overrides.pollInterval })
})
