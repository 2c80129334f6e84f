/** Opening a URL in the user's browser, best effort: a login never fails for want of one. */
import { spawn } from "node:child_process"
import * as Effect from "effect/Effect"

/** The command that opens a URL on this platform, or undefined when there is no desktop to open it on. @category browser */
export const openerFor = (
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
  url: string
): { readonly command: string; readonly args: ReadonlyArray<string> } | undefined => {
  if (platform === "darwin") return { command: "open", args: [url] }
  // rundll32 takes the URL as one argument, where `start` would split it on `&`
  if (platform === "win32") return { command: "rundll32", args: ["url.dll,FileProtocolHandler", url] }
  // Without a display, xdg-open falls back to text browsers that would fight us for the terminal.
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined
  return { command: "xdg-open", args: [url] }
}

/**
 * Tries to open the URL; true when the opener started and did not fail within 2 s (some
 * openers keep running with the browser). Never fails.
 * @category browser
 */
export const openBrowser = (url: string): Effect.Effect<boolean> =>
  Effect.async<boolean>((resume) => {
    const opener = openerFor(process.platform, process.env, url)
    if (opener === undefined) return resume(Effect.succeed(false))
    let settled = false
    const settle = (opened: boolean) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resume(Effect.succeed(opened))
    }
    const timer = setTimeout(() => settle(true), 2000)
    try {
      const child = spawn(opener.command, [...opener.args], { stdio: "ignore", detached: true })
      child.once("error", () => settle(false))
      child.once("exit", (code) => settle(code === 0))
      child.unref()
    } catch {
      settle(false)
    }
  })
