/**
 * `npm run bench`: the proxy (dist/, a child process) against a bare node:http baseline
 * (another child), same requests, same load generator. Reports server CPU per request
 * and RSS as ratios to the baseline, so a noisy shared machine still gives a fair figure.
 */
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { load, type Shot } from "./load.js"
import { spawnMeasured } from "./proc.js"

const total = Number(process.env.BENCH_REQUESTS ?? 20000)
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32)

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpa-bench-"))
const config = path.join(dir, "config.yaml")

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })

const scenarios: ReadonlyArray<readonly [string, Shot]> = [
  ["GET /v1/models (platform route, keyed)", { method: "GET", path: "/v1/models", headers: { authorization: "Bearer bench-key" } }],
  ["POST /v1/chat/completions, unknown model (hot path, keyed)", {
    method: "POST",
    path: "/v1/chat/completions",
    headers: { authorization: "Bearer bench-key", "content-type": "application/json" },
    body: JSON.stringify({ model: "no-such-model", messages: [{ role: "user", content: "hello ".repeat(200) }] })
  }]
]

const measure = async (origin: string, cpuMs: () => number, shot: Shot) => {
  await load(origin, shot, 2000, concurrency) // warm up the JIT
  const cpu0 = cpuMs()
  const { ms, statuses } = await load(origin, shot, total, concurrency)
  return { cpuPerReqUs: ((cpuMs() - cpu0) * 1000) / total, rps: total / (ms / 1000), statuses: [...statuses.entries()] }
}

const main = async () => {
  const port = await freePort()
  fs.writeFileSync(config, `port: ${port}\nhost: 127.0.0.1\nauth-dir: ${JSON.stringify(path.join(dir, "auths"))}\nlogging-to-file: true\napi-keys: [bench-key]\n`)
  const proxy = await spawnMeasured([path.resolve("dist/main.js"), "serve", "--config", config], /listening on (http:\/\/[\d.]+:\d+)/, { HOME: dir })
  const base = await spawnMeasured([path.resolve("bench/baseline-server.mjs")], /listening on (http:\/\/[\d.]+:\d+)/)
  const idle = { proxy: proxy.rss(), base: base.rss() }
  console.log(`requests per scenario: ${total}, concurrency: ${concurrency}`)
  console.log(`idle RSS: proxy ${(idle.proxy / 1e6).toFixed(1)} MB, bare node ${(idle.base / 1e6).toFixed(1)} MB`)
  for (const [name, shot] of scenarios) {
    const b = await measure(base.match[1]!, base.cpuMs, shot)
    const p = await measure(proxy.match[1]!, proxy.cpuMs, shot)
    console.log(`\n${name}`)
    console.log(`  bare node: ${b.cpuPerReqUs.toFixed(1)} µs CPU/req, ${b.rps.toFixed(0)} req/s`)
    console.log(`  proxy:     ${p.cpuPerReqUs.toFixed(1)} µs CPU/req, ${p.rps.toFixed(0)} req/s, statuses ${JSON.stringify(p.statuses)}`)
    console.log(`  ratio:     ${(p.cpuPerReqUs / b.cpuPerReqUs).toFixed(2)}x CPU per request`)
  }
  console.log(`\nRSS after load: proxy ${(proxy.rss() / 1e6).toFixed(1)} MB, bare node ${(base.rss() / 1e6).toFixed(1)} MB`)
  await Promise.all([proxy.stop(), base.stop()])
  fs.rmSync(dir, { recursive: true, force: true })
}

main().catch((e: unknown) => {
  process.exitCode = 1
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`)
})
