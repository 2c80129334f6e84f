/**
 * A backend held in memory, shared by several stores (replicas), that can be taken down and
 * brought back: the reference Remote the mirror contract runs against first.
 */
import { type Duration, Effect, PubSub, Stream } from "effect"
import { type Remote, RemoteError, type RemoteSnapshot } from "../../src/store/remote.js"

/** One in-memory backend. */
export interface MemoryBackend {
  config: string | undefined
  readonly auths: Map<string, string>
  /** While true every call fails as an unreachable backend would. */
  down: boolean
  /** While true every call dies, as a driver that crashes on a dropped connection does. */
  dies: boolean
  /** Pushes received, for assertions. */
  readonly pushes: Array<ReadonlyArray<string>>
  readonly remote: (pollInterval?: Duration.DurationInput) => Remote
}

/** A new, empty in-memory backend. */
export const memoryBackend = (): MemoryBackend => {
  const signals = Effect.runSync(PubSub.unbounded<void>())
  const unreachable = new RemoteError({ message: "connection refused (memory backend is down)" })
  const backend: MemoryBackend = {
    config: undefined,
    auths: new Map(),
    down: false,
    dies: false,
    pushes: [],
    remote: (pollInterval: Duration.DurationInput = "5 seconds") => ({
      kind: "memory",
      name: "memory backend",
      pollInterval,
      snapshot: Effect.suspend(() =>
        backend.dies ? Effect.die(new Error("driver crashed")) : backend.down
          ? Effect.fail(unreachable)
          : Effect.succeed<RemoteSnapshot>({ config: backend.config, auths: new Map(backend.auths) })
      ),
      push: (changes) =>
        Effect.suspend(() => {
          if (backend.dies) return Effect.die(new Error("driver crashed"))
          if (backend.down) return Effect.fail(unreachable)
          for (const c of changes) {
            if (c.kind === "config") backend.config = c.text
            else if (c.text === undefined) backend.auths.delete(c.id)
            else backend.auths.set(c.id, c.text)
          }
          backend.pushes.push(changes.map((c) => (c.kind === "config" ? "config" : c.id)))
          return PubSub.publish(signals, undefined)
        }),
      changes: Stream.fromPubSub(signals)
    })
  }
  return backend
}
