/**
 * Reading config.yaml: YAML text -> validated, normalised Config, with unknown keys and
 * dropped entries reported rather than fatal, and clear messages for everything that is.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as YAML from "yaml"
import { ConfigInput } from "./fields.js"
import { formatIssue, unknownKeys as findUnknownKeys } from "./issues.js"
import { normalize } from "./normalize.js"
import { defaults } from "./schema.js"
import type { Config } from "./schema.js"

/** A config file that cannot be read, parsed or validated; `path` is the file. @category errors */
export class ConfigError extends Data.TaggedError("ConfigError")<{
  readonly path: string
  readonly message: string
}> {}

/** A loaded config and what the caller should warn about once. @category models */
export interface LoadedConfig {
  readonly config: Config
  /** Kebab-case key paths the schema does not know (kept in the file, ignored in memory). */
  readonly unknownKeys: ReadonlyArray<string>
  /** Entries dropped or ignored during normalisation, and YAML warnings. */
  readonly warnings: ReadonlyArray<string>
  /** False when the file does not exist and the defaults are used. */
  readonly exists: boolean
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

// A key with no value (`port:`) is YAML null; the Go version leaves the field at its default
// then, so null mapping values count as absent.
const dropNulls = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(dropNulls)
  if (!isRecord(value)) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    // defineProperty, not assignment: a `__proto__` key must stay a plain (unknown) key.
    if (v !== null && v !== undefined) {
      Object.defineProperty(out, k, { value: dropNulls(v), enumerable: true, writable: true, configurable: true })
    }
  }
  return out
}

const yamlError = (error: YAML.YAMLError): string => {
  const first = (error.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "")
  const pos = error.linePos?.[0]
  return pos === undefined
    ? `invalid YAML: ${first}`
    : `invalid YAML at line ${pos.line}, column ${pos.col}: ${first}`
}

const readYaml = (text: string, file: string): Effect.Effect<{ value: unknown; warnings: Array<string> }, ConfigError> =>
  Effect.suspend(() => {
    const doc = YAML.parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true })
    const [first] = doc.errors
    // Later syntax errors are mostly fallout of the first one, so only it is reported.
    if (first !== undefined) return Effect.fail(new ConfigError({ path: file, message: yamlError(first) }))
    const warnings = doc.warnings.map((w) => yamlError(w).replace(/^invalid YAML/, "YAML warning"))
    return Effect.try({
      try: () => ({ value: doc.toJS({ maxAliasCount: 100 }) as unknown, warnings }),
      catch: (e) => new ConfigError({ path: file, message: `invalid YAML: ${e instanceof Error ? e.message : String(e)}` })
    })
  })

const decodeInput = Schema.decodeUnknownEither(ConfigInput, { errors: "all", onExcessProperty: "ignore" })

/** Parses and validates config.yaml text; an empty or comment-only file gives the defaults. @category loading */
export const parseConfig = (text: string, file: string): Effect.Effect<LoadedConfig, ConfigError> =>
  Effect.flatMap(readYaml(text, file), ({ value, warnings: yamlWarnings }) => {
    const raw = dropNulls(value ?? {})
    const unknownKeys = findUnknownKeys(ConfigInput.ast, raw)
    const decoded = decodeInput(raw)
    if (Either.isLeft(decoded)) {
      return Effect.fail(new ConfigError({ path: file, message: formatIssue(decoded.left.issue).join("\n") }))
    }
    const { config, warnings } = normalize(decoded.right)
    return Effect.succeed({ config, unknownKeys, warnings: [...yamlWarnings, ...warnings], exists: true })
  })

/** Reads and parses a config file; a missing file gives the defaults with `exists: false`. @category loading */
export const loadConfigFile = (file: string): Effect.Effect<LoadedConfig, ConfigError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(file).pipe(
      Effect.map((t): string | undefined => t),
      Effect.catchIf(
        (e) => e._tag === "SystemError" && e.reason === "NotFound",
        () => Effect.succeed(undefined)
      ),
      Effect.mapError((e) => new ConfigError({ path: file, message: `cannot read the config file: ${e.message}` }))
    )
    if (text === undefined) return { config: defaults, unknownKeys: [], warnings: [], exists: false }
    return yield* parseConfig(text, file)
  })
