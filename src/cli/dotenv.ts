import * as fs from "node:fs"
import * as path from "node:path"
import { parseEnv } from "node:util"

/**
 * Reads `.env` in the working directory into the environment, as the Go version does at
 * start; a variable already set wins. Returns the names it set.
 * @category startup
 */
export const loadDotEnv = (dir: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): ReadonlyArray<string> => {
  let text: string
  try {
    text = fs.readFileSync(path.join(dir, ".env"), "utf8")
  } catch {
    return []
  }
  const set: Array<string> = []
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] !== undefined || value === undefined) continue
    env[name] = value
    set.push(name)
  }
  return set
}
