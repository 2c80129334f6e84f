import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { defaults } from "../../src/config/schema.js"
import { parse } from "./helpers.js"

const here = path.dirname(fileURLToPath(import.meta.url))
const read = (p: string) => readFileSync(path.join(here, p), "utf8")

describe("config.example.yaml", () => {
  it.effect("loads to exactly the defaults, with no unknown keys or warnings", () =>
    Effect.gen(function*() {
      const loaded = yield* parse(read("../../config.example.yaml"))
      expect(loaded.unknownKeys).toEqual([])
      expect(loaded.warnings).toEqual([])
      expect(loaded.config).toEqual(defaults)
    }))
})

describe("a Go-version config.yaml", () => {
  it.effect("loads unchanged, every list read and the legacy forms folded in", () =>
    Effect.gen(function*() {
      const loaded = yield* parse(read("fixtures/go-config.yaml"))
      expect(loaded.unknownKeys).toEqual([])
      expect(loaded.warnings).toEqual([])
      expect(loaded.config).toEqual({
        ...defaults,
        remoteManagement: {
          allowRemote: false,
          secretKey: "$2a$10$abcdefghijklmnopqrstuuJmTWlmzS5Ryhv/0GC6vRQXTW5NbxYBy",
          disableControlPanel: false
        },
        authDir: path.join(os.homedir(), ".cli-proxy-api"),
        loggingToFile: false,
        usageStatisticsEnabled: false,
        proxyUrl: "socks5://user:pass@192.168.1.1:1080/",
        requestRetry: 3,
        apiKeys: ["your-api-key-1", "your-api-key-2"],
        geminiApiKey: [
          {
            apiKey: "AIzaSy...01",
            baseUrl: "https://generativelanguage.googleapis.com",
            proxyUrl: "socks5://proxy.example.com:1080",
            headers: { "X-Custom-Header": "custom-value" },
            models: []
          },
          { apiKey: "AIzaSy...03", baseUrl: "", proxyUrl: "", headers: {}, models: [] },
          { apiKey: "AIzaSy...02", baseUrl: "", proxyUrl: "", headers: {}, models: [] }
        ],
        codexApiKey: [
          { apiKey: "sk-atSM...", baseUrl: "https://www.example.com", proxyUrl: "socks5://proxy.example.com:1080", models: [] }
        ],
        claudeApiKey: [
          { apiKey: "sk-atSM...", baseUrl: "", proxyUrl: "", models: [] },
          {
            apiKey: "sk-atSM...",
            baseUrl: "https://www.example.com",
            proxyUrl: "socks5://proxy.example.com:1080",
            models: [{ name: "claude-3-5-sonnet-20241022", alias: "claude-sonnet-latest" }]
          }
        ],
        openaiCompatibility: [
          {
            name: "openrouter",
            baseUrl: "https://openrouter.ai/api/v1",
            apiKeys: [],
            apiKeyEntries: [
              { apiKey: "sk-or-v1-...b780", proxyUrl: "socks5://proxy.example.com:1080" },
              { apiKey: "sk-or-v1-...b781", proxyUrl: "" }
            ],
            models: [{ name: "moonshotai/kimi-k2:free", alias: "kimi-k2" }]
          },
          {
            name: "legacy-provider",
            baseUrl: "https://legacy.example.com/v1",
            apiKeys: [],
            apiKeyEntries: [{ apiKey: "sk-legacy-1", proxyUrl: "" }, { apiKey: "sk-legacy-2", proxyUrl: "" }],
            models: [{ name: "gpt-4o-mini", alias: "legacy-mini" }]
          }
        ]
      })
    }))
})
