/** The proxy under test as a child process from a build folder, configured against the fakes. */
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { type Measured, spawnMeasured } from "./proc.js"

/** Where the fakes listen. */
export interface Upstreams {
  readonly compat: string
  readonly claude: string
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })

/** Node flags from an environment variable (`--cpu-prof --cpu-prof-dir=...`). */
export const nodeArgs = (name: string): Array<string> => (process.env[name] ?? "").split(" ").filter((a) => a !== "")

/**
 * Starts `node <build>/main.js serve` with a temporary config: client key `bench-key`, the
 * access log to a file, an OpenAI-compatible provider serving `bench-model` and a Claude key,
 * both pointed at the fakes by base-url.
 */
export const startProxy = async (
  upstreams: Upstreams,
  build = "dist",
  flags: ReadonlyArray<string> = []
): Promise<Measured & { readonly url: string }> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpa-bench-"))
  const configFile = path.join(dir, "config.yaml")
  fs.writeFileSync(
    configFile,
    [
      `port: ${await freePort()}`,
      "host: 127.0.0.1",
      `auth-dir: ${JSON.stringify(path.join(dir, "auths"))}`,
      "logging-to-file: true",
      "api-keys: [bench-key]",
      "openai-compatibility:",
      "  - name: benchcompat",
      `    base-url: ${upstreams.compat}/v1`,
      "    api-key-entries: [{api-key: up-key}]",
      "    models: [{name: bench-model, alias: bench-model}]",
      "claude-api-key:",
      "  - api-key: sk-ant-bench",
      `    base-url: ${upstreams.claude}`,
      ""
    ].join("\n")
  )
  const proxy = await spawnMeasured(
    [...flags, path.resolve(build, "main.js"), "serve", "--config", configFile],
    /listening on (http:\/\/[\d.]+:\d+)/,
    { HOME: dir }
  )
  return {
    ...proxy,
    url: proxy.match[1]!,
    stop: async () => {
      await proxy.stop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}
