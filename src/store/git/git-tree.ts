/**
 * The Git store's records as Git objects: reading the Go layout (`config/config.yaml`,
 * `auths/*.json`) from a commit, and building trees and commits with files replaced,
 * straight in the object database (no index, no working tree), so a merge is just a tree.
 * These are promise helpers; `git-remote.ts` runs them inside Effects and maps failures.
 */
import * as fs from "node:fs"
import * as git from "isomorphic-git"
import type { RemoteChange, RemoteSnapshot } from "../remote.js"

/** A clone on disk and the object cache shared by the calls on it. @category models */
export interface Repo {
  readonly fs: typeof fs
  readonly dir: string
  readonly cache: object
}

/** A repository path and its new text (`undefined` removes it). @category models */
export interface FileEdit {
  readonly path: string
  readonly text: string | undefined
  /** For commit messages: "auth x.json" or "config". */
  readonly label: string
}

/** The config's place in the repository, as in the Go store. @category paths */
export const configPath = "config/config.yaml"
/** The folder of the auth records, as in the Go store. @category paths */
export const authFolder = "auths"

/** Who the store's commits are by (spec/03 B.5). @category models */
export const storeAuthor = { name: "CLIProxyAPI", email: "cliproxy@local" } as const

const isNotFound = (e: unknown) => typeof e === "object" && e !== null && (e as { code?: unknown }).code === "NotFoundError"

/** A record change as a file edit; an id that would leave `auths/` is refused (the mirror never sends one). @category constructors */
export const toEdit = (change: RemoteChange): FileEdit | string => {
  if (change.kind === "config") return { path: configPath, text: change.text, label: "config" }
  if (change.id === "" || change.id === "." || change.id === ".." || /[/\\]/.test(change.id)) return `the auth id ${JSON.stringify(change.id)} is not a plain file name`
  return { path: `${authFolder}/${change.id}`, text: change.text, label: `auth ${change.id}` }
}

/**
 * "Update auth a.json", or for several "Update auth a.json, delete auth b.json, update config".
 * @category constructors
 */
export const describeEdits = (edits: ReadonlyArray<FileEdit>): string => {
  const text = edits.map((e) => `${e.text === undefined ? "delete" : "update"} ${e.label}`).join(", ")
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** The blob id of a file in a commit, or undefined when it has no such file. @category reading */
export const blobAt = async (repo: Repo, commit: string, filepath: string): Promise<string | undefined> => {
  try {
    return (await git.readBlob({ ...repo, oid: commit, filepath })).oid
  } catch (e) {
    if (isNotFound(e)) return undefined
    throw e
  }
}

/** The blob id a text would have, without writing it. @category reading */
export const blobIdOf = async (text: string | undefined): Promise<string | undefined> =>
  text === undefined ? undefined : (await git.hashBlob({ object: text })).oid

/** The tree id of a commit. @category reading */
export const treeOf = async (repo: Repo, commit: string): Promise<string> => (await git.readCommit({ ...repo, oid: commit })).commit.tree

const utf8 = new TextDecoder()

/** The config and the top-level `auths/*.json` of a commit. @category reading */
export const readRecords = async (repo: Repo, commit: string): Promise<RemoteSnapshot> => {
  const config = await blobAt(repo, commit, configPath)
  let entries: ReadonlyArray<git.TreeEntry> = []
  try {
    entries = (await git.readTree({ ...repo, oid: commit, filepath: authFolder })).tree
  } catch (e) {
    if (!isNotFound(e)) throw e
  }
  const auths = new Map<string, string>()
  for (const entry of entries) {
    if (entry.type !== "blob" || !entry.path.toLowerCase().endsWith(".json")) continue
    auths.set(entry.path, utf8.decode((await git.readBlob({ ...repo, oid: entry.oid })).blob))
  }
  return {
    config: config === undefined ? undefined : utf8.decode((await git.readBlob({ ...repo, oid: config })).blob),
    auths
  }
}

/** `base` (a tree or commit, or nothing) with the files written or removed; an emptied folder is dropped. */
const editTree = async (repo: Repo, base: string | undefined, edits: ReadonlyArray<readonly [ReadonlyArray<string>, string | undefined]>): Promise<string | undefined> => {
  const entries = new Map<string, git.TreeEntry>()
  if (base !== undefined) for (const e of (await git.readTree({ ...repo, oid: base })).tree) entries.set(e.path, e)
  const nested = new Map<string, Array<readonly [ReadonlyArray<string>, string | undefined]>>()
  for (const [[name = "", ...rest], text] of edits) {
    if (rest.length > 0) nested.set(name, [...(nested.get(name) ?? []), [rest, text]])
    else if (text === undefined) entries.delete(name)
    else entries.set(name, { mode: "100644", path: name, type: "blob", oid: await git.writeBlob({ ...repo, blob: Buffer.from(text, "utf8") }) })
  }
  for (const [name, sub] of nested) {
    const existing = entries.get(name)
    const tree = await editTree(repo, existing?.type === "tree" ? existing.oid : undefined, sub)
    if (tree === undefined) entries.delete(name)
    else entries.set(name, { mode: "040000", path: name, type: "tree", oid: tree })
  }
  return entries.size === 0 ? undefined : git.writeTree({ ...repo, tree: [...entries.values()] })
}

/** The root tree of `base` with the edits applied (an empty tree if nothing is left). @category writing */
export const applyEdits = async (repo: Repo, base: string | undefined, edits: ReadonlyArray<FileEdit>): Promise<string> =>
  (await editTree(repo, base, edits.map((e) => [e.path.split("/"), e.text] as const))) ?? (await git.writeTree({ ...repo, tree: [] }))

/** Writes a commit by the store's author (no branch moves); `timestamp` in Unix seconds. @category writing */
export const writeCommit = (repo: Repo, options: { readonly tree: string; readonly parents: ReadonlyArray<string>; readonly message: string; readonly timestamp: number }) => {
  const who = { ...storeAuthor, timestamp: options.timestamp, timezoneOffset: 0 }
  return git.writeCommit({ ...repo, commit: { message: `${options.message}\n`, tree: options.tree, parent: [...options.parents], author: who, committer: who } })
}
