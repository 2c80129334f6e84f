import * as fs from "node:fs"
import * as path from "node:path"

/** Options of a size-rotated log file. @category models */
export interface RotatingFileOptions {
  readonly dir: string
  readonly name?: string
  readonly maxBytes?: number
  readonly keep?: number
}

/** A size-rotated append-only log file: main.log, rotated to main-<stamp>.log, oldest removed. @category models */
export interface RotatingFile {
  readonly file: string
  readonly write: (line: string) => void
  readonly close: () => void
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, "").replace("T", "-").replace(/\.(\d+)Z$/, "$1")

/**
 * Opens (creating the folder) a rotating log file. Writes are synchronous appends: a log
 * line is small, and a line must not be lost when the process dies right after it.
 * @category constructors
 */
export const openRotatingFile = (options: RotatingFileOptions): RotatingFile => {
  const name = options.name ?? "main.log"
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024
  const keep = options.keep ?? 10
  fs.mkdirSync(options.dir, { recursive: true, mode: 0o755 })
  const file = path.join(options.dir, name)
  const base = name.replace(/\.log$/, "")
  let fd = fs.openSync(file, "a", 0o644)
  let size = fs.fstatSync(fd).size
  let seq = 0

  const prune = () => {
    const rotated = fs.readdirSync(options.dir)
      .filter((f) => f.startsWith(`${base}-`) && f.endsWith(".log"))
      .sort()
    // keep counts the live file too: the last `keep` files of maxBytes each
    for (const old of rotated.slice(0, Math.max(0, rotated.length - (keep - 1)))) {
      fs.rmSync(path.join(options.dir, old), { force: true })
    }
  }

  const rotate = () => {
    fs.closeSync(fd)
    seq = (seq + 1) % 1000
    fs.renameSync(file, path.join(options.dir, `${base}-${stamp(new Date())}${String(seq).padStart(3, "0")}.log`))
    fd = fs.openSync(file, "a", 0o644)
    size = 0
    prune()
  }

  return {
    file,
    write: (line) => {
      const buf = Buffer.from(line.endsWith("\n") ? line : `${line}\n`)
      if (size > 0 && size + buf.length > maxBytes) rotate()
      fs.writeSync(fd, buf)
      size += buf.length
    },
    close: () => {
      try {
        fs.closeSync(fd)
      } catch {
        // already closed
      }
    }
  }
}
