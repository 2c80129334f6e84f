import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { make } from "../../src/credentials/model-registry.js"

describe("ModelRegistry", () => {
  it.effect("orders providers by credential count, then name", () =>
    Effect.gen(function*() {
      const r = yield* make
      yield* r.register("a1", "zeta", [{ id: "m", ownedBy: "z" }])
      yield* r.register("b1", "alpha", [{ id: "m", ownedBy: "a" }])
      yield* r.register("z2", "zeta", [{ id: "m", ownedBy: "z" }, { id: "n", ownedBy: "z" }])
      expect(yield* r.providersFor("m")).toEqual(["zeta", "alpha"])
      yield* r.unregister("z2")
      expect(yield* r.providersFor("m")).toEqual(["alpha", "zeta"])
      expect(yield* r.providersFor("n")).toEqual([])
      expect((yield* r.list).map((m) => m.id)).toEqual(["m"])
    }))
  it.effect("re-registration replaces a credential's model set", () =>
    Effect.gen(function*() {
      const r = yield* make
      yield* r.register("c", "p", [{ id: "x", ownedBy: "p" }])
      yield* r.register("c", "p", [{ id: "y", ownedBy: "p" }])
      expect((yield* r.list).map((m) => m.id)).toEqual(["y"])
      expect(yield* r.get("x")).toBeUndefined()
    }))
})
