import { FileSystem } from "@effect/platform"
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as path from "node:path"
import { loadConfigFile } from "../../src/config/load.js"
import { hashSecretInConfig, isBcryptHash, verifySecret } from "../../src/config/secret.js"
import { makeConfigRecord } from "../../src/store/file-config.js"

const original = `# CLIProxyAPI config
port: 8317

# Management API settings
remote-management:
  # Whether to allow remote (non-localhost) management access.
  allow-remote: false

  # Management key; hashed on startup.
  secret-key: "my-plain-secret" # trailing comment
  disable-control-panel: false

api-keys:
- "k1"   # odd indentation kept
-   k2
quota-exceeded:
   switch-project: true
`

const withConfig = (text: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const dir = yield* fs.makeTempDirectoryScoped()
    const file = path.join(dir, "config.yaml")
    yield* fs.writeFileString(file, text)
    yield* fs.chmod(file, 0o640)
    return { fs, dir, file }
  })

/** Hashes the secret in a config file through the file store's config record. */
const hashSecretInFile = (file: string) =>
  Effect.flatMap(makeConfigRecord(file, { watch: false }), hashSecretInConfig)

describe("hashSecretInConfig", () => {
  it.scoped("replaces a plaintext secret by its bcrypt hash and changes nothing else", () =>
    Effect.gen(function*() {
      const { fs, dir, file } = yield* withConfig(original)
      expect(yield* hashSecretInFile(file)).toBe(true)
      const text = yield* fs.readFileString(file)
      const match = /secret-key: "([^"]+)" # trailing comment/.exec(text)
      const hash = match?.[1] ?? ""
      expect(isBcryptHash(hash)).toBe(true)
      expect(hash.startsWith("$2b$10$")).toBe(true)
      expect(text).toBe(original.replace("my-plain-secret", hash))
      expect(yield* verifySecret("my-plain-secret", hash)).toBe(true)
      expect(yield* verifySecret("wrong", hash)).toBe(false)
      expect(((yield* fs.stat(file)).mode & 0o777)).toBe(0o640)
      expect((yield* fs.readDirectory(dir)).sort()).toEqual(["config.yaml"])
      const loaded = yield* loadConfigFile(file)
      expect(loaded.config.remoteManagement.secretKey).toBe(hash)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("is idempotent: a second call leaves the file alone", () =>
    Effect.gen(function*() {
      const { fs, file } = yield* withConfig(original)
      expect(yield* hashSecretInFile(file)).toBe(true)
      const once = yield* fs.readFileString(file)
      expect(yield* hashSecretInFile(file)).toBe(false)
      expect(yield* fs.readFileString(file)).toBe(once)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("handles plain and single-quoted scalars, trimming the plaintext", () =>
    Effect.gen(function*() {
      for (const [value, plain] of [["plain-one", "plain-one"], ["'  single  '", "single"]] as const) {
        const { fs, file } = yield* withConfig(`remote-management:\n  secret-key: ${value}\nport: 9000\n`)
        expect(yield* hashSecretInFile(file)).toBe(true)
        const text = yield* fs.readFileString(file)
        const hash = /secret-key: '?([^'\n]+)'?\n/.exec(text)?.[1] ?? ""
        expect(yield* verifySecret(plain, hash)).toBe(true)
        expect(text.endsWith("\nport: 9000\n")).toBe(true)
      }
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("a block scalar secret is rewritten through the document, comments kept", () =>
    Effect.gen(function*() {
      const { fs, file } = yield* withConfig("# top\nremote-management:\n  # the key\n  secret-key: >-\n    folded\nport: 9000 # port\n")
      expect(yield* hashSecretInFile(file)).toBe(true)
      const text = yield* fs.readFileString(file)
      const hash = /secret-key: (\S+)\n/.exec(text)?.[1] ?? ""
      expect(yield* verifySecret("folded", hash)).toBe(true)
      expect(text).toBe(`# top\nremote-management:\n  # the key\n  secret-key: ${hash}\nport: 9000 # port\n`)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("leaves files without a plaintext secret untouched", () =>
    Effect.gen(function*() {
      const hash = "$2a$10$abcdefghijklmnopqrstuuJmTWlmzS5Ryhv/0GC6vRQXTW5NbxYBy"
      for (const text of ["port: 1\n", "remote-management:\n  secret-key: ''\n", `remote-management:\n  secret-key: "${hash}"\n`, "remote-management: [\n"]) {
        const { fs, file } = yield* withConfig(text)
        expect(yield* hashSecretInFile(file)).toBe(false)
        expect(yield* fs.readFileString(file)).toBe(text)
      }
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("a missing file is not an error", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped()
      expect(yield* hashSecretInFile(path.join(dir, "none.yaml"))).toBe(false)
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})

describe("verifySecret", () => {
  it.effect("compares plaintext values exactly", () =>
    Effect.gen(function*() {
      expect(yield* verifySecret("pw", "pw")).toBe(true)
      expect(yield* verifySecret("pw", "pw2")).toBe(false)
      expect(yield* verifySecret("PW", "pw")).toBe(false)
      expect(yield* verifySecret("", "")).toBe(false)
    }))

  it("isBcryptHash recognises $2a$, $2b$ and $2y$ hashes only", () => {
    const body = "10$abcdefghijklmnopqrstuuJmTWlmzS5Ryhv/0GC6vRQXTW5NbxYBy"
    expect(isBcryptHash(`$2a$${body}`)).toBe(true)
    expect(isBcryptHash(`$2b$${body}`)).toBe(true)
    expect(isBcryptHash(`$2y$${body}`)).toBe(true)
    expect(isBcryptHash(`$2x$${body}`)).toBe(false)
    expect(isBcryptHash("$2a$short")).toBe(false)
    expect(isBcryptHash("plain")).toBe(false)
  })
})

describe("loadConfigFile", () => {
  it.scoped("a missing file gives the defaults with exists: false", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped()
      const loaded = yield* loadConfigFile(path.join(dir, "config.yaml"))
      expect(loaded.exists).toBe(false)
      expect(loaded.config.port).toBe(8317)
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("reads an existing file and does not write to it", () =>
    Effect.gen(function*() {
      const { fs, file } = yield* withConfig("port: 9001\nremote-management:\n  secret-key: plain\n")
      const loaded = yield* loadConfigFile(file)
      expect(loaded.exists).toBe(true)
      expect(loaded.config.port).toBe(9001)
      expect(loaded.config.remoteManagement.secretKey).toBe("plain")
      expect(yield* fs.readFileString(file)).toBe("port: 9001\nremote-management:\n  secret-key: plain\n")
    }).pipe(Effect.provide(NodeFileSystem.layer)))

  it.scoped("an unreadable path is a ConfigError naming the file", () =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const dir = yield* fs.makeTempDirectoryScoped()
      const error = yield* Effect.flip(loadConfigFile(dir))
      expect(error.path).toBe(dir)
      expect(error.message).toMatch(/^cannot read the config file: /)
    }).pipe(Effect.provide(NodeFileSystem.layer)))
})
