/**
 * `npm run bench` (issue 4): the proxy under test (dist/, a child process) next to a bare
 * node:http pass-through proxy (bench/bare-proxy.mjs, another child) and the fake upstream
 * hit directly, same requests, same load generator, same run. Reports the proxy's CPU per
 * request or stream (from /proc), added p50 latency over the direct fake, RSS, and checks
 * that every stream arrives whole and in order. Ratios to the bare proxy, so a noisy shared
 * machine still gives a fair figure. BENCH_SCALE=0.5 halves every request count; BENCH_ONLY=<part
 * of a scenario name> runs only those, BENCH_HELD=0 skips the held streams, and
 * BENCH_PROXY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the proxy
 * (BENCH_BARE_NODE_ARGS the bare proxy).
 */
import * as os from "node:os"
import * as path from "node:path"
import * as Claude from "../test/fakes/claude.js"
import type { Running } from "../test/fakes/fake-server.js"
import * as Compat from "../test/fakes/openai-chat.js"
import * as Script from "../test/fakes/script.js"
import { hold, load, type LoadResult, percentile, type Shot } from "./load.js"
import { type Measured, spawnMeasured } from "./proc.js"
import { nodeArgs, startProxy } from "./proxy.js"
import { chunks, type Check, claudeText, openaiText } from "./streams.js"

const scale = Number(process.env.BENCH_SCALE ?? 1)
const count = (n: number) => Math.max(4, Math.round(n * scale))
const rounds = 2 // targets alternate within each round, so drift in machine load hits all alike
const heldStreams = Number(process.env.BENCH_HELD ?? 1000)

type TargetName = "direct" | "bare" | "proxy"
const targets: ReadonlyArray<TargetName> = ["direct", "bare", "proxy"]

interface Scenario {
  readonly name: string
  readonly fake: Running
  readonly reply: Script.ScriptEntry
  readonly shots: Record<TargetName, Shot>
  /** Per target: how its answer is checked (streams: every chunk, in order). */
  readonly check?: Record<TargetName, Check>
  readonly total: number
  readonly concurrency: number
  readonly warmup: number
  /** Issue 4's ceiling on the CPU ratio to the bare proxy. */
  readonly cpuTarget: number
  /** Issue 4's ceiling on added p50, ms. */
  readonly latencyTarget?: number
  /** Streams: latency is to the first body byte; otherwise to the last. */
  readonly stream: boolean
}

const smallMessages = [{ role: "user", content: "Say hello in one short sentence." }]
const oneMegabyte = "lorem ipsum dolor sit amet, ".repeat(Math.ceil(1_000_000 / 28)).slice(0, 1_000_000)

const json = (body: unknown) => JSON.stringify(body)

const main = async () => {
  const loadStart = os.loadavg()
  const compat = await Compat.start({ record: false })
  const claude = await Claude.start({ record: false })
  const proxy = await startProxy({ compat: compat.url, claude: claude.url }, "dist", nodeArgs("BENCH_PROXY_NODE_ARGS"))
  const bare = await spawnMeasured(
    [...nodeArgs("BENCH_BARE_NODE_ARGS"), path.resolve("bench/bare-proxy.mjs"), JSON.stringify({ o: compat.url, c: claude.url })],
    /listening on (http:\/\/[\d.]+:\d+)/
  )
  const proxyUrl = proxy.url
  const bareUrl = bare.match[1]!
  const idle = { proxy: proxy.rss(), bare: bare.rss() }
  const processes: Record<TargetName, Measured | undefined> = { direct: undefined, bare, proxy }

  const openaiHeaders = (key: string) => ({ authorization: `Bearer ${key}`, "content-type": "application/json" })
  const claudeHeaders = (key: string) => ({ "x-api-key": key, "anthropic-version": "2023-06-01", "content-type": "application/json" })
  /** The same OpenAI-dialect request to the compat fake, through the bare proxy, and through the proxy. */
  const openaiShots = (body: string | Buffer): Record<TargetName, Shot> => ({
    direct: { origin: compat.url, method: "POST", path: "/v1/chat/completions", headers: openaiHeaders("up-key"), body },
    bare: { origin: bareUrl, method: "POST", path: "/o/v1/chat/completions", headers: openaiHeaders("up-key"), body },
    proxy: { origin: proxyUrl, method: "POST", path: "/v1/chat/completions", headers: openaiHeaders("bench-key"), body }
  })
  const claudeDirect = (body: string) => ({
    direct: { origin: claude.url, method: "POST", path: "/v1/messages", headers: claudeHeaders("sk-ant-bench"), body },
    bare: { origin: bareUrl, method: "POST", path: "/c/v1/messages", headers: claudeHeaders("sk-ant-bench"), body }
  }) as const
  const streamReply: Script.Reply = { parts: [Script.text(chunks)], chunkDelayMs: 1 }
  const openaiStream = json({ model: "bench-model", stream: true, messages: smallMessages })
  const claudeStream = json({ model: "claude-sonnet-4-5-20250929", max_tokens: 1024, stream: true, messages: smallMessages })
  const nonStream = (concurrency: number, total: number, latencyTarget?: number): Scenario => ({
    name: `non-stream passthrough, c=${concurrency}`,
    fake: compat,
    reply: {},
    shots: openaiShots(json({ model: "bench-model", messages: smallMessages })),
    total: count(total),
    concurrency,
    warmup: count(200),
    cpuTarget: 2.5,
    ...(latencyTarget === undefined ? {} : { latencyTarget }),
    stream: false
  })
  const streamScenario = { total: count(96), concurrency: 32, warmup: count(32), stream: true } as const

  const scenarios: ReadonlyArray<Scenario> = [
    nonStream(1, 1000, 0.6),
    nonStream(16, 2000),
    nonStream(128, 2000),
    {
      name: "stream passthrough, 200 chunks",
      fake: compat,
      reply: streamReply,
      shots: openaiShots(openaiStream),
      check: { direct: openaiText(chunks), bare: openaiText(chunks), proxy: openaiText(chunks) },
      cpuTarget: 3,
      ...streamScenario
    },
    {
      name: "Claude client -> OpenAI-compat upstream",
      fake: compat,
      reply: streamReply,
      shots: {
        ...openaiShots(openaiStream),
        proxy: {
          origin: proxyUrl,
          method: "POST",
          path: "/v1/messages",
          headers: claudeHeaders("bench-key"),
          body: json({ model: "bench-model", max_tokens: 1024, stream: true, messages: smallMessages })
        }
      },
      check: { direct: openaiText(chunks), bare: openaiText(chunks), proxy: claudeText(chunks) },
      cpuTarget: 6,
      ...streamScenario
    },
    {
      name: "OpenAI client -> Claude upstream",
      fake: claude,
      reply: streamReply,
      shots: {
        ...claudeDirect(claudeStream),
        proxy: {
          origin: proxyUrl,
          method: "POST",
          path: "/v1/chat/completions",
          headers: openaiHeaders("bench-key"),
          body: json({ model: "claude-sonnet-4-5-20250929", stream: true, messages: smallMessages })
        }
      },
      check: { direct: claudeText(chunks), bare: claudeText(chunks), proxy: openaiText(chunks) },
      cpuTarget: 6,
      ...streamScenario
    },
    {
      name: "1 MB non-stream request, c=2",
      fake: compat,
      reply: {},
      shots: openaiShots(Buffer.from(json({ model: "bench-model", messages: [{ role: "user", content: oneMegabyte }] }))),
      total: count(50),
      concurrency: 2,
      warmup: count(10),
      cpuTarget: 4,
      stream: false
    }
  ]

  const header = `load average at start: ${loadStart.map((l) => l.toFixed(2)).join(" ")} (${os.cpus().length} CPUs)`
  process.stdout.write(`${header}\nidle RSS: proxy ${(idle.proxy / 1e6).toFixed(1)} MB, bare proxy ${(idle.bare / 1e6).toFixed(1)} MB\n\n`)
  // held slow streams first, while both heaps are still small: RSS growth per open stream
  compat.setFallback({ parts: [Script.text(chunks)], chunkDelayMs: 250 })
  const heldPer: Partial<Record<"bare" | "proxy", number>> = {}
  for (const t of heldStreams > 0 ? (["bare", "proxy"] as const) : []) {
    const measured = processes[t]!
    await load(openaiShots(openaiStream)[t], 32, 32) // warm: connections, JIT
    await new Promise((r) => setTimeout(r, 500))
    const before = measured.rss()
    const held = await hold(openaiShots(openaiStream)[t], heldStreams)
    await new Promise((r) => setTimeout(r, 1500)) // a few chunks each, buffers settled
    heldPer[t] = (measured.rss() - before) / heldStreams
    await held.release()
  }
  process.stdout.write(`  done: ${heldStreams} held streams\n`)

  const only = process.env.BENCH_ONLY // a substring of scenario names, for profiling one
  const rows: Array<Array<string>> = []
  const misses: Array<string> = []
  for (const s of scenarios.filter((x) => only === undefined || x.name.includes(only))) {
    const began = performance.now()
    s.fake.setFallback(s.reply)
    for (const t of targets) await load(s.shots[t], s.warmup, s.concurrency)
    const cpu: Record<TargetName, number> = { direct: 0, bare: 0, proxy: 0 }
    const seen: Record<TargetName, Array<LoadResult>> = { direct: [], bare: [], proxy: [] }
    for (let round = 0; round < rounds; round++) {
      for (const t of targets) {
        const measured = processes[t]
        const cpu0 = measured?.cpuMs() ?? 0
        seen[t].push(await load(s.shots[t], Math.ceil(s.total / rounds), s.concurrency, s.check?.[t]))
        cpu[t] += (measured?.cpuMs() ?? 0) - cpu0
      }
    }
    const n = Math.ceil(s.total / rounds) * rounds
    const perReq = (t: TargetName) => (cpu[t] * 1000) / n
    const p50 = (t: TargetName) => percentile(seen[t].flatMap((r) => (s.stream ? r.firstByteMs : r.totalMs)), 50)
    const ratio = perReq("proxy") / perReq("bare")
    const added = { bare: p50("bare") - p50("direct"), proxy: p50("proxy") - p50("direct") }
    const bad = targets.flatMap((t) => seen[t].flatMap((r) => (r.bad > 0 ? [`${t}: ${r.bad} bad, e.g. ${r.problems[0]}`] : [])))
    if (ratio > s.cpuTarget) misses.push(`${s.name}: CPU ratio ${ratio.toFixed(2)}x > ${s.cpuTarget}x`)
    if (s.latencyTarget !== undefined && added.proxy > s.latencyTarget) {
      misses.push(`${s.name}: added p50 ${added.proxy.toFixed(3)} ms > ${s.latencyTarget} ms`)
    }
    misses.push(...bad.map((b) => `${s.name}: ${b}`))
    rows.push([
      s.name,
      perReq("bare").toFixed(0),
      perReq("proxy").toFixed(0),
      `${ratio.toFixed(2)}x`,
      `${s.cpuTarget}x`,
      p50("direct").toFixed(3),
      `${added.bare >= 0 ? "+" : ""}${added.bare.toFixed(3)}`,
      `${added.proxy >= 0 ? "+" : ""}${added.proxy.toFixed(3)}${s.latencyTarget === undefined ? "" : ` (<${s.latencyTarget})`}`,
      bad.length > 0 ? "BROKEN" : s.check === undefined ? "200s" : `${n * 3} ok`
    ])
    process.stdout.write(`  done: ${s.name} (${((performance.now() - began) / 1000).toFixed(1)} s)\n`)
  }

  const loadEnd = os.loadavg()

  const head = ["scenario", "bare µs", "proxy µs", "ratio", "target", "p50 direct ms", "bare +ms", "proxy +ms", "chunks"]
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: ReadonlyArray<string>) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")
  process.stdout.write(`\nproxy CPU per request (streams: per stream), ratio to the bare proxy; p50 to the last byte (streams: first byte)\n`)
  process.stdout.write(`${line(head)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n${rows.map(line).join("\n")}\n`)
  const kb = (b: number | undefined) => ((b ?? 0) / 1024).toFixed(1)
  const heldRatio = (heldPer.proxy ?? 0) / (heldPer.bare ?? 1)
  if ((heldPer.proxy ?? 0) > 80 * 1024) misses.push(`held streams: ${kb(heldPer.proxy)} KB per stream > 80 KB`)
  process.stdout.write(
    `\n${heldStreams} held slow streams: RSS per stream: bare ${kb(heldPer.bare)} KB, proxy ${kb(heldPer.proxy)} KB (${heldRatio.toFixed(2)}x; target <= 80 KB)\n` +
      `RSS after the run: proxy ${(proxy.rss() / 1e6).toFixed(1)} MB, bare proxy ${(bare.rss() / 1e6).toFixed(1)} MB\n` +
      `load average at end: ${loadEnd.map((l) => l.toFixed(2)).join(" ")}\n` +
      (misses.length === 0 ? "all issue 4 targets met\n" : `targets missed:\n${misses.map((m) => `  - ${m}`).join("\n")}\n`)
  )
  await Promise.all([proxy.stop(), bare.stop(), compat.close(), claude.close()])
}

main().catch((e: unknown) => {
  process.exitCode = 1
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`)
})
