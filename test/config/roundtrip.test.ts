import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Effect, Either, FastCheck as fc, Schema } from "effect"
import * as YAML from "yaml"
import { parseConfig } from "../../src/config/load.js"
import { Config } from "../../src/config/schema.js"

const toYaml = (config: Config): string => YAML.stringify(Schema.encodeSync(Config)(config))
const load = (text: string) => Effect.runSync(Effect.either(parseConfig(text, "config.yaml")))

describe("round trip", () => {
  it("any config, once loaded, survives encode -> YAML -> parse unchanged", () => {
    fc.assert(
      fc.property(Arbitrary.make(Config), (generated) => {
        const first = load(toYaml(generated))
        // Generated values that normalise to something invalid (e.g. a whitespace-only
        // auth-dir) are not valid configs; they must fail with a message, not crash.
        fc.pre(Either.isRight(first))
        if (Either.isLeft(first)) return
        const second = load(toYaml(first.right.config))
        expect(Either.isRight(second) && second.right.config).toEqual(first.right.config)
        expect(Either.isRight(second) && second.right.warnings).toEqual([])
        expect(Either.isRight(second) && second.right.unknownKeys).toEqual([])
      }),
      { numRuns: 200 }
    )
  })
})
