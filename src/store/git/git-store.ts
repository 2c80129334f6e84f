import * as path from "node:path"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Layer from "effect/Layer"
import * as Usage from "../../usage/usage-archive.js"
import type { Backend } from "../backend.js"
import type { MirrorSync, StoreUnavailable } from "../mirror-sync.js"
import * as MirroredStore from "../mirrored-store.js"
import * as Replicas from "../replicas.js"
import type { Store } from "../store.js"
import { makeGitRemote } from "./git-remote.js"

/** The Git store (spec/03 B.5, history kept) for GITSTORE_*: the repository behind a local mirror, its clone in `<root>/.repository`. @category layers */
export const layer = (
  backend: Extract<Backend, { kind: "git" }>,
  options: { readonly logsDir?: string }
): Layer.Layer<Store | MirrorSync | Replicas.Replicas | Usage.UsageArchive, StoreUnavailable, FileSystem.FileSystem> =>
  MirroredStore.layer({
    root: backend.root,
    remote: makeGitRemote({
      url: backend.url,
      username: backend.username,
      token: backend.token,
      repoDir: path.join(backend.root, ".repository"),
      pullInterval: backend.pullInterval
    }),
    ...options
  }).pipe(Layer.merge(Replicas.single), Layer.merge(Usage.none))
