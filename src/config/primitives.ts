/**
 * Value schemas shared by the config keys: booleans, ports, sizes, URLs, trimmed strings,
 * each annotated with the phrase an error message uses for "what was expected".
 */
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { SchemaAST } from "effect"

/** Annotation id holding the "expected ..." phrase of a schema for config error messages. @category annotations */
export const ExpectedId: unique symbol = Symbol.for("cli-proxy-api/config/expected")

/** Annotations that set the phrase used after "expected" in a config error message. @category annotations */
export const expected = (phrase: string): { readonly [ExpectedId]: string } => ({ [ExpectedId]: phrase })

/** The "expected ..." phrase of an AST node, if it has one. @category annotations */
export const getExpected = (ast: SchemaAST.AST): Option.Option<string> => {
  const value = ast.annotations[ExpectedId]
  return typeof value === "string" ? Option.some(value) : Option.none()
}

/** A YAML string (numbers are not coerced, so a mistyped value is reported). @category schemas */
export const Str = Schema.String.annotations(expected("a string"))

/** A string with surrounding whitespace removed at decode. @category schemas */
export const Trimmed = Schema.transform(Str, Schema.String, {
  strict: true,
  decode: (s) => s.trim(),
  encode: (s) => s
}).annotations(expected("a string"))

// yaml.v3 (the Go version's parser) also accepts the YAML 1.1 spellings for typed bool fields,
// so a Go config with `debug: yes` must keep loading.
const yamlBooleans: Record<string, boolean> = {
  true: true, yes: true, y: true, on: true,
  false: false, no: false, n: false, off: false
}

/** A boolean: YAML true/false, also yes/no/on/off as the Go version accepts them. @category schemas */
export const Bool = Schema.Union(
  Schema.Boolean,
  Schema.transformOrFail(Schema.String, Schema.Boolean, {
    strict: true,
    decode: (s, _, ast) => {
      const value = yamlBooleans[s.toLowerCase()]
      return value === undefined ? ParseResult.fail(new ParseResult.Type(ast, s)) : ParseResult.succeed(value)
    },
    encode: (b) => ParseResult.succeed(b ? "true" : "false")
  })
).annotations(expected("a boolean (true or false)"))

/** A TCP port, 1 to 65535. @category schemas */
export const Port = Schema.Int.pipe(Schema.between(1, 65535)).annotations(expected("an integer from 1 to 65535"))

/** An integer of 0 or more. @category schemas */
export const NonNegativeInt = Schema.Int.pipe(Schema.greaterThanOrEqualTo(0))
  .annotations(expected("an integer of 0 or more"))

/** A trimmed string that is not empty. @category schemas */
export const NonEmptyTrimmed = Trimmed.pipe(Schema.filter((s) => s.length > 0))
  .annotations(expected("a non-empty string"))

const units: Record<string, number> = {
  "": 1, b: 1,
  k: 1024, kb: 1000, ki: 1024, kib: 1024,
  m: 1024 ** 2, mb: 1000 ** 2, mi: 1024 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1000 ** 3, gi: 1024 ** 3, gib: 1024 ** 3
}

/** Parses "64MiB", "10MB", "512k", "1048576" to bytes; undefined when malformed. @category parsing */
export const parseByteSize = (text: string): number | undefined => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text)
  if (match === null) return undefined
  const factor = units[(match[2] ?? "").toLowerCase()]
  if (factor === undefined) return undefined
  const bytes = Math.floor(Number(match[1]) * factor)
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined
}

const PositiveInt = Schema.Int.pipe(Schema.greaterThan(0))

/** A size in bytes: a positive integer, or a string with a unit such as "64MiB" or "10MB". @category schemas */
export const ByteSize = Schema.Union(
  PositiveInt,
  Schema.transformOrFail(Schema.String, PositiveInt, {
    strict: true,
    decode: (s, _, ast) => {
      const bytes = parseByteSize(s)
      return bytes === undefined ? ParseResult.fail(new ParseResult.Type(ast, s)) : ParseResult.succeed(bytes)
    },
    encode: (n) => ParseResult.succeed(String(n))
  })
).annotations(expected("a size in bytes (a positive integer, or a string like \"64MiB\")"))

const isHttpUrl = (s: string): boolean => {
  if (!URL.canParse(s)) return false
  const protocol = new URL(s).protocol
  return protocol === "http:" || protocol === "https:"
}

/** An http(s) URL, trimmed, without trailing slashes. @category schemas */
export const HttpUrl = Schema.transform(Str, Schema.String, {
  strict: true,
  decode: (s) => s.trim().replace(/[\s/]+$/, ""),
  encode: (s) => s
}).pipe(Schema.filter(isHttpUrl)).annotations({
  ...expected("an http(s) URL"),
  arbitrary: () => (fc) => fc.webUrl().filter((u) => u.trim() === u && !u.endsWith("/"))
})

/** A string-to-string mapping. @category schemas */
export const StringMap = Schema.Record({ key: Schema.String, value: Str }).annotations(expected("a mapping of strings"))

/** A list of strings. @category schemas */
export const StringList = Schema.Array(Str).annotations(expected("a list of strings"))
