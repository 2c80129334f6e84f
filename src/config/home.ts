/** Home-directory expansion for path-valued config keys. */
import * as os from "node:os"
import * as path from "node:path"

/** Expands a leading `~`, `~/` or `~\` to the given home directory (others are kept). @category paths */
export const expandHome = (p: string, home: string = os.homedir()): string => {
  if (p === "~") return home
  if (p.startsWith("~/") || p.startsWith("~\\")) return path.join(home, p.slice(2))
  return p
}
