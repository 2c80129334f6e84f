import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import Anthropic from "@anthropic-ai/sdk"
import OpenAI from "openai"
import { afterEach, describe, expect, it } from "vitest"
import * as Compat from "../fakes/openai-chat.js"
import { freePort, type Running, start } from "../support/process.js"

// examples/custom-provider/main.ts run as its README says, importing the package by name
// (the built dist/, which `npm test` makes first), with Acme played by the OpenAI-compatible fake.
const children: Array<Running> = []
afterEach(() => {
  for (const c of children.splice(0)) c.stop("SIGKILL")
})

describe("examples/custom-provider", () => {
  it("serves the added provider to the OpenAI and Anthropic SDKs, round-robin over its keys, listed in /v1/models", async () => {
    const acme = await Compat.start()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpa-example-"))
    try {
      const port = await freePort()
      const configFile = path.join(dir, "config.yaml")
      fs.writeFileSync(configFile, [
        `port: ${port}`,
        "host: 127.0.0.1",
        `auth-dir: ${JSON.stringify(path.join(dir, "auths"))}`,
        "api-keys: [client-key]",
        `upstream-endpoints: {acme: ${JSON.stringify(`${acme.url}/v1`)}}`
      ].join("\n"))
      const p = start(children, process.execPath, [path.resolve("node_modules/vite-node/vite-node.mjs"), "examples/custom-provider/main.ts", configFile], {
        cwd: process.cwd(),
        env: { ...process.env, ACME_API_KEYS: "acme-key-1, acme-key-2" }
      })
      await p.waitFor(`listening on http://127.0.0.1:${port}`, 30_000)

      const openai = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "client-key" })
      const models = await openai.models.list()
      expect(models.data.map((m) => m.id)).toEqual(expect.arrayContaining(["acme-chat", "acme-coder"]))
      const answer = await openai.chat.completions.create({ model: "acme-chat", messages: [{ role: "user", content: "hi" }] })
      expect(answer.choices[0]?.message.content).toBeTruthy()
      const stream = await openai.chat.completions.create({ model: "acme-coder", stream: true, messages: [{ role: "user", content: "hi" }] })
      let streamed = ""
      for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? ""
      expect(streamed).not.toBe("")
      const anthropic = new Anthropic({ baseURL: `http://127.0.0.1:${port}`, apiKey: "client-key" })
      const message = await anthropic.messages.create({ model: "acme-chat", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })
      expect(message.content[0]?.type).toBe("text")

      const calls = acme.requests().filter((r) => r.method === "POST")
      expect(calls.map((r) => r.path)).toEqual(["/v1/chat/completions", "/v1/chat/completions", "/v1/chat/completions"])
      expect(calls.map((r) => (r.json as { model: string }).model)).toEqual(["acme-chat", "acme-coder", "acme-chat"])
      expect(new Set(calls.map((r) => r.headers["x-acme-key"]))).toEqual(new Set(["acme-key-1", "acme-key-2"]))
      expect(calls.every((r) => r.headers.authorization === undefined)).toBe(true)
    } finally {
      await acme.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
