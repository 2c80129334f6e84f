import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/** The official Codex CLI prompts, vendored byte for byte in `data/codex-instructions/`. @category instructions */
export interface Instructions {
  /** Every official text, for the "already starts with one" check. */
  readonly all: ReadonlyArray<string>
  /** The prompt the backend expects for a model: the newest of its family. */
  readonly forModel: (model: string) => string
}

const dataDir = () => {
  // dist/providers/codex -> ../../../data, src/providers/codex -> ../../../data
  return fileURLToPath(new URL("../../../data/codex-instructions", import.meta.url))
}

/** Loads the vendored prompts once (they ship in the package). @category instructions */
export const loadInstructions = (dir: string = dataDir()): Instructions => {
  const files = fs.readdirSync(dir).filter((f) => f.includes(".md-")).sort()
  const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8")
  const newest = (prefix: string) => {
    const family = files.filter((f) => f.startsWith(prefix))
    return family.length > 0 ? read(family[family.length - 1]!) : ""
  }
  const codex = newest("gpt_5_codex_prompt.md-")
  const general = newest("prompt.md-")
  return {
    all: files.map(read).filter((t) => t !== ""),
    forModel: (model) => (model.includes("codex") ? codex : general)
  }
}
