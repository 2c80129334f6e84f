import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { promisify } from "node:util"
import OpenAI from "openai"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import * as Codex from "../fakes/codex.js"
import * as OAuth from "../fakes/oauth-server.js"
import { freePort, type Running, start } from "../support/process.js"

// The package as a user gets it: `npm pack` of the built tree (`npm test` builds dist/
// first; the pack skips the prepack build so it never rewrites dist/ under the other tests),
// installed with npm into an empty folder, run through its bin.
const run = promisify(execFile)
const children: Array<Running> = []
afterEach(() => {
  for (const c of children.splice(0)) c.stop("SIGKILL")
})

let work = ""
let files: ReadonlyArray<string> = []
beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "cpa-pack-"))
  const packed = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { maxBuffer: 16 * 1024 * 1024 })
  const [info] = JSON.parse(packed.stdout) as ReadonlyArray<{ readonly filename: string; readonly files: ReadonlyArray<{ readonly path: string }> }>
  files = info!.files.map((f) => f.path)
  const app = path.join(work, "app")
  fs.mkdirSync(app)
  fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "clean-folder", private: true }))
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--omit=dev", path.join(work, info!.filename)], { cwd: app })
}, 180_000)
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

const app = () => path.join(work, "app")
/** `npx cli-proxy-api ...` in the folder it was installed in, with a home of its own. */
const npx = (args: ReadonlyArray<string>) =>
  start(children, "npx", ["--no-install", "cli-proxy-api", ...args], { cwd: app(), env: { ...process.env, HOME: app() }, group: true })

/** Whether the address stops answering within `ms` (the server may finish closing after npx has gone). */
const closedWithin = async (url: string, ms: number) => {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const refused = await fetch(url).then(() => false, () => true)
    if (refused) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

describe("the npm package", () => {
  it("holds the compiled code, the control panel, the Codex prompts and config.example.yaml, and nothing of test/ or src/", () => {
    expect(files).toEqual(expect.arrayContaining([
      "dist/main.js",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/management/panel/management.html",
      "dist/management/panel/panel.js",
      "data/codex-instructions/README.md",
      "config.example.yaml",
      "README.md",
      "docs/configuration.md",
      "package.json"
    ]))
    expect(files.some((f) => f.startsWith("data/codex-instructions/gpt_5_codex_prompt.md-"))).toBe(true)
    expect(files.filter((f) => f.startsWith("test/") || f.startsWith("src/") || f.startsWith("examples/") || f.endsWith(".map"))).toEqual([])
    expect(fs.existsSync(path.join(app(), "node_modules", ".bin", "cli-proxy-api"))).toBe(true)
  })

  it("npx cli-proxy-api --help lists serve and login", async () => {
    const p = npx(["--help"])
    expect(await p.exited).toBe(0)
    expect(p.out()).toContain("cli-proxy-api")
    expect(p.out()).toMatch(/\bserve\b/)
    expect(p.out()).toMatch(/\blogin\b/)
  }, 30_000)

  it("serve: answers a model call on a Codex key with the shipped instructions, and serves the control panel", async () => {
    const codex = await Codex.start()
    try {
      const port = await freePort()
      fs.writeFileSync(path.join(app(), "config.yaml"), [
        `port: ${port}`,
        "host: 127.0.0.1",
        "auth-dir: ./auths",
        "api-keys: [client-key]",
        "remote-management: {secret-key: panel-key}",
        `codex-api-key: [{api-key: up-key, base-url: ${JSON.stringify(codex.url)}, models: [{name: gpt-5-codex}]}]`
      ].join("\n"))
      const p = npx(["serve", "--config", "config.yaml"])
      await p.waitFor(`listening on http://127.0.0.1:${port}`, 20_000)
      const openai = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "client-key" })
      const answer = await openai.chat.completions.create({ model: "gpt-5-codex", messages: [{ role: "user", content: "hi" }] })
      expect(answer.choices[0]?.message.content).toBeTruthy()
      const sent = codex.requests().find((r) => r.method === "POST")!
      const prompts = fs.readdirSync("data/codex-instructions").filter((f) => f.startsWith("gpt_5_codex_prompt.md-")).sort()
      expect((sent.json as { instructions: string }).instructions).toBe(fs.readFileSync(path.join("data/codex-instructions", prompts.at(-1)!), "utf8"))
      const panel = await fetch(`http://127.0.0.1:${port}/management.html`)
      expect(panel.status).toBe(200)
      expect(await panel.text()).toContain("<html")
      // as a Ctrl-C would: npx and the server it started both get the signal
      p.stop("SIGTERM")
      await p.exited
      expect(await closedWithin(`http://127.0.0.1:${port}/`, 5_000)).toBe(true)
    } finally {
      await codex.close()
    }
  }, 60_000)

  it("login qwen: the device-code sign-in saves the credential in auth-dir", async () => {
    const oauth = await OAuth.start({ qwenPending: 0 })
    try {
      fs.writeFileSync(path.join(app(), "login.yaml"), `auth-dir: ./login-auths\n${OAuth.endpointsYaml(oauth.url)}`)
      const p = npx(["login", "qwen", "--no-browser", "--email", "me@qwen.example", "--config", "login.yaml"])
      expect(await p.exited).toBe(0)
      expect(p.out()).toContain("user_code=")
      expect(p.out()).toContain("Logged in as")
      const saved = JSON.parse(fs.readFileSync(path.join(app(), "login-auths", "qwen-me@qwen.example.json"), "utf8")) as Record<string, unknown>
      expect(saved).toMatchObject({ type: "qwen", email: "me@qwen.example" })
    } finally {
      await oauth.close()
    }
  }, 60_000)
})
