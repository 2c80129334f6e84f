import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"
import { parse } from "yaml"

// No Docker engine runs here: the Dockerfile is read as data and each stage is replayed on
// the files it copies (`npm test` builds dist/ first).
const run = promisify(execFile)

interface Instruction {
  readonly op: string
  readonly args: string
}
interface Stage {
  readonly image: string
  readonly name: string | undefined
  readonly steps: ReadonlyArray<Instruction>
}

/** The Dockerfile's instructions by stage (continuation lines joined, comments dropped). */
const stages = (text: string): ReadonlyArray<Stage> => {
  const lines = text.replace(/\\\n/g, " ").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"))
  const out: Array<{ image: string; name: string | undefined; steps: Array<Instruction> }> = []
  for (const line of lines) {
    const [, op = "", args = ""] = /^(\w+)\s+(.*)$/.exec(line) ?? []
    if (op.toUpperCase() === "FROM") {
      const [, image = "", name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? []
      out.push({ image, name, steps: [] })
    } else out.at(-1)?.steps.push({ op: op.toUpperCase(), args })
  }
  return out
}

/** A COPY: the stage it copies from (none: the build context), its sources, and its destination made absolute. */
const copies = (stage: Stage) => {
  let cwd = "/"
  return stage.steps.flatMap((s) => {
    if (s.op === "WORKDIR") cwd = path.posix.resolve(cwd, s.args)
    if (s.op !== "COPY") return []
    const words = s.args.split(/\s+/)
    const from = words.find((w) => w.startsWith("--from="))?.slice("--from=".length)
    const paths = words.filter((w) => !w.startsWith("--"))
    const dest = paths.at(-1)!
    return [{ from, sources: paths.slice(0, -1), dest: path.posix.resolve(cwd, dest) + (dest.endsWith("/") ? "/" : "") }]
  })
}

/** Where a stage's RUN steps run: its WORKDIR at the first RUN. */
const runDir = (stage: Stage) => {
  let cwd = "/"
  for (const s of stage.steps) {
    if (s.op === "WORKDIR") cwd = path.posix.resolve(cwd, s.args)
    if (s.op === "RUN") return cwd
  }
  return cwd
}

const dockerfile = stages(fs.readFileSync("Dockerfile", "utf8"))
const ignored = fs.readFileSync(".dockerignore", "utf8").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"))
const runtime = dockerfile.at(-1)!
const byName = new Map(dockerfile.flatMap((s) => (s.name === undefined ? [] : [[s.name, s] as const])))

const work = fs.mkdtempSync(path.join(os.tmpdir(), "cpa-docker-"))
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

/** Lays out a stage's COPYs under `root` (as its filesystem), from the build context and earlier replayed stages. */
const replay = (stage: Stage, root: string, built: ReadonlyMap<string, string>) => {
  for (const c of copies(stage)) {
    for (const source of c.sources) {
      const from = c.from === undefined ? path.resolve(source) : path.join(built.get(c.from)!, source)
      const to = path.join(root, c.dest.endsWith("/") || c.sources.length > 1 ? path.join(c.dest, path.basename(source)) : c.dest)
      fs.mkdirSync(path.dirname(to), { recursive: true })
      fs.cpSync(from, to, { recursive: true })
    }
  }
  // `npm ci` of the same lockfile gives the repo's own node_modules (a link to it here)
  if (stage.steps.some((s) => s.op === "RUN" && s.args.includes("npm ci"))) {
    fs.symlinkSync(fs.realpathSync("node_modules"), path.join(root, runDir(stage), "node_modules"))
  }
}

describe("Dockerfile", () => {
  it("is multi-stage on Node 20 slim, runs as a non-root user, exposes the API and the login callback ports", () => {
    expect(dockerfile.length).toBeGreaterThanOrEqual(2)
    for (const s of dockerfile) expect(s.image).toBe("node:20-slim")
    const user = runtime.steps.filter((s) => s.op === "USER").at(-1)?.args
    expect(user).toBeDefined()
    expect(["root", "0"]).not.toContain(user)
    const ports = runtime.steps.filter((s) => s.op === "EXPOSE").flatMap((s) => s.args.split(/\s+/))
    expect(ports).toEqual(expect.arrayContaining(["8317", "8085", "1455", "54545", "11451"]))
    const cmd = JSON.parse(runtime.steps.find((s) => s.op === "CMD")!.args) as ReadonlyArray<string>
    expect(cmd).toEqual(["cli-proxy-api", "serve", "--config", "/CLIProxyAPI/config.yaml"])
    expect(runtime.steps.find((s) => s.op === "ENV")?.args).toContain("HOME=/root")
  })

  it("copies only paths that exist (after npm run build) and that .dockerignore lets through", () => {
    for (const stage of dockerfile) {
      for (const c of copies(stage)) {
        for (const source of c.sources) {
          if (c.from === undefined) {
            expect(fs.existsSync(source), `${source} in the build context`).toBe(true)
            expect(ignored.filter((p) => source === p || source.startsWith(`${p}/`)), `${source} not ignored`).toEqual([])
          } else {
            // the stage built in its WORKDIR, from the repo's files
            const from = byName.get(c.from)
            expect(from, `stage ${c.from}`).toBeDefined()
            const base = `${runDir(from!)}/`
            expect(source.startsWith(base), `${source} under ${base}`).toBe(true)
            expect(fs.existsSync(source.slice(base.length)), `${source} built`).toBe(true)
          }
        }
      }
    }
  })

  it("each stage replayed on the files it copies: the build compiles, the final layout runs the CLI", async () => {
    const built = new Map<string, string>()
    for (const stage of dockerfile.slice(0, -1)) {
      const root = path.join(work, stage.name ?? "stage")
      replay(stage, root, built)
      if (stage.steps.some((s) => s.op === "RUN" && s.args.includes("npm run build"))) {
        const dir = path.join(root, runDir(stage))
        await run("npm", ["run", "build"], { cwd: dir })
        expect(fs.existsSync(path.join(dir, "dist/main.js"))).toBe(true)
        expect(fs.existsSync(path.join(dir, "dist/management/panel/management.html"))).toBe(true)
      }
      built.set(stage.name ?? "", root)
    }
    const image = path.join(work, "image")
    replay(runtime, image, built)
    const link = /ln -s (\S+) \/usr\/local\/bin\/cli-proxy-api/.exec(runtime.steps.filter((s) => s.op === "RUN").map((s) => s.args).join(" "))?.[1]
    expect(link).toBeDefined()
    const main = path.join(image, link!)
    expect(fs.readFileSync(main, "utf8").startsWith("#!/usr/bin/env node")).toBe(true)
    // the Codex prompts where the compiled code looks for them, and the example config
    expect(fs.existsSync(path.join(path.dirname(main), "../data/codex-instructions/README.md"))).toBe(true)
    expect(fs.existsSync(path.join(path.dirname(main), "../config.example.yaml"))).toBe(true)
    const help = await run(process.execPath, [main, "--help"], { cwd: work })
    expect(help.stdout).toContain("cli-proxy-api")
  }, 60_000)
})

describe("docker-compose.yml", () => {
  const compose = parse(fs.readFileSync("docker-compose.yml", "utf8")) as {
    services: Record<string, { build: string; ports: ReadonlyArray<string>; volumes: ReadonlyArray<string>; environment: Record<string, string> }>
  }
  const service = compose.services["cli-proxy-api"]!

  it("builds this folder and publishes 8317 and the login callback ports", () => {
    expect(service.build).toBe(".")
    expect(service.ports).toEqual(expect.arrayContaining(["8317:8317", "8085:8085", "1455:1455", "54545:54545", "11451:11451"]))
  })

  it("mounts config.yaml and the auth folder where the image (and the Go version) expects them", () => {
    const targets = service.volumes.map((v) => v.split(":")[1])
    expect(targets).toEqual(expect.arrayContaining(["/CLIProxyAPI/config.yaml", "/root/.cli-proxy-api", "/CLIProxyAPI/logs"]))
  })

  it("passes every store and management variable through from the environment", () => {
    const names = [
      "PGSTORE_DSN", "PGSTORE_SCHEMA", "PGSTORE_LOCAL_PATH",
      "OBJECTSTORE_ENDPOINT", "OBJECTSTORE_BUCKET", "OBJECTSTORE_ACCESS_KEY", "OBJECTSTORE_SECRET_KEY", "OBJECTSTORE_LOCAL_PATH", "OBJECTSTORE_POLL_INTERVAL",
      "GITSTORE_GIT_URL", "GITSTORE_GIT_USERNAME", "GITSTORE_GIT_TOKEN", "GITSTORE_LOCAL_PATH", "GITSTORE_PULL_INTERVAL",
      "WRITABLE_PATH", "MANAGEMENT_PASSWORD"
    ]
    expect(Object.keys(service.environment).sort()).toEqual([...names].sort())
    for (const n of names) expect(service.environment[n]).toBe(`\${${n}:-}`)
  })
})
