/**
 * A fake AI Studio Build tab (spec/03 part C): a `ws` client that connects to the proxy's
 * `GET /v1/ws`, answers each `http_request` frame from a FIFO script the way the browser
 * app would (rendering realistic Gemini bodies with the Gemini fake's renderers), and
 * records every frame it receives. Answers can be whole (`http_response`) or streamed
 * (`stream_start` / `stream_chunk` / `stream_end`), errors, raw frames, stalls and
 * disconnects; the tab can also stop answering keep-alive pings.
 */
import { Data, Effect } from "effect"
import WebSocket from "ws"
import * as Gemini from "./gemini.js"
import type * as Script from "./script.js"

/** A frame as the tab sends it: the id is filled in from the request answered. @category models */
export interface OutFrame {
  readonly type: string
  readonly payload?: unknown
}

/** How the tab answers one `http_request`. @category models */
export interface Answer {
  /** The reply the Gemini fake would render (text, tool calls, usage, an error status). */
  readonly reply?: Script.Reply
  /** A 2xx answer as one `http_response`, or as `stream_start` + chunks + `stream_end`; default: what the URL's action asks. */
  readonly as?: "whole" | "stream"
  /** Exact frames instead of a rendered answer. */
  readonly frames?: ReadonlyArray<OutFrame>
  /** Send only this many frames, then nothing more (a stall). */
  readonly stallAfter?: number
  /** Send this many frames, then close the websocket. */
  readonly disconnectAfter?: number
}

/** A received `http_request`, with its body parsed. @category models */
export interface TabRequest {
  readonly id: string
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, ReadonlyArray<string>>>
  readonly body: string
  readonly json: unknown
  readonly sentAt: string
}

/** The upgrade was refused: the status and body the proxy answered. @category errors */
export class Refused extends Data.TaggedError("Refused")<{ readonly status: number; readonly body: string }> {}

/** Connection options. @category models */
export interface Options {
  /** The path to upgrade on (default `/v1/ws`). */
  readonly path?: string
  /** Query string after `/v1/ws?` (`auth_token=...`). */
  readonly query?: string
  readonly headers?: Readonly<Record<string, string>>
  /** Answer the server's keep-alive pings (default true, as browsers do). */
  readonly autoPong?: boolean
}

/** A connected tab. @category models */
export interface Tab {
  /** Every frame received, parsed, in order. */
  readonly frames: ReadonlyArray<Record<string, unknown>>
  /** Waits for the `n`th (0-based) `http_request`. */
  readonly request: (n: number) => Effect.Effect<TabRequest>
  /** Waits for the first received frame (after `from`) that matches. */
  readonly frame: (match: (f: Record<string, unknown>) => boolean, from?: number) => Effect.Effect<Record<string, unknown>>
  readonly enqueue: (...answers: ReadonlyArray<Answer>) => void
  /** Sends a raw text frame (or a JSON value). */
  readonly send: (frame: unknown) => void
  /** WebSocket ping control frames received from the server. */
  readonly pings: () => number
  /** Disconnects. */
  readonly close: () => void
  /** Waits until the connection is closed (by either side): close code and reason. */
  readonly closed: Effect.Effect<{ readonly code: number; readonly reason: string }>
}

const toRecorded = (req: TabRequest, index: number): Script.RecordedRequest => {
  const url = new URL(req.url)
  return {
    index,
    method: req.method,
    path: url.pathname,
    url: url.pathname + url.search,
    query: Object.fromEntries(url.searchParams),
    headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v.join(", ")])),
    body: req.body,
    json: req.json,
    receivedAt: Date.now()
  }
}

/** The frames a browser would send for a request: the Gemini fake's rendering of the reply. @category rendering */
export const render = (req: TabRequest, index: number, answer: Answer): ReadonlyArray<OutFrame> => {
  if (answer.frames !== undefined) return answer.frames
  const reply = answer.reply ?? {}
  const recorded = toRecorded(req, index)
  const match = /\/models\/([^/:]+):(\w+)/.exec(recorded.path)
  const model = decodeURIComponent(match?.[1] ?? "gemini-2.5-pro")
  const action = match?.[2] ?? "generateContent"
  const status = reply.status ?? 200
  if (status >= 400) {
    return [{ type: "http_response", payload: { status, headers: { "Content-Type": "application/json; charset=UTF-8" }, body: reply.body ?? Gemini.errorBody(status, reply.errorMessage) } }]
  }
  if (action === "countTokens") {
    return [{ type: "http_response", payload: { status, body: JSON.stringify(Gemini.countTokens(recorded, reply)) } }]
  }
  const streaming = action === "streamGenerateContent"
  const rendered = Gemini.renderGenerate(Gemini.generate(recorded, reply, model), streaming, recorded.query["alt"])
  const headers = rendered.headers
  if ((answer.as ?? (streaming ? "stream" : "whole")) === "whole") {
    return [{ type: "http_response", payload: { status, headers, body: rendered.frames.join("") } }]
  }
  return [
    { type: "stream_start", payload: { status, headers } },
    ...rendered.frames.map((data) => ({ type: "stream_chunk", payload: { data } })),
    { type: "stream_end" }
  ]
}

const waitFor = <A>(find: () => A | undefined, subscribe: (wake: () => void) => () => void): Effect.Effect<A> =>
  Effect.async<A>((resume) => {
    const now = find()
    if (now !== undefined) return resume(Effect.succeed(now))
    const stop = subscribe(() => {
      const v = find()
      if (v === undefined) return
      stop()
      resume(Effect.succeed(v))
    })
    return Effect.sync(stop)
  })

/**
 * Connects a tab to the proxy at `baseUrl` (`http://127.0.0.1:<port>`); disconnected when
 * the scope closes. Fails with Refused when the upgrade is answered with an HTTP status.
 * @category constructors
 */
export const connect = (baseUrl: string, options: Options = {}) =>
  Effect.acquireRelease(
    Effect.async<Tab, Refused>((resume) => {
      const wsUrl = `${baseUrl.replace(/^http/, "ws")}${options.path ?? "/v1/ws"}${options.query ? `?${options.query}` : ""}`
      const ws = new WebSocket(wsUrl, { headers: { ...options.headers }, autoPong: options.autoPong ?? true })
      const frames: Array<Record<string, unknown>> = []
      const requests: Array<TabRequest> = []
      const script: Array<Answer> = []
      const listeners = new Set<() => void>()
      let pings = 0
      let closedWith: { code: number; reason: string } | undefined
      const wake = () => {
        for (const l of [...listeners]) l()
      }
      const subscribe = (l: () => void) => {
        listeners.add(l)
        return () => void listeners.delete(l)
      }
      const send = (frame: unknown) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(typeof frame === "string" ? frame : JSON.stringify(frame))
      }
      const answer = (req: TabRequest, index: number) => {
        const plan = script.shift() ?? {}
        const out = render(req, index, plan)
        const limit = plan.disconnectAfter ?? plan.stallAfter ?? out.length
        for (const f of out.slice(0, limit)) send({ id: req.id, ...f })
        if (plan.disconnectAfter !== undefined) ws.close()
      }
      ws.on("ping", () => void pings++)
      ws.on("message", (data: Buffer) => {
        const frame = JSON.parse(data.toString("utf8")) as Record<string, unknown>
        frames.push(frame)
        if (frame.type === "http_request") {
          const p = frame.payload as { method: string; url: string; headers: Record<string, Array<string>>; body: string; sent_at: string }
          let json: unknown
          try {
            json = JSON.parse(p.body)
          } catch {
            json = undefined
          }
          const req: TabRequest = { id: String(frame.id), method: p.method, url: p.url, headers: p.headers, body: p.body, json, sentAt: p.sent_at }
          requests.push(req)
          answer(req, requests.length - 1)
        }
        wake()
      })
      ws.on("close", (code, reason) => {
        closedWith = { code, reason: reason.toString("utf8") }
        wake()
      })
      ws.on("unexpected-response", (_req, res) => {
        let body = ""
        res.on("data", (c: Buffer) => (body += c.toString("utf8")))
        res.on("end", () => resume(Effect.fail(new Refused({ status: res.statusCode ?? 0, body }))))
      })
      ws.on("error", () => {}) // refusals arrive as unexpected-response; drops as close
      ws.on("open", () =>
        resume(Effect.succeed({
          frames,
          request: (n) => waitFor(() => requests[n], subscribe),
          frame: (match, from = 0) => waitFor(() => frames.slice(from).find(match), subscribe),
          enqueue: (...answers) => void script.push(...answers),
          send,
          pings: () => pings,
          close: () => ws.close(),
          closed: waitFor(() => closedWith, subscribe)
        })))
    }),
    (tab) => Effect.sync(() => tab.close())
  )
