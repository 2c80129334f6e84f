/**
 * Turns Schema parse issues into one readable line per problem, keyed by the kebab-case YAML
 * path (`gemini-api-key[1].base-url: expected a string, got 42`), and finds unknown keys.
 */
import * as Option from "effect/Option"
import * as SchemaAST from "effect/SchemaAST"
import type { ParseResult } from "effect"
import { getExpected } from "./primitives.js"

type Path = ReadonlyArray<PropertyKey>

/** Renders a key path as YAML users write it: `a.b[0].c`. @category formatting */
export const formatPath = (path: Path): string =>
  path.reduce<string>((acc, seg) => {
    if (typeof seg === "number") return `${acc}[${seg}]`
    const name = String(seg)
    return acc === "" ? name : `${acc}.${name}`
  }, "")

// Values under these keys are credentials; an error message must not repeat them.
const secretKeys = new Set(["api-key", "api-keys", "secret-key", "generative-language-api-key", "headers"])
const isSecretPath = (path: Path): boolean => path.some((seg) => typeof seg === "string" && secretKeys.has(seg))

/** Describes a value found in the file, for the "got ..." part of a message. @category formatting */
export const describeValue = (value: unknown, secret = false): string => {
  if (value === null) return "null"
  if (value === undefined) return "nothing"
  if (Array.isArray(value)) return "a list"
  if (typeof value === "object") return "an object"
  if (secret) return `a ${typeof value} (value hidden)`
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)
  return String(value)
}

const fallbackExpected = (ast: SchemaAST.AST): string => {
  switch (ast._tag) {
    case "StringKeyword": return "a string"
    case "NumberKeyword": return "a number"
    case "BooleanKeyword": return "a boolean (true or false)"
    case "TupleType": return "a list"
    case "TypeLiteral": return "an object"
    case "Literal": return JSON.stringify(ast.literal)
    default: {
      const description = SchemaAST.getDescriptionAnnotation(ast)
      return Option.getOrElse(description, () => "a valid value")
    }
  }
}

const line = (path: Path, expectedPhrase: string, actual: unknown): string => {
  const got = describeValue(actual, isSecretPath(path))
  const where = path.length === 0 ? "the top level" : formatPath(path)
  return `${where}: expected ${expectedPhrase}, got ${got}`
}

const walk = (issue: ParseResult.ParseIssue, path: Path, pending: string | undefined, out: Array<string>): void => {
  // An "expected" phrase on a wrapper (refinement, union, transformation) describes every failure
  // below it at the same path; crossing into a child key resets it.
  const here = issue._tag === "Pointer" || issue._tag === "Unexpected" || issue._tag === "Missing"
    ? pending
    : Option.getOrElse(getExpected(issue.ast), () => pending)
  switch (issue._tag) {
    case "Pointer": {
      const segs = Array.isArray(issue.path) ? issue.path : [issue.path]
      return walk(issue.issue, [...path, ...(segs as Path)], undefined, out)
    }
    case "Transformation":
      return walk(issue.issue, path, here, out)
    case "Refinement":
      if (issue.kind === "From") return walk(issue.issue, path, here, out)
      out.push(line(path, here ?? fallbackExpected(issue.ast), issue.actual))
      return
    case "Composite": {
      if (SchemaAST.isUnion(issue.ast)) {
        out.push(line(path, here ?? "one of the allowed forms", issue.actual))
        return
      }
      const subs = Array.isArray(issue.issues) ? issue.issues : [issue.issues]
      for (const sub of subs as ReadonlyArray<ParseResult.ParseIssue>) walk(sub, path, here, out)
      return
    }
    case "Type":
      out.push(line(path, here ?? fallbackExpected(issue.ast), issue.actual))
      return
    case "Missing":
      out.push(`${formatPath(path)}: missing, expected ${here ?? "a value"}`)
      return
    case "Unexpected":
      out.push(`${formatPath(path)}: unexpected key`)
      return
    case "Forbidden":
      out.push(`${formatPath(path)}: ${issue.message ?? "cannot be decoded here"}`)
      return
  }
}

/** One line per problem in a parse issue, each naming the key path and what was expected. @category formatting */
export const formatIssue = (issue: ParseResult.ParseIssue): ReadonlyArray<string> => {
  const out: Array<string> = []
  walk(issue, [], undefined, out)
  return out
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const collectUnknown = (ast: SchemaAST.AST, value: unknown, path: Path, out: Array<string>): void => {
  switch (ast._tag) {
    case "Refinement":
      return collectUnknown(ast.from, value, path, out)
    case "Transformation":
      return collectUnknown(ast.from, value, path, out)
    case "Suspend":
      return collectUnknown(ast.f(), value, path, out)
    case "Union":
      for (const member of ast.types) {
        if ((isRecord(value) && member._tag === "TypeLiteral") || (Array.isArray(value) && member._tag === "TupleType")) {
          return collectUnknown(member, value, path, out)
        }
      }
      return
    case "TupleType": {
      if (!Array.isArray(value)) return
      const rest = ast.rest[0]
      value.forEach((item, i) => {
        const element = ast.elements[i]?.type ?? rest?.type
        if (element !== undefined) collectUnknown(element, item, [...path, i], out)
      })
      return
    }
    case "TypeLiteral": {
      if (!isRecord(value)) return
      for (const [k, v] of Object.entries(value)) {
        const prop = ast.propertySignatures.find((p) => p.name === k)
        const index = ast.indexSignatures[0]
        if (prop !== undefined) collectUnknown(prop.type, v, [...path, k], out)
        else if (index !== undefined) collectUnknown(index.type, v, [...path, k], out)
        else out.push(formatPath([...path, k]))
      }
      return
    }
    default:
      return
  }
}

/** Key paths in a parsed YAML value that the (encoded side of the) schema does not know. @category validation */
export const unknownKeys = (ast: SchemaAST.AST, value: unknown): ReadonlyArray<string> => {
  const out: Array<string> = []
  collectUnknown(SchemaAST.encodedAST(ast), value, [], out)
  return out
}
