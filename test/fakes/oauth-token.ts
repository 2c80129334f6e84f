import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import * as Effect from "effect/Effect"

/** One call the fake token endpoint received. */
export interface TokenCall {
  readonly path: string
  readonly contentType: string | undefined
  readonly body: string
}

/** A running fake OAuth token endpoint (every provider's refresh shape in one). */
export interface TokenEndpoint {
  readonly url: string
  readonly calls: () => ReadonlyArray<TokenCall>
  /** Statuses for the next calls (e.g. 500 twice), then successes again. */
  readonly fail: (...statuses: ReadonlyArray<number>) => void
  readonly close: () => Promise<void>
}

/** Options: how long each answer takes, and the token lifetime it grants. */
export interface TokenEndpointOptions {
  readonly delayMs?: number
  readonly expiresIn?: number
  /** Statuses for the first calls, scripted before anything can call. */
  readonly failFirst?: ReadonlyArray<number>
}

/**
 * Starts a fake token endpoint on 127.0.0.1:0. Every success mints `at-<n>` / `rt-<n>`,
 * with the fields the refreshers read (expires_in, account email, id_token, resource_url)
 * and iFlow's user info under `/api/oauth/getUserInfo`.
 */
export const startTokenEndpoint = (options: TokenEndpointOptions = {}): Promise<TokenEndpoint> => {
  const calls: Array<TokenCall> = []
  const failures: Array<number> = [...(options.failFirst ?? [])]
  let minted = 0
  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = req.url ?? "/"
    if (path.startsWith("/api/oauth/getUserInfo")) {
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify({ success: true, data: { apiKey: `sk-iflow-${minted}`, email: "me@example.com" } }))
      return
    }
    calls.push({ path, contentType: req.headers["content-type"], body })
    const status = failures.shift()
    if (status !== undefined) {
      res.writeHead(status, { "content-type": "application/json" })
      res.end(JSON.stringify({ error: "invalid_grant", error_description: `scripted failure ${status}` }))
      return
    }
    minted++
    const idPayload = Buffer.from(JSON.stringify({ email: "me@example.com" })).toString("base64url")
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({
      access_token: `at-${minted}`,
      refresh_token: `rt-${minted}`,
      token_type: "Bearer",
      expires_in: options.expiresIn ?? 30 * 24 * 3600,
      id_token: `h.${idPayload}.s`,
      account: { email_address: "me@example.com" },
      resource_url: "portal.qwen.ai"
    }))
  }
  const server = createServer((req, res) => {
    let body = ""
    req.on("data", (c) => (body += c))
    req.on("end", () => setTimeout(() => handle(req, res, body), options.delayMs ?? 0))
  })
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        calls: () => [...calls],
        fail: (...statuses) => void failures.push(...statuses),
        close: () => new Promise((done) => server.close(() => done()))
      })
    })
  )
}

/** The fake token endpoint for one test's scope. */
export const tokenEndpoint = (options?: TokenEndpointOptions) =>
  Effect.acquireRelease(Effect.promise(() => startTokenEndpoint(options)), (t) => Effect.promise(() => t.close()))
