import * as fs from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import { text } from "node:stream/consumers"
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Either, Exit, Layer, Redacted } from "effect"
import { type BucketItem, Client } from "minio"
import * as MirroredStore from "../../src/store/mirrored-store.js"
import { parseEndpoint } from "../../src/store/object/endpoint.js"
import { makeObjectRemote, type ObjectRemoteOptions } from "../../src/store/object/object-remote.js"
import type { RemoteSnapshot } from "../../src/store/remote.js"
import { Store } from "../../src/store/store.js"
import { S3_ACCESS_KEY, S3_SECRET_KEY, type S3Server, s3Server } from "../fakes/s3-server.js"
import { eventuallyEffect, tempDir } from "../support/server.js"
import { goAuthFiles } from "./fixtures.js"
import { describeMirrorContract } from "./store-contract.js"

const BUCKET = "cliproxy"
const codexId = "codex-user@example.com.json"
const claudeId = "claude-user@example.com.json"

const remoteOptions = (url: string, overrides: Partial<ObjectRemoteOptions> = {}): ObjectRemoteOptions => ({
  endpoint: Either.getOrThrow(parseEndpoint(url)),
  bucket: BUCKET,
  accessKey: S3_ACCESS_KEY,
  secretKey: Redacted.make(S3_SECRET_KEY),
  pollInterval: "1 second",
  ...overrides
})

const openStore = (server: S3Server, root: string, overrides: Partial<ObjectRemoteOptions> = {}) =>
  MirroredStore.layer({ root, remote: makeObjectRemote(remoteOptions(server.url, overrides)), startTimeout: "2 seconds" }).pipe(
    Layer.provide(NodeFileSystem.layer)
  )

/** The bucket read and written with a client of its own, as another program would. */
const direct = (server: S3Server) => {
  const client = new Client({ endPoint: "127.0.0.1", port: server.port, useSSL: false, pathStyle: true, region: "us-east-1", accessKey: S3_ACCESS_KEY, secretKey: S3_SECRET_KEY })
  const exists = Effect.promise(() => client.bucketExists(BUCKET))
  const keys = Effect.flatMap(exists, (there) =>
    there
      ? Effect.promise(async () => {
        const out: Array<string> = []
        for await (const item of client.listObjectsV2(BUCKET, "", true) as AsyncIterable<BucketItem>) if (item.name !== undefined) out.push(item.name)
        return out.sort()
      })
      : Effect.succeed<Array<string>>([]))
  const get = (key: string) => Effect.promise(async () => text(await client.getObject(BUCKET, key)))
  const put = (key: string, body: string, contentType = "application/octet-stream") =>
    Effect.promise(async () => {
      if (!(await client.bucketExists(BUCKET))) await client.makeBucket(BUCKET)
      await client.putObject(BUCKET, key, Buffer.from(body), undefined, { "Content-Type": contentType })
    })
  const contentType = (key: string) => Effect.promise(async () => (await client.statObject(BUCKET, key)).metaData["content-type"])
  const peek = Effect.gen(function*() {
    const all = yield* keys
    const auths = new Map<string, string>()
    for (const key of all.filter((k) => k.startsWith("auths/"))) auths.set(key.slice("auths/".length), yield* get(key))
    const config = all.includes("config/config.yaml") ? yield* get("config/config.yaml") : undefined
    return { config, auths } satisfies RemoteSnapshot
  })
  return { exists, keys, get, put, contentType, peek, remove: (key: string) => Effect.promise(() => client.removeObject(BUCKET, key)) }
}

describeMirrorContract("Object store", Effect.gen(function*() {
  const server = yield* s3Server
  const bucket = direct(server)
  return {
    open: (root: string) => openStore(server, root),
    down: server.down,
    up: server.up,
    peek: bucket.peek,
    put: (id: string, body: string | undefined) => (body === undefined ? bucket.remove(`auths/${id}`) : bucket.put(`auths/${id}`, body, "application/json"))
  }
}))

/** GETs of objects (not listings) since `from`, by key. */
const downloads = (server: S3Server, from: number) =>
  server.requests.slice(from).filter((r) => r.startsWith(`GET /${BUCKET}/`)).map((r) => decodeURIComponent(r.slice(`GET /${BUCKET}/`.length).split("?")[0]!))

describe("Object store", () => {
  it.scopedLive("creates the bucket when missing and lays objects out as config/config.yaml and auths/<id>, with the Go content types", () =>
    Effect.gen(function*() {
      const server = yield* s3Server
      const bucket = direct(server)
      expect(yield* bucket.exists).toBe(false)
      const store = Context.get(yield* Layer.build(openStore(server, yield* tempDir)), Store)
      expect(yield* bucket.exists).toBe(true)
      expect(yield* bucket.get("config/config.yaml")).toContain("port:")
      yield* store.save(claudeId, JSON.parse(goAuthFiles[claudeId]!))
      yield* Effect.orDie(store.config.write("port: 8317\n"))
      yield* eventuallyEffect(Effect.map(bucket.keys, (keys) => keys.join(",") === `auths/${claudeId},config/config.yaml`), "the record uploaded", 3000)
      yield* eventuallyEffect(Effect.map(bucket.get("config/config.yaml"), (t) => t === "port: 8317\n"), "the config uploaded", 3000)
      expect(yield* bucket.contentType("config/config.yaml")).toBe("application/x-yaml")
      expect(yield* bucket.contentType(`auths/${claudeId}`)).toBe("application/json")
      expect(JSON.parse(yield* bucket.get(`auths/${claudeId}`))).toEqual(JSON.parse(goAuthFiles[claudeId]!))
      yield* store.remove(claudeId)
      yield* eventuallyEffect(Effect.map(bucket.keys, (keys) => keys.join(",") === "config/config.yaml"), "the record deleted", 3000)
    }))

  it.scopedLive("mirrors a bucket the Go version wrote at the first start, skipping folder markers and nested keys", () =>
    Effect.gen(function*() {
      const server = yield* s3Server
      const bucket = direct(server)
      const config = "port: 8317\r\nauth-dir: /somewhere/else\r\n"
      yield* bucket.put("config/config.yaml", config, "application/x-yaml")
      yield* bucket.put(`auths/${codexId}`, goAuthFiles[codexId]!, "application/json")
      yield* bucket.put("auths/", "")
      yield* bucket.put("auths/team/nested.json", goAuthFiles[claudeId]!, "application/json")
      const root = yield* tempDir
      const store = Context.get(yield* Layer.build(openStore(server, root)), Store)
      expect(fs.readFileSync(path.join(root, "config", "config.yaml"), "utf8")).toBe("port: 8317\nauth-dir: /somewhere/else\n")
      expect(fs.readdirSync(path.join(root, "auths")).filter((n) => n.endsWith(".json"))).toEqual([codexId])
      expect((yield* store.list).map((r) => r.id)).toEqual([codexId])
      expect(JSON.parse(fs.readFileSync(path.join(root, "auths", codexId), "utf8"))).toEqual(JSON.parse(goAuthFiles[codexId]!))
      // the bucket's own config is kept as it is (line endings and all): nothing was pushed back
      expect(yield* bucket.get("config/config.yaml")).toBe(config)
    }))

  it.scopedLive("downloads an object again only when its ETag changed, and never what it just uploaded", () =>
    Effect.gen(function*() {
      const server = yield* s3Server
      const bucket = direct(server)
      yield* bucket.put("config/config.yaml", "port: 1\n")
      yield* bucket.put(`auths/${codexId}`, goAuthFiles[codexId]!)
      const remote = yield* makeObjectRemote(remoteOptions(server.url))
      let from = server.requests.length
      const first = yield* remote.snapshot
      expect(first.config).toBe("port: 1\n")
      expect([...first.auths.keys()]).toEqual([codexId])
      expect(downloads(server, from).sort()).toEqual(["auths/" + codexId, "config/config.yaml"])

      from = server.requests.length
      expect(yield* remote.snapshot).toEqual(first)
      expect(downloads(server, from)).toEqual([])

      from = server.requests.length
      yield* bucket.put(`auths/${codexId}`, goAuthFiles[claudeId]!)
      expect((yield* remote.snapshot).auths.get(codexId)).toBe(goAuthFiles[claudeId])
      expect(downloads(server, from)).toEqual([`auths/${codexId}`])

      from = server.requests.length
      yield* remote.push([{ kind: "auth", id: claudeId, text: goAuthFiles[claudeId] }, { kind: "config", text: "port: 2\n" }])
      const after = yield* remote.snapshot
      expect(after.config).toBe("port: 2\n")
      expect(after.auths.get(claudeId)).toBe(goAuthFiles[claudeId])
      expect(downloads(server, from)).toEqual([])

      yield* remote.push([{ kind: "auth", id: claudeId, text: undefined }, { kind: "auth", id: "never-there.json", text: undefined }])
      expect([...(yield* remote.snapshot).auths.keys()]).toEqual([codexId])
    }))

  it.scopedLive("a wrong secret key fails with a clear message that names the bucket and never holds the secret", () =>
    Effect.gen(function*() {
      const server = yield* s3Server
      const secret = "wr0ng-s3cret-value"
      // with the region asked of the server (a GET, whose answer names the code) and with it given (a HEAD, which has no body)
      for (const [region, code] of [[undefined, /SignatureDoesNotMatch/], ["us-east-1", /AccessDenied/]] as const) {
        const remote = yield* makeObjectRemote(remoteOptions(server.url, { secretKey: Redacted.make(secret), ...(region ? { region } : {}) }))
        const error = yield* Effect.flip(remote.snapshot)
        expect(error._tag).toBe("RemoteError")
        expect(error.message).toContain(`object storage ${server.url}/${BUCKET}: checking the bucket`)
        expect(error.message).toMatch(code)
        expect(error.message).toMatch(/check OBJECTSTORE_ACCESS_KEY and OBJECTSTORE_SECRET_KEY/)
        expect(error.message).not.toContain(secret)
      }
      const start = yield* Effect.exit(Layer.build(openStore(server, yield* tempDir, { secretKey: Redacted.make(secret) })))
      expect(Exit.isFailure(start)).toBe(true)
      if (Exit.isFailure(start)) {
        expect(String(start.cause)).toMatch(/SignatureDoesNotMatch/)
        expect(String(start.cause)).not.toContain(secret)
      }
    }))

  it.scopedLive("an unreachable server is a RemoteError naming the endpoint", () =>
    Effect.gen(function*() {
      const server = yield* s3Server
      yield* server.down
      const error = yield* Effect.flip((yield* makeObjectRemote(remoteOptions(server.url))).snapshot)
      expect(error.message).toContain(`object storage ${server.url}/${BUCKET}`)
      expect(error.message).toMatch(/ECONNREFUSED/)
    }))

  it.scopedLive("a server that accepts but never answers fails the call after the timeout", () =>
    Effect.gen(function*() {
      const sockets: Array<net.Socket> = []
      const silent = net.createServer((socket) => void sockets.push(socket))
      yield* Effect.acquireRelease(
        Effect.async<void>((resume) => void silent.listen(0, "127.0.0.1", () => resume(Effect.void))),
        () => Effect.sync(() => { for (const s of sockets) s.destroy(); silent.close() })
      )
      const url = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`
      const remote = yield* makeObjectRemote(remoteOptions(url, { timeout: "300 millis" }))
      const error = yield* Effect.flip(remote.snapshot)
      expect(error.message).toBe(`object storage ${url}/${BUCKET}: no answer within 300ms`)
    }))
})
