import { setMaxListeners } from "node:events"
import { Pool } from "undici"

/** One request as a client sends it to one origin. */
export interface Shot {
  readonly origin: string
  readonly method: "GET" | "POST"
  readonly path: string
  readonly headers: Record<string, string>
  readonly body?: string | Buffer
}

/** Checks a whole answer body; returns a problem, or undefined when it is right. */
export type Verify = (body: string) => string | undefined

/** What one load run saw. */
export interface LoadResult {
  /** Wall time of each request, from send to the last body byte, ms. */
  readonly totalMs: Array<number>
  /** Time to the first body byte of each request, ms. */
  readonly firstByteMs: Array<number>
  readonly statuses: Map<number, number>
  /** Problems found by `verify` (first few kept) and how many answers had one. */
  readonly problems: Array<string>
  bad: number
  readonly wallMs: number
}

/**
 * Sends `total` requests with `concurrency` in flight over keep-alive connections. With
 * `verify`, every body is read whole and checked; otherwise it is read and dropped.
 */
export const load = async (shot: Shot, total: number, concurrency: number, verify?: Verify): Promise<LoadResult> => {
  const pool = new Pool(shot.origin, { connections: concurrency, pipelining: 1 })
  const result: LoadResult = { totalMs: [], firstByteMs: [], statuses: new Map(), problems: [], bad: 0, wallMs: 0 }
  let sent = 0
  const started = performance.now()
  const worker = async () => {
    while (sent < total) {
      sent++
      const t0 = performance.now()
      const res = await pool.request({ method: shot.method, path: shot.path, headers: shot.headers, body: shot.body ?? null })
      let first = -1
      let text = ""
      for await (const chunk of res.body) {
        if (first < 0) first = performance.now() - t0
        if (verify) text += (chunk as Buffer).toString("utf8")
      }
      result.totalMs.push(performance.now() - t0)
      result.firstByteMs.push(first < 0 ? performance.now() - t0 : first)
      result.statuses.set(res.statusCode, (result.statuses.get(res.statusCode) ?? 0) + 1)
      const problem = res.statusCode !== 200 ? `status ${res.statusCode}: ${text.slice(0, 200)}` : verify?.(text)
      if (problem !== undefined) {
        result.bad++
        if (result.problems.length < 3) result.problems.push(problem)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  ;(result as { wallMs: number }).wallMs = performance.now() - started
  await pool.close()
  return result
}

/** Streams held open: resolves once every one has sent its first body bytes. */
export interface Held {
  readonly release: () => Promise<void>
}

/** Opens `count` streaming requests at once and keeps reading them (slowly trickling) until released. */
export const hold = async (shot: Shot, count: number): Promise<Held> => {
  const pool = new Pool(shot.origin, { connections: count, pipelining: 1 })
  const abort = new AbortController()
  setMaxListeners(count + 10, abort.signal)
  await Promise.all(
    Array.from({ length: count }, () =>
      pool.request({ method: shot.method, path: shot.path, headers: shot.headers, body: shot.body ?? null, signal: abort.signal }).then(
        (res) =>
          new Promise<void>((resolve, reject) => {
            if (res.statusCode !== 200) reject(new Error(`held stream answered ${res.statusCode}`))
            res.body.once("data", () => resolve())
            res.body.on("data", () => {})
            res.body.on("error", () => {})
          })
      )
    )
  )
  return {
    release: async () => {
      abort.abort()
      await pool.destroy()
    }
  }
}

/** The p-th percentile (0..100) of samples. */
export const percentile = (samples: ReadonlyArray<number>, p: number): number => {
  if (samples.length === 0) return NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}
