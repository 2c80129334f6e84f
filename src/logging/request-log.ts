/**
 * The request log (`request-log: true`, spec/01 §11.3): one text file per `/v1...` call in
 * `logs/` beside config.yaml, with the client's request, every upstream attempt (request and
 * answer) and the answer the client got; secrets masked. A call's record is kept in memory
 * while it runs (each body capped) and written once it ends, off the response path; the
 * oldest files go when the folder outgrows `request-log-max-size`.
 */
import * as fs from "node:fs"
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http"
import * as path from "node:path"
import { maskQuery, maskSecret } from "./redact.js"

/** The most of one body a record keeps; the rest is noted as cut. @category constants */
export const BODY_CAP = 4 * 1024 * 1024

type Headers = IncomingHttpHeaders | OutgoingHttpHeaders | Readonly<Record<string, string | ReadonlyArray<string> | number | undefined>>

const SECRET_HEADER = /api-key|apikey|api_key|token|secret|password|cookie/i

/** Header lines sorted by name, secrets masked (`Authorization` keeps its scheme). @category masking */
export const maskedHeaders = (headers: Headers): string =>
  Object.entries(headers)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, v]) => {
      const value = Array.isArray(v) ? v.join(", ") : String(v)
      if (name.toLowerCase() === "authorization" || name.toLowerCase() === "proxy-authorization") {
        const m = /^(\S+)\s+(.*)$/.exec(value)
        return `${name}: ${m ? `${m[1]} ${maskSecret(m[2]!)}` : maskSecret(value)}`
      }
      return `${name}: ${SECRET_HEADER.test(name) ? maskSecret(value) : value}`
    })
    .join("\n")

/** A body kept up to BODY_CAP bytes. */
class Capture {
  private readonly chunks: Array<Buffer> = []
  private size = 0
  private cut = 0
  add(chunk: Buffer | string): void {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk
    const room = BODY_CAP - this.size
    if (room <= 0) {
      this.cut += buf.length
      return
    }
    const kept = buf.length <= room ? buf : buf.subarray(0, room)
    this.chunks.push(kept)
    this.size += kept.length
    this.cut += buf.length - kept.length
  }
  text(): string {
    const body = Buffer.concat(this.chunks).toString("utf8")
    return this.cut > 0 ? `${body}\n[... ${this.cut} more bytes not logged]` : body
  }
}

/** File-name-safe form of a path (spec/01 §11.3). @category naming */
export const fileNameFor = (urlPath: string, at: Date): string => {
  const base = urlPath.replace(/^\//, "").replace(/[/:<>"|?*\s\\]/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "") || "root"
  const stamp = at.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "").replace(/^(\d{4})(\d{2})(\d{2})/, "$1-$2-$3")
  return `${base}-${stamp}-${process.hrtime.bigint() % 1_000_000_000n}.log`
}

/** One call's record, filled in as it runs. @category models */
export interface RequestRecord {
  /** The start of upstream attempt `n` (1-based): where it went, how it was authorised, what it sent. */
  readonly upstreamRequest: (url: string, headers: Headers, body: string | Buffer | undefined, auth: string) => number
  /** Attempt `n`'s answer: status and headers now, body through `upstreamBody`. */
  readonly upstreamResponse: (n: number, status: number, headers: Headers) => void
  readonly upstreamBody: (n: number, chunk: Buffer | string) => void
  /** The answer to the client: status, headers and body as written. */
  readonly response: (status: number, headers: Headers) => void
  readonly responseBody: (chunk: Buffer | string) => void
  /** Writes the file (once; later calls do nothing). */
  readonly finish: () => void
}

/** Where request logs go and how much they may take. @category models */
export interface RequestLogTarget {
  readonly dir: string
  readonly maxBytes: number
}

// one prune at a time per folder; a write during one asks for another pass after it
const pruning = new Map<string, { again: boolean }>()

/** Removes the oldest request logs (not main.log and its rotations) while the folder is over budget. */
const prune = (target: RequestLogTarget): void => {
  const running = pruning.get(target.dir)
  if (running !== undefined) {
    running.again = true
    return
  }
  const state = { again: false }
  pruning.set(target.dir, state)
  const pass = async () => {
    const names = (await fs.promises.readdir(target.dir)).filter((n) => n.endsWith(".log") && !/^main(-.*)?\.log$/.test(n))
    const files = await Promise.all(names.map(async (n) => {
      const st = await fs.promises.stat(path.join(target.dir, n)).catch(() => undefined)
      return { n, size: st?.size ?? 0, at: st?.mtimeMs ?? 0 }
    }))
    let total = files.reduce((a, f) => a + f.size, 0)
    for (const f of files.sort((a, b) => a.at - b.at || (a.n < b.n ? -1 : 1))) {
      if (total <= target.maxBytes) break
      await fs.promises.rm(path.join(target.dir, f.n), { force: true })
      total -= f.size
    }
  }
  void pass().catch(() => {}).finally(() => {
    pruning.delete(target.dir)
    if (state.again) prune(target)
  })
}

/**
 * Starts a record for a call: its URL (query secrets masked), method, headers and body.
 * @category constructors
 */
export const startRecord = (
  target: RequestLogTarget,
  request: { readonly method: string; readonly url: string; readonly headers: Headers; readonly body: Buffer }
): RequestRecord => {
  const started = new Date()
  const attempts: Array<{ head: string; response?: string; body: Capture }> = []
  let answer: string | undefined
  const answerBody = new Capture()
  let done = false
  const requestBody = new Capture()
  requestBody.add(request.body)
  return {
    upstreamRequest: (url, headers, body, auth) => {
      const sent = new Capture()
      if (body !== undefined) sent.add(body)
      attempts.push({
        head: `Timestamp: ${new Date().toISOString()}\nUpstream URL: ${maskQuery(url)}\nHTTP Method: ${body === undefined ? "GET" : "POST"}\nAuth: ${auth}\nHeaders:\n${maskedHeaders(headers)}\nBody:\n${sent.text()}`,
        body: new Capture()
      })
      return attempts.length
    },
    upstreamResponse: (n, status, headers) => {
      const a = attempts[n - 1]
      if (a) a.response = `Timestamp: ${new Date().toISOString()}\nStatus: ${status}\nHeaders:\n${maskedHeaders(headers)}`
    },
    upstreamBody: (n, chunk) => attempts[n - 1]?.body.add(chunk),
    response: (status, headers) => {
      answer = `Status: ${status}\n${maskedHeaders(headers)}`
    },
    responseBody: (chunk) => answerBody.add(chunk),
    finish: () => {
      if (done) return
      done = true
      const sections = [
        `=== REQUEST INFO ===\nURL: ${maskQuery(request.url)}\nMethod: ${request.method}\nTimestamp: ${started.toISOString()}`,
        `=== HEADERS ===\n${maskedHeaders(request.headers)}`,
        `=== REQUEST BODY ===\n${requestBody.text()}`,
        ...attempts.flatMap((a, i) => [
          `=== API REQUEST ${i + 1} ===\n${a.head}`,
          `=== API RESPONSE ${i + 1} ===\n${a.response ?? "(no answer)"}\nBody:\n${a.body.text()}`
        ]),
        `=== RESPONSE ===\n${answer ?? "(no answer: the client left first)"}\n\n${answerBody.text()}`
      ]
      const file = path.join(target.dir, fileNameFor(request.url.split("?")[0] ?? "", started))
      // written after the call, never on its path; a failure costs the record, not the call
      fs.promises.mkdir(target.dir, { recursive: true })
        .then(() => fs.promises.writeFile(file, `${sections.join("\n\n")}\n`, { mode: 0o600 }))
        .then(() => prune(target))
        .catch(() => {})
    }
  }
}
