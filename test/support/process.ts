import { type ChildProcess, spawn } from "node:child_process"
import * as net from "node:net"

/** A child process a test started, with what it printed so far. */
export interface Running {
  readonly child: ChildProcess
  /** Its exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>
  /** Resolves once stdout or stderr holds `text`; rejects with both after `ms`. */
  readonly waitFor: (text: string, ms?: number) => Promise<void>
  readonly out: () => string
  readonly err: () => string
  /** Sends a signal to the process, or to its whole group when started as one (a Ctrl-C does that). */
  readonly stop: (signal: NodeJS.Signals) => void
}

/**
 * Starts a process with piped output; it is added to `children` so the test's afterEach
 * can stop whatever is still running. With `group`, it leads a process group of its own, so
 * `stop` reaches what it started too (npx runs the bin as a child and passes no signal on).
 */
export const start = (
  children: Array<Running>,
  command: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv; readonly group?: boolean }
): Running => {
  const group = options.group === true
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: "pipe", detached: group })
  let out = ""
  let err = ""
  child.stdout.on("data", (d) => (out += d))
  child.stderr.on("data", (d) => (err += d))
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  const waitFor = (text: string, ms = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${text}" within ${ms} ms; stdout: ${out}; stderr: ${err}`)), ms)
      const check = () => {
        if (out.includes(text) || err.includes(text)) {
          clearTimeout(timer)
          resolve()
        } else setTimeout(check, 20)
      }
      check()
    })
  const stop = (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return
    if (group && child.pid !== undefined) process.kill(-child.pid, signal)
    else child.kill(signal)
  }
  const running = { child, exited, waitFor, out: () => out, err: () => err, stop }
  children.push(running)
  return running
}

/** A TCP port free on 127.0.0.1 right now. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })
