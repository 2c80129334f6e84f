import { Effect } from "effect"
import { parseConfig } from "../../src/config/load.js"
import type { ConfigError, LoadedConfig } from "../../src/config/load.js"

/** Parses YAML text as the config file "config.yaml". */
export const parse = (text: string): Effect.Effect<LoadedConfig, ConfigError> => parseConfig(text, "config.yaml")

/** The error message a text fails with (the test dies if it parses). */
export const errorOf = (text: string): Effect.Effect<string> =>
  Effect.flip(parse(text)).pipe(Effect.map((e) => e.message), Effect.orDie)
