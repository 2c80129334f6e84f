import * as AST from "effect/SchemaAST"
import * as Schema from "effect/Schema"
import { ConfigInput } from "../../src/config/fields.js"

/** A key of config.yaml: its path of YAML names, and whether it is a field of a list entry. */
export interface ConfigKey {
  readonly path: ReadonlyArray<string>
  readonly inList: boolean
}

/** Every key config.yaml accepts (`gemini-api-key`, `gemini-api-key.models.alias`, ...), read from the schema. */
export const configKeys = (): ReadonlyArray<ConfigKey> => {
  const out: Array<ConfigKey> = []
  const walk = (ast: AST.AST, at: ReadonlyArray<string>, inList: boolean): void => {
    switch (ast._tag) {
      case "TypeLiteral":
        for (const p of ast.propertySignatures) {
          const path = [...at, String(p.name)]
          out.push({ path, inList })
          walk(p.type, path, inList)
        }
        return
      case "Union":
        for (const t of ast.types) walk(t, at, inList)
        return
      case "TupleType":
        for (const r of ast.rest) walk(r.type, at, true)
        return
      case "Refinement":
      case "Transformation":
        return walk(ast.from, at, inList)
      case "Suspend":
        return walk(ast.f(), at, inList)
      default:
        return
    }
  }
  walk(Schema.encodedSchema(ConfigInput).ast, [], false)
  // the same key can be reached twice through a union
  return [...new Map(out.map((k) => [k.path.join("."), k])).values()]
}
