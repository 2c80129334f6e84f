import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import type { EditError } from "./config-editor.js"

/** A JSON answer. @category responses */
export const json = (body: unknown, status = 200) => HttpServerResponse.unsafeJson(body, { status })

/** `{"error": ...}` with a status, the management API's error shape (spec/03 A.3). @category responses */
export const refuse = (status: number, error: string) => json({ error }, status)

/** `{"status":"ok"}`, what every successful change answers. @category responses */
export const ok = json({ status: "ok" })

/** A refused or failed edit as its answer. @category responses */
export const fromEdit = (e: EditError) => refuse(e.status, e.error)

/** The body as JSON, or undefined when it is empty or not JSON. @category requests */
export const bodyJson = Effect.flatMap(HttpServerRequest.HttpServerRequest, (req) =>
  req.text.pipe(
    Effect.map((text): unknown => {
      try {
        return text.trim() === "" ? undefined : JSON.parse(text)
      } catch {
        return undefined
      }
    }),
    Effect.orElseSucceed((): unknown => undefined)
  ))

/** The request's query parameters. @category requests */
export const query = Effect.map(HttpServerRequest.HttpServerRequest, (req) => new URL(req.url, "http://x").searchParams)

/** A JSON object's field, when the body is an object. @category requests */
export const field = (body: unknown, name: string): unknown =>
  typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[name] : undefined
