/**
 * The Git store's backend (spec/03 B.5, issue 9): a clone of `GITSTORE_GIT_URL` whose
 * `config/config.yaml` and `auths/*.json` the mirror sync reads and writes. Every change is
 * one commit with a message saying what changed, pushed without force; when another
 * replica pushed first, the remote's commit is fetched and merged per file (this push's
 * files take our version, every other file theirs) and the push is tried again, so history
 * is kept and nobody's change is overwritten.
 */
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as git from "isomorphic-git"
import { type Remote, type RemoteChange, RemoteError, type RemoteSnapshot } from "../remote.js"
import { gitAccess } from "./git-access.js"
import * as GitClone from "./git-clone.js"
import { applyEdits, authFolder, blobAt, blobIdOf, describeEdits, type FileEdit, readRecords, type Repo, toEdit, treeOf, writeCommit } from "./git-tree.js"

/** Where the Git store's repository is and how often to look for others' changes. @category models */
export interface GitRemoteOptions {
  /** `GITSTORE_GIT_URL`; HTTPS (or HTTP) smart-protocol URL. */
  readonly url: string
  /** `GITSTORE_GIT_USERNAME`; `git` when only a token is given. */
  readonly username?: string | undefined
  /** `GITSTORE_GIT_TOKEN`, sent as the HTTP basic password. */
  readonly token?: string | undefined
  /** The clone's folder (`<root>/.repository`), apart from the mirror's own files. */
  readonly repoDir: string
  /** How often to pull (`GITSTORE_PULL_INTERVAL`, 30 s by default). */
  readonly pullInterval: Duration.DurationInput
}

/** A push race lost this many times in a row gives up until the sync's next round. */
const pushAttempts = 5
const raceRetry = Schedule.exponential("50 millis").pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(pushAttempts - 1)))

const nowSeconds = Effect.map(Clock.currentTimeMillis, (ms) => Math.floor(ms / 1000))

/** The edits among `edits` that change something in `commit`. */
const effectiveIn = async (repo: Repo, commit: string, edits: ReadonlyArray<FileEdit>) => {
  const out: Array<FileEdit> = []
  for (const e of edits) if ((await blobAt(repo, commit, e.path)) !== (await blobIdOf(e.text))) out.push(e)
  return out
}

/** A Git repository as a mirror backend (the clone lives in `repoDir`). @category constructors */
export const makeGitRemote = (options: GitRemoteOptions): Effect.Effect<Remote, never, Scope.Scope> =>
  Effect.gen(function*() {
    const access = gitAccess(options)
    const clone = GitClone.make(options.repoDir, access)
    const { repo } = clone
    const lock = yield* Effect.makeSemaphore(1)
    const inRepo = <A>(what: string, f: () => Promise<A>) => Effect.tryPromise({ try: f, catch: access.fail(what) })

    /** The first commit of an empty remote: the two folders, as the Go store makes them. */
    const initialize = (branch: string) =>
      Effect.gen(function*() {
        if ((yield* clone.localHead(branch)) === undefined) {
          const keep = (folder: string): FileEdit => ({ path: `${folder}/.gitkeep`, text: "", label: folder })
          const tree = yield* inRepo("writing the first commit", () => applyEdits(repo, undefined, [keep(authFolder), keep("config")]))
          const timestamp = yield* nowSeconds
          const commit = yield* inRepo("writing the first commit", () => writeCommit(repo, { tree, parents: [], message: "Initialize git token store", timestamp }))
          yield* clone.setLocal(branch, commit)
        }
        yield* clone.push(branch)
      })

    /** Brings the local branch to the remote's head (initializing an empty remote) and returns that head. */
    const syncToRemote = (branch: string) =>
      Effect.gen(function*() {
        const theirs = yield* clone.fetch(branch)
        if (theirs === undefined) {
          yield* initialize(branch)
          const head = yield* clone.remoteHead(branch)
          if (head === undefined) return yield* new RemoteError({ message: "the first push left no branch on the remote" })
          yield* clone.checkout(branch)
          return head
        }
        const mine = yield* clone.localHead(branch)
        if (mine !== theirs) {
          if (mine !== undefined && !(yield* inRepo("comparing commits", () => isAncestor(mine, theirs)))) {
            // commits that never reached the remote (a push that failed before a crash): the
            // mirror still holds those changes as pending and sends them again, so they go
            yield* Effect.logWarning(`Git repository ${access.url}: local commits not on the remote were set aside; the mirror pushes its pending changes again`)
          }
          yield* clone.setLocal(branch, theirs)
          yield* clone.checkout(branch)
        }
        return theirs
      }).pipe(Effect.retry({ schedule: raceRetry, while: (e) => e._tag === "PushRejected" }), Effect.catchTag("PushRejected", rejectedError))

    const isAncestor = (ancestor: string, of: string) => git.isDescendent({ ...repo, oid: of, ancestor, depth: -1 })

    /** After a rejected push: the remote's commit merged with ours, this push's files ours, the rest theirs. */
    const mergeRemote = (branch: string, edits: ReadonlyArray<FileEdit>) =>
      Effect.gen(function*() {
        const theirs = yield* clone.fetch(branch)
        const ours = yield* clone.localHead(branch)
        if (theirs === undefined || ours === undefined) return yield* new RemoteError({ message: `the remote branch ${branch} disappeared during a push` })
        const tree = yield* inRepo("merging the remote's changes", () => applyEdits(repo, theirs, edits))
        if (tree === (yield* inRepo("reading the remote's commit", () => treeOf(repo, theirs)))) {
          // the remote already has every file of this push as we have it: nothing of ours to add
          return yield* clone.setLocal(branch, theirs)
        }
        const kept = describeEdits(yield* inRepo("comparing with the remote", () => effectiveIn(repo, theirs, edits)))
        const message = `Merge origin/${branch}: keep this replica's ${kept.charAt(0).toLowerCase()}${kept.slice(1)}`
        const timestamp = yield* nowSeconds
        const merged = yield* inRepo("writing the merge commit", () => writeCommit(repo, { tree, parents: [ours, theirs], message, timestamp }))
        yield* clone.setLocal(branch, merged)
      })

    /** Pushes until the local branch is on the remote, merging whenever another writer got there first. */
    const pushLanded = (branch: string, edits: ReadonlyArray<FileEdit>) =>
      Effect.gen(function*() {
        if ((yield* clone.localHead(branch)) === (yield* clone.remoteHead(branch))) return
        yield* clone.push(branch).pipe(Effect.tapError((e) => (e._tag === "PushRejected" ? mergeRemote(branch, edits) : Effect.void)))
      }).pipe(Effect.retry({ schedule: raceRetry, while: (e) => e._tag === "PushRejected" }), Effect.catchTag("PushRejected", rejectedError))

    const snapshot: Effect.Effect<RemoteSnapshot, RemoteError> = Effect.gen(function*() {
      const branch = yield* clone.open
      const head = yield* syncToRemote(branch)
      return yield* inRepo(`reading ${branch}`, () => readRecords(repo, head))
    })

    const push = (changes: ReadonlyArray<RemoteChange>) =>
      Effect.gen(function*() {
        const edits: Array<FileEdit> = []
        for (const change of changes) {
          const edit = toEdit(change)
          if (typeof edit === "string") return yield* new RemoteError({ message: edit })
          edits.push(edit)
        }
        const branch = yield* clone.open
        const base = (yield* clone.localHead(branch)) ?? (yield* syncToRemote(branch))
        const effective = yield* inRepo("comparing with the branch", () => effectiveIn(repo, base, edits))
        if (effective.length > 0) {
          const tree = yield* inRepo("writing the commit", () => applyEdits(repo, base, edits))
          const timestamp = yield* nowSeconds
          const commit = yield* inRepo("writing the commit", () => writeCommit(repo, { tree, parents: [base], message: describeEdits(effective), timestamp }))
          yield* clone.setLocal(branch, commit)
        }
        yield* pushLanded(branch, edits).pipe(
          // a commit that did not land is dropped: the mirror keeps the change pending and sends it again
          Effect.tapError(() => Effect.ignore(Effect.flatMap(clone.remoteHead(branch), (head) => (head === undefined ? Effect.void : clone.setLocal(branch, head)))))
        )
        yield* clone.checkout(branch)
      })

    return {
      kind: "git",
      name: `Git repository ${access.url}`,
      pollInterval: options.pullInterval,
      snapshot: lock.withPermits(1)(snapshot),
      push: (changes) => lock.withPermits(1)(push(changes))
    } satisfies Remote
  })

const rejectedError = (e: GitClone.PushRejected) =>
  Effect.fail(new RemoteError({ message: `push rejected ${pushAttempts} times in a row (another writer keeps pushing): ${e.reason}` }))
