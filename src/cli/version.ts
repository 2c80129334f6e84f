import * as fs from "node:fs"

/** The package version, read from package.json beside src/ or dist/. @category metadata */
export const version: string = (() => {
  try {
    const pkg: unknown = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8"))
    return typeof pkg === "object" && pkg !== null && "version" in pkg && typeof pkg.version === "string"
      ? pkg.version
      : "0.0.0"
  } catch {
    return "0.0.0"
  }
})()
