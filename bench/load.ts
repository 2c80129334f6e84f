import { Pool } from "undici"

/** One request of a scenario. */
export interface Shot {
  readonly method: "GET" | "POST"
  readonly path: string
  readonly headers?: Record<string, string>
  readonly body?: string
}

/** Sends `total` requests with `concurrency` in flight over keep-alive connections; returns wall ms and statuses seen. */
export const load = async (origin: string, shot: Shot, total: number, concurrency: number) => {
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1 })
  const statuses = new Map<number, number>()
  let sent = 0
  const started = performance.now()
  const worker = async () => {
    while (sent < total) {
      sent++
      const res = await pool.request({ method: shot.method, path: shot.path, headers: shot.headers ?? {}, body: shot.body ?? null })
      await res.body.dump()
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const ms = performance.now() - started
  await pool.close()
  return { ms, statuses }
}
