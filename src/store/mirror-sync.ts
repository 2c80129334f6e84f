import * as fs from "node:fs"
import * as path from "node:path"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { writeAtomicallySync } from "./atomic-write.js"
import { type Remote, type RemoteChange, RemoteError, type RemoteSnapshot } from "./remote.js"
import { CONFIG_KEY, contentHash, readSyncState, type SyncState, writeSyncState } from "./sync-state.js"

/** Where a mirrored store keeps its local copy. @category models */
export interface MirrorPaths {
  readonly root: string
  /** `<root>/config/config.yaml` */
  readonly configFile: string
  /** `<root>/auths` */
  readonly authDir: string
  /** `<root>/.sync-state.json`: the base of the three-way reconcile. */
  readonly stateFile: string
}

/** The mirror layout under a backend's local folder (spec/03 B.5-B.7). @category constructors */
export const mirrorPaths = (root: string): MirrorPaths => {
  const abs = path.resolve(root)
  return {
    root: abs,
    configFile: path.join(abs, "config", "config.yaml"),
    authDir: path.join(abs, "auths"),
    stateFile: path.join(abs, ".sync-state.json")
  }
}

/** The backend is unreachable at start and there is no mirror from an earlier run to start from. @category errors */
export class StoreUnavailable extends Data.TaggedError("StoreUnavailable")<{ readonly message: string }> {}

/** How the sync with the backend is going: the read model for logs and status pages. @category models */
export interface SyncStatus {
  /** `file`, `postgres`, `object`, `git`. */
  readonly kind: string
  /** The backend in words (never a secret). */
  readonly backend: string
  readonly online: boolean
  /** Local changes not yet in the backend. */
  readonly pending: number
  readonly lastError?: string
  /** When the backend last answered, Unix ms. */
  readonly lastSyncAt?: number
}

/** Keeps a local mirror and a backend in step, both ways. @category models */
export interface Service {
  /** Pushes every pending local change now. */
  readonly flush: Effect.Effect<void, RemoteError>
  /** Fetches the backend's state now and applies what changed there. */
  readonly pull: Effect.Effect<void, RemoteError>
  readonly status: Effect.Effect<SyncStatus>
}

/** The mirror sync of a Git, PostgreSQL or object store; with the file store, one with nothing to sync. @category tags */
export class MirrorSync extends Context.Tag("cli-proxy-api/MirrorSync")<MirrorSync, Service>() {}

/** A store that is its own backend (the file store, a library's own): always in step. @category constructors */
export const inStep = (kind: string, backend: string): Service => ({
  flush: Effect.void,
  pull: Effect.void,
  status: Effect.succeed({ kind, backend, online: true, pending: 0 })
})

/** The mirror's records by key; `unreadable` holds auth files that are not JSON now (half-written, hand-broken). */
type Local = Map<string, string> & { unreadable?: Set<string> }

const isAuthName = (name: string) => name.endsWith(".json") && !name.startsWith(".")

/** The mirror's records now: config.yaml under CONFIG_KEY, each auth file by its name. */
const readLocal = (paths: MirrorPaths): Local => {
  const out: Local = new Map()
  try {
    out.set(CONFIG_KEY, fs.readFileSync(paths.configFile, "utf8"))
  } catch {
    // no config yet
  }
  let names: Array<string> = []
  try {
    names = fs.readdirSync(paths.authDir)
  } catch {
    // no folder yet
  }
  for (const name of names) {
    if (!isAuthName(name)) continue
    try {
      const text = fs.readFileSync(path.join(paths.authDir, name), "utf8")
      // an empty file is one being written (or "no record", spec/03 B.3)
      if (text.trim() === "") continue
      try {
        JSON.parse(text)
        out.set(name, text)
      } catch {
        // neither pushed nor taken as deleted: it waits until it reads as JSON again
        ;(out.unreadable ??= new Set()).add(name)
      }
    } catch {
      // vanished meanwhile: the next pass sees it gone
    }
  }
  return out
}

const remoteRecords = (snapshot: RemoteSnapshot): Local => {
  const out: Local = new Map()
  if (snapshot.config !== undefined) out.set(CONFIG_KEY, snapshot.config)
  for (const [id, text] of snapshot.auths) {
    // ids that would leave the folder or name a sub-folder are never written locally
    if (isAuthName(id) && !id.includes("/") && !id.includes("\\") && id !== "..") out.set(id, text)
  }
  return out
}

const baseOf = (state: SyncState, key: string) => (key === CONFIG_KEY ? state.config : state.auths[key])
const setBase = (state: SyncState, key: string, hash: string | undefined) => {
  if (key === CONFIG_KEY) {
    if (hash === undefined) delete state.config
    else state.config = hash
  } else if (hash === undefined) delete state.auths[key]
  else state.auths[key] = hash
}
const hashOf = (key: string, text: string | undefined) => (text === undefined ? undefined : contentHash(key, text))

const changeFor = (key: string, text: string | undefined): RemoteChange =>
  key === CONFIG_KEY ? { kind: "config", text } : { kind: "auth", id: key, text }

/** Auth JSON is written pretty-printed whatever the backend's spacing; other text as it is. */
const localText = (key: string, text: string) => {
  if (key === CONFIG_KEY) return text.replace(/\r\n?/g, "\n")
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}


/** The options of the sync engine. @category models */
export interface SyncOptions {
  readonly paths: MirrorPaths
  readonly remote: Remote
  /** How long the first contact may take before it counts as down (default 30 s, as Go's). */
  readonly startTimeout?: Duration.DurationInput
  /** Retry schedule while the backend is down (default 0.5 s doubling, at most 30 s apart). */
  readonly retry?: Schedule.Schedule<unknown, RemoteError>
}

/**
 * Starts syncing a mirror with its backend, in the current scope. At start the backend's
 * state is reconciled with the mirror (or, if the backend is down and a mirror from an
 * earlier run exists, the mirror is used with a warning). Afterwards local changes are
 * pushed as the stream given to `follow` signals them, and the backend's changes are pulled on its
 * change signal and on an interval. A record changed on one side only takes that side;
 * changed on both, the local change wins (it is pushed, with a warning). While the backend
 * is down, changes stay in the mirror and are retried with backoff; nothing is dropped.
 * @category constructors
 */
export const start = (options: SyncOptions) =>
  Effect.gen(function*() {
    const { paths, remote } = options
    fs.mkdirSync(paths.authDir, { recursive: true, mode: 0o700 })
    fs.mkdirSync(path.dirname(paths.configFile), { recursive: true, mode: 0o700 })
    const earlier = readSyncState(paths.stateFile)
    const state: SyncState = earlier ?? { auths: {} }
    let online = false
    let lastError: string | undefined
    let lastSyncAt: number | undefined
    const lock = yield* Effect.makeSemaphore(1)
    let onApplied: (key: string) => Effect.Effect<void> = () => Effect.void

    // the file changes with the hashes; the time alone is refreshed at most once a minute
    let written = ""
    let writtenAt = 0
    const saveState = () => {
      lastSyncAt = Date.now()
      const hashes = JSON.stringify([state.config, state.auths])
      if (hashes === written && lastSyncAt - writtenAt < 60_000) return
      state.syncedAt = new Date(lastSyncAt).toISOString()
      writeSyncState(paths.stateFile, state)
      written = hashes
      writtenAt = lastSyncAt
    }
    const pendingKeys = (local: Local) => {
      const keys = new Set<string>([...local.keys(), CONFIG_KEY, ...Object.keys(state.auths)])
      return [...keys].filter((k) => local.unreadable?.has(k) !== true && hashOf(k, local.get(k)) !== baseOf(state, k))
    }

    const pushKeys = (local: Local, keys: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        if (keys.length === 0) return
        yield* remote.push(keys.map((k) => changeFor(k, local.get(k))))
        for (const k of keys) setBase(state, k, hashOf(k, local.get(k)))
        saveState()
        yield* Effect.logDebug(`${remote.name}: pushed ${keys.join(", ")}`)
      })

    /** Local changes only: what differs from the base goes to the backend. */
    const pushLocal = lock.withPermits(1)(Effect.suspend(() => {
      const local = readLocal(paths)
      return pushKeys(local, pendingKeys(local))
    }))

    /** Both ways: the backend's state against the mirror and the base. */
    const reconcile = (snapshot: RemoteSnapshot, firstContact: boolean) =>
      lock.withPermits(1)(Effect.gen(function*() {
        const local = readLocal(paths)
        const theirs = remoteRecords(snapshot)
        if (firstContact && earlier === undefined) {
          // never synced: a record on both sides takes the backend's version; one only here is uploaded
          for (const [k, text] of local) if (theirs.has(k)) setBase(state, k, contentHash(k, text))
        }
        const keys = new Set<string>([...local.keys(), ...theirs.keys(), CONFIG_KEY, ...Object.keys(state.auths)])
        const toPush: Array<string> = []
        for (const k of keys) {
          if (local.unreadable?.has(k) === true) continue
          const mine = hashOf(k, local.get(k))
          const their = hashOf(k, theirs.get(k))
          const base = baseOf(state, k)
          if (mine === their) setBase(state, k, mine)
          else if (mine === base) {
            const text = theirs.get(k)
            const file = k === CONFIG_KEY ? paths.configFile : path.join(paths.authDir, k)
            // the base moves first, so the watcher's echo of this write is not pushed back
            setBase(state, k, their)
            if (text === undefined) fs.rmSync(file, { force: true })
            else writeAtomicallySync(file, localText(k, text))
            if (k !== CONFIG_KEY) yield* onApplied(k)
            yield* Effect.logInfo(`${remote.name}: ${text === undefined ? "removed" : "updated"} ${k} from the backend`)
          } else {
            if (their !== base) yield* Effect.logWarning(`${remote.name}: ${k} changed both here and in the backend; keeping this replica's version`)
            toPush.push(k)
          }
        }
        saveState()
        yield* pushKeys(local, toPush)
      }))

    const pullOnce = (firstContact: boolean) => Effect.flatMap(remote.snapshot, (s) => reconcile(s, firstContact))

    const retry = options.retry ?? Schedule.exponential("500 millis").pipe(Schedule.union(Schedule.spaced("30 seconds")), Schedule.jittered)
    const track = <A>(self: Effect.Effect<A, RemoteError>) =>
      self.pipe(
        Effect.tap(() =>
          Effect.suspend(() => {
            const was = online
            online = true
            lastError = undefined
            return was ? Effect.void : Effect.logInfo(`${remote.name}: connected; the mirror is in step`)
          })
        ),
        Effect.tapError((e) =>
          Effect.suspend(() => {
            const was = online
            online = false
            const repeated = lastError === e.message
            lastError = e.message
            return was || !repeated
              ? Effect.logWarning(`${remote.name} unreachable (${e.message}); changes stay in ${paths.root} and are retried`)
              : Effect.void
          })
        )
      )

    // first contact: the backend's word, or the mirror of an earlier run, or a clear stop
    const first = yield* pullOnce(true).pipe(
      Effect.timeoutFail({
        duration: options.startTimeout ?? "30 seconds",
        onTimeout: () => new RemoteError({ message: `no answer within ${Duration.format(Duration.decode(options.startTimeout ?? "30 seconds"))}` })
      }),
      Effect.either
    )
    if (first._tag === "Left") {
      if (earlier === undefined) {
        return yield* new StoreUnavailable({
          message: `${remote.name} is unreachable: ${first.left.message}; there is no local mirror from an earlier run in ${paths.root} to start from`
        })
      }
      lastError = first.left.message
      yield* Effect.logWarning(
        `${remote.name} is unreachable (${first.left.message}); starting from the local mirror in ${paths.root}, last in step ${earlier.syncedAt ?? "at an unknown time"}. Changes are kept and synced when it returns.`
      )
    } else {
      online = true
      lastSyncAt = Date.now()
    }

    // one worker does all syncing, so pushes and pulls never interleave; triggers only set flags
    let wantPull = first._tag === "Left"
    const wake = yield* Queue.sliding<void>(1)
    const work = Effect.suspend(() => {
      const pull = wantPull
      wantPull = false
      return pull ? pullOnce(false) : pushLocal
    }).pipe(
      // a backend client that dies (a driver's defect) is a failed attempt like any other: the
      // worker must outlive it, or nothing would sync again until a restart
      Effect.catchAllDefect((d) => Effect.fail(new RemoteError({ message: d instanceof Error ? d.message : String(d) })))
    )
    yield* Queue.take(wake).pipe(
      Effect.zipRight(Effect.sleep("20 millis")),
      Effect.zipRight(track(work).pipe(
        Effect.tapError(() => Effect.sync(() => void (wantPull = true))),
        Effect.retry(retry),
        Effect.ignore
      )),
      Effect.forever,
      Effect.forkScoped
    )
    const kick = (pull: boolean) =>
      Effect.suspend(() => {
        if (pull) wantPull = true
        return Queue.offer(wake, undefined)
      })
    if (wantPull) yield* kick(true)

    yield* kick(true).pipe(Effect.repeat(Schedule.spaced(remote.pollInterval)), Effect.delay(remote.pollInterval), Effect.forkScoped)
    if (remote.changes !== undefined) {
      // the signal stream ends or fails when its connection drops: open it again after a pause
      yield* remote.changes.pipe(
        Stream.runForEach(() => kick(true)),
        Effect.catchAllCause(() => Effect.void),
        Effect.zipRight(Effect.sleep("1 second")),
        Effect.zipRight(kick(true)),
        Effect.forever,
        Effect.forkScoped
      )
    }

    // on shutdown, what is pending gets one last chance to reach the backend
    yield* Effect.addFinalizer(() =>
      track(pushLocal).pipe(
        Effect.timeout("5 seconds"),
        Effect.catchAll(() => {
          const n = pendingKeys(readLocal(paths)).length
          return n === 0 ? Effect.void : Effect.logWarning(`${n} change(s) not yet in ${remote.name}; they stay in ${paths.root} and sync on the next start`)
        })
      )
    )

    const service: Service = {
      flush: track(pushLocal),
      pull: track(pullOnce(false)),
      status: Effect.sync(() => ({
        kind: remote.kind,
        backend: remote.name,
        online,
        pending: pendingKeys(readLocal(paths)).length,
        ...(lastError !== undefined ? { lastError } : {}),
        ...(lastSyncAt !== undefined ? { lastSyncAt } : {})
      }))
    }
    /**
     * Pushes after every signal of the given stream (the mirror's own change events); `applied`
     * re-reads a record the sync wrote, so readers see it at once rather than at the watcher's pace.
     */
    const follow = (localChanged: Stream.Stream<unknown>, applied: (key: string) => Effect.Effect<void>) =>
      Effect.sync(() => void (onApplied = applied)).pipe(
        Effect.zipRight(localChanged.pipe(Stream.runForEach(() => kick(false)), Effect.forkScoped)),
        Effect.asVoid
      )
    return { sync: MirrorSync.of(service), follow }
  })
