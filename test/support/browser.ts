import * as fs from "node:fs"
import { type Browser, chromium } from "playwright-core"

/** Debian's Chromium, which `.ci/run` installs with apt when it is missing. */
export const CHROMIUM = "/usr/bin/chromium"

/** Flags that keep Chromium off the network (this machine's network is closed) and quiet. */
const flags = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage"
]

/**
 * Starts headless Chromium with a fresh profile (Playwright makes one per launch). A missing
 * Chromium fails loudly: browser tests are never skipped.
 */
export const launchChromium = async (): Promise<Browser> => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}; the control panel's browser tests need it. ` +
        "Install Debian's package: apt-get install -y --no-install-recommends chromium (.ci/run does this)."
    )
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: flags })
}
