import { request } from "node:http"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import { http, startServer } from "../support/server.js"

/** Opens a POST whose body is held back; returns a function that finishes it and the status promise. */
const openSlowRequest = (url: string) => {
  const u = new URL(url)
  let finish = () => {}
  const status = new Promise<number>((resolve, reject) => {
    const req = request({ host: u.hostname, port: Number(u.port), method: "POST", path: "/v1/chat/completions" }, (r) => {
      r.resume()
      r.on("end", () => resolve(r.statusCode ?? 0))
    })
    req.on("error", reject)
    req.write("{\"model\":")
    finish = () => req.end("\"m\"}")
  })
  return { status, finish: () => finish() }
}

describe("graceful shutdown", () => {
  it.live("stops accepting, lets a request in flight finish, then closes", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const s = yield* startServer("").pipe(Scope.extend(scope))
      const inflight = openSlowRequest(s.url)
      yield* http(`${s.url}/`) // make sure the slow request's connection is established first
      const closing = yield* Effect.fork(Scope.close(scope, Exit.void))
      yield* Effect.sleep("100 millis")
      // new connections are refused while the old request may still finish
      const refused = yield* Effect.either(Effect.tryPromise(() => fetch(`${s.url}/`)))
      expect(refused._tag).toBe("Left")
      inflight.finish()
      expect(yield* Effect.promise(() => inflight.status)).toBe(400)
      yield* closing.await
    }))

  it.live("cuts a request that does not finish within the drain time", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const s = yield* startServer("", { drain: "300 millis" }).pipe(Scope.extend(scope))
      const stalled = openSlowRequest(s.url)
      yield* http(`${s.url}/`)
      const started = Date.now()
      yield* Scope.close(scope, Exit.void)
      expect(Date.now() - started).toBeLessThan(3000)
      const outcome = yield* Effect.either(Effect.tryPromise(() => stalled.status))
      expect(outcome._tag).toBe("Left") // the socket was destroyed
    }))
})
