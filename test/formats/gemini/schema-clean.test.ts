import { describe, expect, it } from "@effect/vitest"
import { cleanSchema, lowercaseTypes } from "../../../src/formats/gemini/schema-clean.js"

describe("gemini schema cleaning", () => {
  it("G8: the golden schema", () => {
    expect(cleanSchema({
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      additionalProperties: false,
      properties: {
        unit: { type: "string", enum: ["c", "f"], default: "c" },
        mode: { const: "fast" },
        limit: { type: ["integer", "null"], minimum: 1 },
        target: { anyOf: [{ type: "string" }, { type: "object", properties: { id: { type: "string" } } }] }
      },
      required: ["unit", "limit", "missing"]
    })).toEqual({
      type: "object",
      description: "No extra properties allowed",
      properties: {
        unit: { type: "string", enum: ["c", "f"], description: "Allowed: c, f (default: c)" },
        mode: { type: "string", enum: ["fast"] },
        limit: { type: "integer", minimum: 1, description: "(nullable)" },
        target: { type: "object", properties: { id: { type: "string" } }, description: "Accepts: string | object" }
      },
      required: ["unit"]
    })
  })

  it("a property named `properties` is data, not a keyword (rule 34)", () => {
    expect(cleanSchema({
      type: "object",
      properties: { properties: { type: "object", properties: { title: { type: "string", title: "T" } } }, format: { type: "string" } },
      required: ["properties", "format"]
    })).toEqual({
      type: "object",
      properties: { properties: { type: "object", properties: { title: { type: "string" } } }, format: { type: "string" } },
      required: ["properties", "format"]
    })
  })

  it("$ref, allOf, x- keys and nested items", () => {
    expect(cleanSchema({
      type: "object",
      $defs: { A: { type: "string" } },
      allOf: [{ properties: { a: { $ref: "#/$defs/A" } }, required: ["a"] }],
      properties: { list: { type: "array", items: { type: "string", "x-foo": 1, format: "uri" } } }
    })).toEqual({
      type: "object",
      properties: { list: { type: "array", items: { type: "string", description: "format: uri" } }, a: { type: "object", description: "See: A" } },
      required: ["a"]
    })
  })

  it("lowercases uppercase OpenAPI types without touching property names", () => {
    expect(lowercaseTypes({ type: "OBJECT", properties: { type: { type: "STRING" } } })).toEqual({
      type: "object",
      properties: { type: { type: "string" } }
    })
  })
})
