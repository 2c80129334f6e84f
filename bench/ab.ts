/**
 * A/B of two builds of the proxy, for measuring an optimisation (not part of `npm run bench`):
 * both run side by side against the same fakes, the same load alternates between them, and
 * the ratio of their CPU per request is printed. Copy the old build first:
 *   cp -r dist dist-a && <change> && npm run build && npx vite-node bench/ab.ts
 * AB_A / AB_B: build folders (dist-a, dist); AB_MODE: nonstream | stream | big |
 * claude-on-compat | openai-on-claude; AB_C concurrency; AB_N requests per round; AB_ROUNDS.
 */
import * as os from "node:os"
import * as Claude from "../test/fakes/claude.js"
import * as Compat from "../test/fakes/openai-chat.js"
import * as Script from "../test/fakes/script.js"
import { load, percentile, type Shot } from "./load.js"
import { startProxy } from "./proxy.js"
import { chunks } from "./streams.js"

const mode = process.env.AB_MODE ?? "nonstream"
const concurrency = Number(process.env.AB_C ?? 16)
const rounds = Number(process.env.AB_ROUNDS ?? 6)
const streaming = mode !== "nonstream" && mode !== "big"
const n = Number(process.env.AB_N ?? (streaming ? 64 : mode === "big" ? 20 : 1000))
const messages = [{ role: "user", content: mode === "big" ? "lorem ipsum dolor sit amet, ".repeat(36000) : "hi" }]
const openai = { authorization: "Bearer bench-key", "content-type": "application/json" }

const shot = (origin: string): Shot =>
  mode === "claude-on-compat"
    ? {
      origin,
      method: "POST",
      path: "/v1/messages",
      headers: { "x-api-key": "bench-key", "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({ model: "bench-model", max_tokens: 100, stream: true, messages })
    }
    : mode === "openai-on-claude"
    ? { origin, method: "POST", path: "/v1/chat/completions", headers: openai, body: JSON.stringify({ model: "claude-sonnet-4-5-20250929", stream: true, messages }) }
    : { origin, method: "POST", path: "/v1/chat/completions", headers: openai, body: JSON.stringify({ model: "bench-model", stream: mode === "stream", messages }) }

const main = async () => {
  const compat = await Compat.start({ record: false })
  const claude = await Claude.start({ record: false })
  const reply: Script.Reply = streaming ? { parts: [Script.text(chunks)], chunkDelayMs: 1 } : {}
  compat.setFallback(reply)
  claude.setFallback(reply)
  const builds = [process.env.AB_A ?? "dist-a", process.env.AB_B ?? "dist"] as const
  const procs = [await startProxy({ compat: compat.url, claude: claude.url }, builds[0]), await startProxy({ compat: compat.url, claude: claude.url }, builds[1])]
  for (const p of procs) await load(shot(p.url), Math.ceil(n / 2), concurrency)
  const cpu = [0, 0]
  const latency: [Array<number>, Array<number>] = [[], []]
  for (let r = 0; r < rounds; r++) {
    for (const i of [0, 1] as const) {
      const cpu0 = procs[i]!.cpuMs()
      const result = await load(shot(procs[i]!.url), n, concurrency)
      cpu[i]! += procs[i]!.cpuMs() - cpu0
      latency[i].push(...result.totalMs)
      if (result.bad > 0) process.stdout.write(`${builds[i]}: ${result.bad} bad answers, e.g. ${result.problems[0]}\n`)
    }
  }
  const per = cpu.map((c) => (c * 1000) / (n * rounds))
  process.stdout.write(
    `${mode} c=${concurrency}: A ${builds[0]} ${per[0]!.toFixed(0)} µs, B ${builds[1]} ${per[1]!.toFixed(0)} µs, B/A ${(per[1]! / per[0]!).toFixed(3)}; ` +
      `p50 A ${percentile(latency[0], 50).toFixed(3)} ms, B ${percentile(latency[1], 50).toFixed(3)} ms; load ${os.loadavg()[0]!.toFixed(1)}\n`
  )
  await Promise.all([...procs.map((p) => p.stop()), compat.close(), claude.close()])
}

main().catch((e: unknown) => {
  process.exitCode = 1
  process.stderr.write(`ab failed: ${e instanceof Error ? e.stack : String(e)}\n`)
})
