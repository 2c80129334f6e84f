import type { ServerResponse } from "node:http"
import type { RenderedError } from "./errors.js"

/** CORS headers on every response (spec/01 §1). @category headers */
export const corsHeaders: Readonly<Record<string, string>> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
  "access-control-allow-headers": "*"
}

/** Writes a rendered error, unless the response has already started. @category writing */
export const sendError = (res: ServerResponse, e: RenderedError): void => {
  if (res.headersSent) {
    if (!res.writableEnded) res.end()
    return
  }
  res.writeHead(e.status, { ...e.headers, "content-length": Buffer.byteLength(e.body) })
  res.end(e.body)
}
