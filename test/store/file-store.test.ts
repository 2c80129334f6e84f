import * as fs from "node:fs"
import * as path from "node:path"
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Logger, Stream } from "effect"
import { parseTime } from "../../src/store/auth-file.js"
import * as FileStore from "../../src/store/file-store.js"
import { Store, type StoreChange } from "../../src/store/store.js"
import { tempDir } from "../support/server.js"
import { goAuthFiles } from "./fixtures.js"

/** Runs with the store on `dir`, capturing log lines. */
const withStore = <A, E>(dir: string, logs: Array<string>, f: (s: Store["Type"]) => Effect.Effect<A, E>) =>
  Effect.flatMap(Store, f).pipe(
    Effect.provide(FileStore.layer({ configFile: path.join(dir, "config.yaml"), authDir: dir }).pipe(Layer.provide(NodeFileSystem.layer))),
    Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logs.push(String(message)))))
  )

/** Collects the next `n` changes after `act` (subscribed before acting, so none is missed). */
const nextChanges = (store: Store["Type"], n: number, act: () => void) =>
  Effect.scoped(Effect.gen(function*() {
    const pull = yield* Stream.toPull(store.changes.pipe(Stream.take(n)))
    act()
    const out: Array<StoreChange> = []
    while (out.length < n) out.push(...Chunk.toReadonlyArray(yield* pull.pipe(Effect.timeout("1 second"), Effect.orDie)))
    return out
  }))

describe("FileStore", () => {
  it.scopedLive("loads every auth file type the Go version writes, unchanged", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      for (const [name, text] of Object.entries(goAuthFiles)) fs.writeFileSync(path.join(dir, name), text)
      const logs: Array<string> = []
      const records = yield* withStore(dir, logs, (s) => s.list)
      expect(records.map((r) => r.id).sort()).toEqual(Object.keys(goAuthFiles).sort())
      expect(records.map((r) => r.file.type).sort()).toEqual(["claude", "codex", "gemini", "gemini", "iflow", "qwen"])
      for (const r of records) expect(r.metadata).toEqual(JSON.parse(goAuthFiles[r.id]!))
      expect(logs).toEqual([])
    }))

  it.scopedLive("skips malformed and unknown files with one clear line each, keeping the others", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      fs.writeFileSync(path.join(dir, "claude-ok.json"), goAuthFiles["claude-user@example.com.json"]!)
      fs.writeFileSync(path.join(dir, "broken.json"), "{\"type\": \"claude\", \"access_token\": sk-ant-secret-in-broken-file")
      fs.writeFileSync(path.join(dir, "notype.json"), "{\"access_token\": \"x\"}")
      fs.writeFileSync(path.join(dir, "weird.json"), "{\"type\": \"vertex\"}")
      fs.writeFileSync(path.join(dir, "wrongfield.json"), "{\"type\": \"codex\", \"access_token\": 42}")
      fs.writeFileSync(path.join(dir, "list.json"), "[1,2]")
      fs.writeFileSync(path.join(dir, "empty.json"), "")
      fs.writeFileSync(path.join(dir, "notes.txt"), "not json at all")
      const logs: Array<string> = []
      const records = yield* withStore(dir, logs, (s) => s.list)
      expect(records.map((r) => r.id)).toEqual(["claude-ok.json"])
      const line = (name: string) => logs.filter((l) => l.includes(name))
      expect(line("broken.json")[0]).toContain("not valid JSON")
      // the parser's snippet of the text (here a token) never reaches the log
      expect(logs.join("\n")).not.toContain("sk-ant-secret")
      expect(line("notype.json")[0]).toContain("no \"type\" field")
      expect(line("weird.json")[0]).toContain("unknown type \"vertex\"")
      expect(line("wrongfield.json")[0]).toContain("access_token")
      expect(line("list.json")[0]).toContain("not a JSON object")
      expect(logs.length).toBe(5) // one line per bad file; the empty file and notes.txt are silent
    }))

  it.scopedLive("sees files added, replaced, renamed over and deleted within a second", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const logs: Array<string> = []
      yield* withStore(dir, logs, (store) =>
        Effect.gen(function*() {
          const claude = goAuthFiles["claude-user@example.com.json"]!
          const added = yield* nextChanges(store, 1, () => fs.writeFileSync(path.join(dir, "claude-a.json"), claude))
          expect(added[0]).toMatchObject({ _tag: "Upsert", record: { id: "claude-a.json" } })
          const replaced = yield* nextChanges(store, 1, () =>
            fs.writeFileSync(path.join(dir, "claude-a.json"), claude.replace("sk-ant-oat01-abc", "sk-ant-oat01-new")))
          expect((replaced[0] as Extract<StoreChange, { _tag: "Upsert" }>).record.metadata.access_token).toBe("sk-ant-oat01-new")
          const renamed = yield* nextChanges(store, 1, () => {
            const tmp = path.join(dir, ".claude-a.json.swp")
            fs.writeFileSync(tmp, claude.replace("sk-ant-oat01-abc", "sk-ant-oat01-renamed"))
            fs.renameSync(tmp, path.join(dir, "claude-a.json"))
          })
          expect((renamed[0] as Extract<StoreChange, { _tag: "Upsert" }>).record.metadata.access_token).toBe("sk-ant-oat01-renamed")
          const removed = yield* nextChanges(store, 1, () => fs.rmSync(path.join(dir, "claude-a.json")))
          expect(removed[0]).toEqual({ _tag: "Remove", id: "claude-a.json" })
          expect(yield* store.list).toEqual([])
        }))
    }))

  it.scopedLive("writes atomically with mode 0600, skips unchanged writes, and serialises writers", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const logs: Array<string> = []
      yield* withStore(dir, logs, (store) =>
        Effect.gen(function*() {
          const base = JSON.parse(goAuthFiles["codex-user@example.com.json"]!)
          const first = yield* store.save("codex-a.json", base)
          expect(fs.statSync(first.path).mode & 0o777).toBe(0o600)
          const mtime = fs.statSync(first.path).mtimeMs
          yield* store.save("codex-a.json", base)
          expect(fs.statSync(first.path).mtimeMs).toBe(mtime)
          // 50 concurrent writers: every write lands whole, the last one wins, no temp file is left
          yield* Effect.forEach(
            Array.from({ length: 50 }, (_, i) => i),
            (i) => store.save("codex-a.json", { ...base, access_token: `token-${i}` }),
            { concurrency: "unbounded", discard: true }
          )
          const final = JSON.parse(fs.readFileSync(first.path, "utf8"))
          expect(final.access_token).toMatch(/^token-\d+$/)
          expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([])
          const bad = yield* Effect.flip(store.save("codex-b.json", { type: "codex" }))
          expect(bad.message).toContain("access_token")
          expect(fs.existsSync(path.join(dir, "codex-b.json"))).toBe(false)
        }))
    }))

  it.scopedLive("holds config.yaml as a record: read, compare-and-swap writes keeping its mode, and change signals", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const file = path.join(dir, "config.yaml")
      yield* withStore(dir, [], (store) =>
        Effect.gen(function*() {
          expect(store.config.path).toBe(file)
          expect(yield* store.config.read).toBeUndefined()
          expect(yield* store.config.write("port: 1\n")).toBe(true)
          expect(fs.statSync(file).mode & 0o777).toBe(0o600)
          fs.chmodSync(file, 0o640)
          // a write that expects text someone has since replaced is refused, writing nothing
          expect(yield* store.config.write("port: 2\n", { expect: "port: 0\n" })).toBe(false)
          expect(yield* store.config.write("port: 3\n", { expect: "port: 1\n" })).toBe(true)
          expect(yield* store.config.read).toBe("port: 3\n")
          expect(fs.statSync(file).mode & 0o777).toBe(0o640)
          // an edit by hand and an editor's atomic rename each signal a change
          const signalled = (act: () => void) =>
            Effect.scoped(Effect.gen(function*() {
              const pull = yield* Stream.toPull(store.config.changes)
              yield* Effect.sleep("20 millis")
              act()
              yield* pull.pipe(Effect.timeout("1 second"), Effect.orDie)
            }))
          yield* signalled(() => fs.writeFileSync(file, "port: 4\n"))
          expect(yield* store.config.read).toBe("port: 4\n")
          yield* signalled(() => {
            fs.writeFileSync(path.join(dir, ".config.yaml.swp"), "port: 5\n")
            fs.renameSync(path.join(dir, ".config.yaml.swp"), file)
          })
          expect(yield* store.config.read).toBe("port: 5\n")
          expect(yield* store.list).toEqual([])
        }))
    }))
})

describe("parseTime", () => {
  it("reads every time format the Go version writes or accepts", () => {
    expect(parseTime("2025-11-03T12:00:00.123456789+08:00")).toBe(Date.parse("2025-11-03T04:00:00.123Z"))
    expect(parseTime("2025-11-03T10:00:00Z")).toBe(Date.parse("2025-11-03T10:00:00Z"))
    expect(parseTime(1762142400)).toBe(1762142400000)
    expect(parseTime("1762142400")).toBe(1762142400000)
    expect(parseTime(1762142400123)).toBe(1762142400123)
    expect(parseTime("2025-11-03 10:00:00")).toBe(new Date(2025, 10, 3, 10, 0, 0).getTime())
    expect(parseTime("garbage")).toBeUndefined()
    expect(parseTime(undefined)).toBeUndefined()
  })
})
