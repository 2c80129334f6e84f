import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"

/** A child process under measurement. */
export interface Measured {
  readonly child: ChildProcess
  /** CPU time (user + system) used so far, in milliseconds. */
  readonly cpuMs: () => number
  /** Resident set size now, in bytes. */
  readonly rss: () => number
  readonly stop: () => Promise<void>
}

const ticksPerSecond = 100 // Linux USER_HZ

/** Spawns `node args...` and resolves once its output contains `ready`. */
export const spawnMeasured = (args: ReadonlyArray<string>, ready: RegExp, env: NodeJS.ProcessEnv = {}): Promise<Measured & { readonly match: RegExpMatchArray }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    const onData = (d: Buffer) => {
      out += d.toString()
      const m = out.match(ready)
      if (m) {
        child.stdout?.off("data", onData)
        child.stdout?.resume()
        child.stderr?.resume()
        resolve({
          child,
          match: m,
          cpuMs: () => {
            const fields = fs.readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ")
            return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond
          },
          rss: () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0) * 1024,
          stop: () => new Promise((r) => {
            if (child.exitCode !== null) return r()
            // a server still holding connections gets 3 s to close them, then is killed
            const kill = setTimeout(() => child.kill("SIGKILL"), 3000)
            child.once("exit", () => {
              clearTimeout(kill)
              r()
            })
            child.kill("SIGTERM")
          })
        })
      }
    }
    child.stdout?.on("data", onData)
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()))
    child.once("exit", (code) => reject(new Error(`exited with ${code} before ready: ${out}`)))
  })
