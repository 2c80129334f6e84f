import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterEach, describe, expect, it } from "vitest"
import { freePort, type Running, start } from "../support/process.js"

// These tests run the built CLI (`npm test` builds dist/ first), as a user would.
const main = path.resolve("dist/main.js")
const children: Array<Running> = []
afterEach(() => {
  for (const c of children.splice(0)) c.stop("SIGKILL")
})

const run = (args: Array<string>, home: string) =>
  start(children, process.execPath, [main, ...args], { cwd: home, env: { ...process.env, HOME: home } })

const tmpHome = () => fs.mkdtempSync(path.join(os.tmpdir(), "cpa-home-"))

describe("cli-proxy-api serve (process)", () => {
  it("with no config file starts on the defaults, warns when open to the network, and stops on SIGTERM", async () => {
    const home = tmpHome()
    const p = run(["serve", "--config", path.join(home, "missing.yaml")], home)
    await p.waitFor("listening on http://127.0.0.1:8317 (all interfaces)")
    expect(p.out()).toContain("not found: built-in defaults")
    expect(p.out()).toContain(`auth-dir:    ${path.join(home, ".cli-proxy-api")}`)
    expect(p.out()).toContain("credentials: 0")
    expect(p.out()).toContain("POST /v1/chat/completions")
    await p.waitFor("WARNING: no client API keys")
    expect(fs.statSync(path.join(home, ".cli-proxy-api")).mode & 0o777).toBe(0o700)
    const res = await fetch("http://127.0.0.1:8317/")
    expect(res.status).toBe(200)
    p.child.kill("SIGTERM")
    expect(await p.exited).toBe(0)
  })

  it("serves by default, accepts the Go version's -config flag, and is quiet on loopback", async () => {
    const home = tmpHome()
    const port = await freePort()
    const file = path.join(home, "config.yaml")
    fs.writeFileSync(file, `port: ${port}\nhost: 127.0.0.1\nauth-dir: ./auths\nlogging-to-file: false\n`)
    const p = run(["-config", file], home)
    await p.waitFor(`listening on http://127.0.0.1:${port} (127.0.0.1)`)
    await p.waitFor(`panel:       http://127.0.0.1:${port}/management.html`)
    expect(p.err()).not.toContain("WARNING")
    expect(fs.existsSync(path.join(home, "auths"))).toBe(true)
    p.child.kill("SIGINT")
    expect(await p.exited).toBe(0)
  })

  it("rejects an invalid config before listening, naming the key, and exits non-zero", async () => {
    const home = tmpHome()
    const port = await freePort()
    const file = path.join(home, "config.yaml")
    fs.writeFileSync(file, `port: abc\nhost: 127.0.0.1\n`)
    const p = run(["serve", "--config", file], home)
    const code = await p.exited
    expect(code).not.toBe(0)
    expect(p.err()).toContain("port: expected an integer from")
    expect(p.err()).toContain("\"abc\"")
    expect(p.out()).not.toContain("listening")
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow()
  })
})
