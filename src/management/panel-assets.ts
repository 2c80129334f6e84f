import * as fs from "node:fs"
import type { ServerResponse } from "node:http"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { Config } from "../config/schema.js"

/** The control panel shipped in the package: `panel/` beside this module (copied into dist by the build). @category paths */
export const packagePanelDir = fileURLToPath(new URL("./panel/", import.meta.url))

/** The names an asset under `/management/` may have: plain file names, no folders, no dots but the extension's. @category paths */
export const isAssetName = (name: string): boolean => /^[a-z0-9][a-z0-9-]*\.(js|css|svg|png|ico)$/.test(name)

const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon"
}

/** The panel's own pages load only what this server serves and talk only to it. @category headers */
export const panelCsp =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/**
 * Where `MANAGEMENT_STATIC_PATH` points (spec/03 A.6): a path whose base name is
 * `management.html` (any case) is the page itself; any other value is the folder holding it.
 * @category paths
 */
export const staticLocation = (staticPath: string): { readonly page: string; readonly dir: string } =>
  path.basename(staticPath).toLowerCase() === "management.html"
    ? { page: staticPath, dir: path.dirname(staticPath) }
    : { page: path.join(staticPath, "management.html"), dir: staticPath }

/** The file to serve for an asset name, and whether it is the package's own copy. */
const locate = (asset: string, staticPath: string | undefined): { readonly file: string; readonly own: boolean } => {
  if (staticPath === undefined || staticPath.trim() === "") return { file: path.join(packagePanelDir, asset), own: true }
  const where = staticLocation(staticPath)
  if (asset === "management.html") return { file: where.page, own: false }
  // the operator's folder may hold its own assets; otherwise the package's are used
  const theirs = path.join(where.dir, asset)
  return fs.existsSync(theirs) ? { file: theirs, own: false } : { file: path.join(packagePanelDir, asset), own: true }
}

/**
 * Answers `GET /management.html` or `GET /management/<asset>`: 404 with no body when
 * `disable-control-panel` is on or the file is missing. The package's files carry a strict
 * self-only CSP; an operator's copy (the Go version's Management Center, say, which inlines
 * its scripts) gets only `frame-ancestors 'none'`.
 * @category handlers
 */
export const servePanel = (res: ServerResponse, config: Config, asset: string, staticPath: string | undefined): void => {
  if (config.remoteManagement.disableControlPanel) {
    res.writeHead(404, { "content-length": 0 }).end()
    return
  }
  const { file, own } = locate(asset, staticPath)
  fs.readFile(file, (error, bytes) => {
    if (error) {
      const missing = error.code === "ENOENT" || error.code === "ENOTDIR" || error.code === "EISDIR"
      res.writeHead(missing ? 404 : 500, { "content-length": 0 }).end()
      return
    }
    res.writeHead(200, {
      "content-type": contentTypes[path.extname(file).toLowerCase()] ?? "application/octet-stream",
      "content-length": bytes.length,
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "content-security-policy": own ? panelCsp : "frame-ancestors 'none'"
    })
    res.end(bytes)
  })
}
