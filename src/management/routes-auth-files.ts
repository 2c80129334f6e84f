import * as fs from "node:fs"
import * as path from "node:path"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { CredentialPool } from "../credentials/credential-pool.js"
import { statuses } from "../credentials/status.js"
import { TokenRefresh } from "../credentials/token-refresh.js"
import { isObject, type JsonObject } from "../formats/json.js"
import { rfc3339 } from "../providers/shared/oauth-refresh.js"
import { decodeAuthFile } from "../store/auth-file.js"
import { Store } from "../store/store.js"
import { bodyJson, field, json, ok, query, refuse } from "./respond.js"

/**
 * A plain file name in auth-dir, or the refusal: no separators, no `..`, `.json` only, and
 * never a link (a link could point anywhere on the machine).
 * @category names
 */
export const checkName = (dir: string, name: string | null | undefined): Either.Either<string, { status: number; error: string }> => {
  const n = (name ?? "").trim()
  if (n === "" || n === "." || n === ".." || n.includes("/") || n.includes("\\") || n.includes("\0") || path.basename(n) !== n) {
    return Either.left({ status: 400, error: "invalid name" })
  }
  if (!n.toLowerCase().endsWith(".json")) return Either.left({ status: 400, error: "name must end with .json" })
  try {
    if (fs.lstatSync(path.join(dir, n)).isSymbolicLink()) return Either.left({ status: 400, error: "invalid name: links are not served" })
  } catch {
    // absent: fine for an upload; a read reports it as not found
  }
  return Either.right(n)
}

const str = (v: unknown) => (typeof v === "string" ? v : "")

/** The auth files with what the panel shows of each: type, account, and the credential's live status. */
const listFiles = Effect.gen(function*() {
  const store = yield* Store
  const status = new Map((yield* statuses(yield* CredentialPool, yield* TokenRefresh)).map((s) => [s.id, s]))
  let names: Array<string>
  try {
    names = fs.readdirSync(store.dir).filter((n) => n.toLowerCase().endsWith(".json") && !n.startsWith(".")).sort()
  } catch (e) {
    return refuse(500, `failed to read auth dir: ${String(e)}`)
  }
  const files = names.flatMap((name) => {
    const file = path.join(store.dir, name)
    let info: fs.Stats
    try {
      info = fs.lstatSync(file)
    } catch {
      return []
    }
    if (!info.isFile()) return []
    let meta: Record<string, unknown> = {}
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(file, "utf8"))
      if (isObject(parsed)) meta = parsed
    } catch {
      // listed as it is: an unreadable file is still a file the operator may want to delete
    }
    const s = status.get(name)
    return [{
      name,
      size: info.size,
      modtime: rfc3339(info.mtimeMs),
      type: str(meta.type),
      email: str(meta.email),
      disabled: meta.disabled === true,
      status: s?.state ?? "not-loaded",
      ...(s ? { provider: s.provider, cooling: s.cooling, ...(s.lastError ? { last_error: s.lastError } : {}) } : {})
    }]
  })
  return json({ files })
})

/** Saves an uploaded auth file through the Store, after checking it is one (the Go version wrote first, checked after). */
const saveUpload = (name: string, text: string) =>
  Effect.gen(function*() {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (e) {
      return refuse(400, `invalid auth file: ${e instanceof Error ? e.message : String(e)}`)
    }
    const decoded = decodeAuthFile(parsed)
    if (Either.isLeft(decoded)) return refuse(400, `invalid auth file: ${decoded.left}`)
    const saved = yield* Effect.either((yield* Store).save(name, parsed as JsonObject))
    return Either.isLeft(saved) ? refuse(500, `failed to save auth file: ${saved.left.message}`) : ok
  })

const upload = Effect.gen(function*() {
  const req = yield* HttpServerRequest.HttpServerRequest
  const store = yield* Store
  const type = req.headers["content-type"] ?? ""
  if (type.toLowerCase().startsWith("multipart/form-data")) {
    const raw = yield* req.arrayBuffer.pipe(Effect.orElseSucceed(() => new ArrayBuffer(0)))
    const form = yield* Effect.tryPromise(() => new Response(raw, { headers: { "content-type": type } }).formData()).pipe(Effect.option)
    const file = form._tag === "Some" ? form.value.get("file") : null
    if (file === null || typeof file === "string") return refuse(400, "no file in the form field \"file\"")
    const name = checkName(store.dir, path.basename(file.name))
    if (Either.isLeft(name)) return refuse(400, name.left.error === "name must end with .json" ? "file must be .json" : name.left.error)
    return yield* saveUpload(name.right, yield* Effect.promise(() => file.text()))
  }
  const name = checkName(store.dir, (yield* query).get("name"))
  if (Either.isLeft(name)) return refuse(name.left.status, name.left.error)
  return yield* saveUpload(name.right, yield* req.text.pipe(Effect.orElseSucceed(() => "")))
})

const download = Effect.gen(function*() {
  const store = yield* Store
  const name = checkName(store.dir, (yield* query).get("name"))
  if (Either.isLeft(name)) return refuse(name.left.status, name.left.error)
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(path.join(store.dir, name.right))
  } catch {
    return refuse(404, "file not found")
  }
  return HttpServerResponse.uint8Array(bytes, {
    contentType: "application/json",
    headers: { "content-disposition": `attachment; filename="${name.right}"` }
  })
})

const remove = Effect.gen(function*() {
  const store = yield* Store
  const q = yield* query
  if (["true", "1", "*"].includes(q.get("all") ?? "")) {
    const records = yield* store.list
    let deleted = 0
    for (const r of records) if (Either.isRight(yield* Effect.either(store.remove(r.id)))) deleted++
    return json({ status: "ok", deleted })
  }
  const name = checkName(store.dir, q.get("name"))
  if (Either.isLeft(name)) return refuse(name.left.status, name.left.error)
  if (!fs.existsSync(path.join(store.dir, name.right))) return refuse(404, "file not found")
  const removed = yield* Effect.either(store.remove(name.right))
  return Either.isLeft(removed) ? refuse(500, removed.left.message) : ok
})

/** `PATCH /auth-files/status {name, disabled}`: turns a credential off or on, in its file. */
const setDisabled = Effect.gen(function*() {
  const store = yield* Store
  const body = yield* bodyJson
  const disabled = field(body, "disabled")
  if (typeof disabled !== "boolean") return refuse(400, "disabled is required")
  const name = field(body, "name")
  const checked = checkName(store.dir, typeof name === "string" ? name : "")
  if (Either.isLeft(checked)) return refuse(checked.left.status, checked.left.error)
  const record = (yield* store.list).find((r) => r.id === checked.right)
  if (record === undefined) return refuse(404, "auth file not found")
  const { disabled: _was, ...rest } = record.metadata
  const saved = yield* Effect.either(store.save(record.id, disabled ? { ...rest, disabled: true } : rest))
  return Either.isLeft(saved) ? refuse(500, saved.left.message) : ok
})

/** The auth files: list, download, upload, delete, enable/disable (spec/03 A.5). @category routes */
export const authFileRoutes = HttpRouter.empty.pipe(
  HttpRouter.get("/auth-files", listFiles),
  HttpRouter.get("/auth-files/download", download),
  HttpRouter.post("/auth-files", upload),
  HttpRouter.del("/auth-files", remove),
  HttpRouter.patch("/auth-files/status", setDisabled)
)
