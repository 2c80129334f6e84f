import type * as FileSystem from "@effect/platform/FileSystem"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as MirrorSync from "../mirror-sync.js"
import * as MirroredStore from "../mirrored-store.js"
import { Replicas } from "../replicas.js"
import type { Store } from "../store.js"
import { parseDsn } from "./dsn.js"
import { makeDatabase, PgDatabase } from "./pg-database.js"
import { makePgRemote } from "./pg-remote.js"
import { makePgReplicas } from "./pg-replicas.js"
import { makePgUsageArchive } from "./pg-usage-archive.js"
import { UsageArchive } from "../../usage/usage-archive.js"

/** Where the PostgreSQL store connects and mirrors. @category models */
export interface PostgresStoreOptions {
  /** PGSTORE_DSN: a URL or keyword DSN. */
  readonly dsn: string
  /** PGSTORE_SCHEMA, when the tables live in a schema of their own. */
  readonly schema?: string
  /** The local mirror: `<PGSTORE_LOCAL_PATH>/pgstore`. */
  readonly root: string
  /** How often to look for changes NOTIFY may have missed (default 10 s). */
  readonly pollInterval?: Duration.DurationInput
  readonly startTimeout?: MirroredStore.MirroredStoreOptions["startTimeout"]
  readonly retry?: MirroredStore.MirroredStoreOptions["retry"]
  readonly logsDir?: string
}

/**
 * The PostgreSQL store (spec/03 B.6's tables): the Store on a local mirror kept in step by
 * NOTIFY within a fraction of a second, the Replicas coordination (advisory locks, shared
 * cooldowns), the usage archive, and the database itself.
 * @category layers
 */
export const layer = (
  options: PostgresStoreOptions
): Layer.Layer<Store | MirrorSync.MirrorSync | Replicas | PgDatabase | UsageArchive, MirrorSync.StoreUnavailable, FileSystem.FileSystem> =>
  Layer.scopedContext(Effect.gen(function*() {
    const db = yield* makeDatabase(parseDsn(options.dsn), options.schema)
    const mirrored = yield* Layer.build(MirroredStore.layer({
      root: options.root,
      remote: Effect.succeed(makePgRemote(db, options.pollInterval ?? "10 seconds")),
      ...(options.startTimeout !== undefined ? { startTimeout: options.startTimeout } : {}),
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
      ...(options.logsDir !== undefined ? { logsDir: options.logsDir } : {})
    }))
    const sync = Context.get(mirrored, MirrorSync.MirrorSync)
    const usage = yield* makePgUsageArchive(db)
    return mirrored.pipe(Context.add(Replicas, makePgReplicas(db, sync)), Context.add(PgDatabase, db), Context.add(UsageArchive, usage))
  }))
