import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"

// Every relative link in the README, docs/ and the examples' READMEs points at a file that
// exists and, with a #fragment, at a heading of that file (GitHub's anchor rules).
const pages = ["README.md", ...fs.readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`), "examples/custom-provider/README.md"]
// written on the storage branch; checked like the others once they exist
const pending = new Set(["docs/storage.md", "docs/deployment.md"])

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-")

const anchors = (file: string) => {
  const text = fs.readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "")
  return new Set([...text.matchAll(/^#{1,6}\s+(.*)$/gm)].map((m) => slug(m[1]!)))
}

const links = (file: string) => {
  const text = fs.readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "")
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l))
}

describe("documentation links", () => {
  it.each(pages)("%s: every relative link resolves", (page) => {
    const broken: Array<string> = []
    for (const link of links(page)) {
      const [target = "", fragment] = link.split("#")
      const file = target === "" ? page : path.normalize(path.join(path.dirname(page), target))
      if (!fs.existsSync(file)) {
        if (!pending.has(file)) broken.push(`${link} (no ${file})`)
        continue
      }
      if (fragment !== undefined && file.endsWith(".md") && !anchors(file).has(fragment)) broken.push(`${link} (no heading #${fragment})`)
    }
    expect(broken).toEqual([])
  })
})
