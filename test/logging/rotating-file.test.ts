import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { openRotatingFile } from "../../src/logging/rotating-file.js"

describe("openRotatingFile", () => {
  it("rotates at the size limit and keeps only the newest files", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpa-logs-"))
    const file = openRotatingFile({ dir, maxBytes: 100, keep: 3 })
    for (let i = 0; i < 50; i++) file.write(`line ${String(i).padStart(3, "0")} ${"x".repeat(20)}`)
    file.close()
    const files = fs.readdirSync(dir).sort()
    expect(files).toContain("main.log")
    expect(files.length).toBe(3) // main.log + the 2 newest rotated files
    for (const f of files) expect(fs.statSync(path.join(dir, f)).size).toBeLessThanOrEqual(100)
    // the newest line is in main.log, nothing lost between the kept files
    expect(fs.readFileSync(path.join(dir, "main.log"), "utf8")).toContain("line 049")
  })
  it("appends to an existing file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpa-logs-"))
    fs.writeFileSync(path.join(dir, "main.log"), "old\n")
    const file = openRotatingFile({ dir })
    file.write("new")
    file.close()
    expect(fs.readFileSync(path.join(dir, "main.log"), "utf8")).toBe("old\nnew\n")
  })
})
