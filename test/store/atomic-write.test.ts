import { execFileSync } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import * as FileSystem from "@effect/platform/FileSystem"
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer } from "effect"
import { writeAtomically } from "../../src/store/atomic-write.js"
import { tempDir } from "../support/server.js"

describe("writeAtomically", () => {
  it.scopedLive("a crash between writing and renaming leaves the old file intact", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const file = path.join(dir, "claude-a.json")
      fs.writeFileSync(file, "{\"old\":true}")
      const reachedRename = yield* Deferred.make<void>()
      // the real file system, except that rename never happens: the process "dies" right there
      const crashing = Layer.effect(
        FileSystem.FileSystem,
        Effect.map(FileSystem.FileSystem, (real) => ({
          ...real,
          rename: () => Effect.zipRight(Deferred.succeed(reachedRename, undefined), Effect.never)
        }))
      ).pipe(Layer.provide(NodeFileSystem.layer))
      const writer = yield* writeAtomically(file, "{\"new\":true}").pipe(Effect.provide(crashing), Effect.fork)
      yield* Deferred.await(reachedRename)
      yield* Fiber.interrupt(writer)
      expect(fs.readFileSync(file, "utf8")).toBe("{\"old\":true}")
      // the complete new content sat in a temp file beside it, never at the target
      const temps = fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))
      expect(temps.length).toBe(1)
      expect(fs.readFileSync(path.join(dir, temps[0]!), "utf8")).toBe("{\"new\":true}")
    }))

  it.scopedLive("a failed write removes its temp file and keeps the old content", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const file = path.join(dir, "cfg.yaml")
      fs.writeFileSync(file, "old")
      const failing = Layer.effect(
        FileSystem.FileSystem,
        Effect.map(FileSystem.FileSystem, (real) => ({ ...real, rename: (from: string, to: string) => real.rename(from, path.join(to, "no-such-dir", "x")) }))
      ).pipe(Layer.provide(NodeFileSystem.layer))
      const result = yield* Effect.either(writeAtomically(file, "new").pipe(Effect.provide(failing)))
      expect(result._tag).toBe("Left")
      expect(fs.readFileSync(file, "utf8")).toBe("old")
      expect(fs.readdirSync(dir)).toEqual(["cfg.yaml"])
    }))

  it.scopedLive("writes with mode 0600 and refuses when the file changed meanwhile", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const file = path.join(dir, "a.json")
      fs.writeFileSync(file, "v1")
      const fsLayer = NodeFileSystem.layer
      expect(yield* writeAtomically(file, "v2", { expect: "v1" }).pipe(Effect.provide(fsLayer))).toBe(true)
      expect(fs.statSync(file).mode & 0o777).toBe(0o600)
      expect(yield* writeAtomically(file, "v3", { expect: "v1" }).pipe(Effect.provide(fsLayer))).toBe(false)
      expect(fs.readFileSync(file, "utf8")).toBe("v2")
    }))
})

describe("writeAtomically on a file mounted on its own", () => {
  // Docker's `-v ./config.yaml:/CLIProxyAPI/config.yaml` makes the file a mount point: a rename
  // over it fails with EBUSY. Mounting needs root, as the CI machines run.
  it.scopedLive("writes in place when the file cannot be renamed over", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const source = path.join(dir, "host-config.yaml")
      const target = path.join(dir, "config.yaml")
      fs.writeFileSync(source, "port: 1\n")
      fs.writeFileSync(target, "")
      yield* Effect.acquireRelease(
        Effect.sync(() => execFileSync("mount", ["--bind", source, target])),
        () => Effect.sync(() => execFileSync("umount", [target]))
      )
      const wrote = yield* writeAtomically(target, "port: 2\n").pipe(Effect.provide(NodeFileSystem.layer))
      expect(wrote).toBe(true)
      expect(fs.readFileSync(source, "utf8")).toBe("port: 2\n")
      expect(fs.readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([])
    }))
})
