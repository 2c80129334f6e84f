/** Loads the real-client request fixtures (spec/05) copied under test/formats/fixtures. */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import type { Dialect } from "../../src/formats/ir.js"
import type { JsonObject } from "../../src/formats/json.js"

export interface Fixture {
  readonly name: string
  readonly path: string
  readonly dialect: Dialect
  readonly envelope: boolean
  readonly body: JsonObject
}

const root = join(import.meta.dirname, "fixtures", "real-clients")

const dialectOf = (path: string): Dialect | undefined =>
  path.includes("/chat/completions")
    ? "openai-chat"
    : path.endsWith("/responses")
    ? "openai-responses"
    : path.startsWith("/v1/messages") && !path.includes("count_tokens")
    ? "claude"
    : /generateContent|streamGenerateContent/.test(path)
    ? "gemini"
    : undefined

/** Every model-call fixture, with the dialect its route implies. */
export const fixtures: ReadonlyArray<Fixture> = readdirSync(root).flatMap((client) =>
  readdirSync(join(root, client)).flatMap((file) => {
    const j = JSON.parse(readFileSync(join(root, client, file), "utf8")) as { path: string; body: JsonObject }
    const dialect = dialectOf(j.path)
    return dialect === undefined
      ? []
      : [{ name: `${client}/${file}`, path: j.path, dialect, envelope: j.path.includes("v1internal"), body: j.body }]
  })
)

/** Fixtures of one dialect. */
export const fixturesOf = (dialect: Dialect): ReadonlyArray<Fixture> => fixtures.filter((f) => f.dialect === dialect)
