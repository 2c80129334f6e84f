/**
 * Takes the control panel's screenshots for the docs (`npm run screenshots`): boots a server
 * with two Claude Code sign-ins on the Claude fake, makes a few calls (one of them a 429, so a
 * credential is cooling down), and saves each screen to docs/images/panel-<screen>.png.
 */
import * as path from "node:path"
import { Effect } from "effect"
import * as Claude from "../fakes/claude.js"
import * as Compat from "../fakes/openai-chat.js"
import { launchChromium } from "../support/browser.js"
import { callClaude, SECRET, startPanelServer } from "./panel-fixture.js"

const out = path.resolve(import.meta.dirname, "../../docs/images")

const program = Effect.gen(function*() {
  // every upstream is a local fake: nothing leaves the machine
  const compat = yield* Compat.make({ models: ["moonshotai/kimi-k2"] })
  const { server, claude } = yield* startPanelServer((claudeUrl) => [
    "logging-to-file: true",
    "usage-statistics-enabled: true",
    "claude-api-key:",
    "  - api-key: sk-ant-api03-example-key-0001",
    `    base-url: ${claudeUrl}`,
    "    models: [{name: claude-sonnet-4-5-20250929, alias: sonnet}]",
    "openai-compatibility:",
    "  - name: router",
    `    base-url: ${compat.url}/v1`,
    "    api-key-entries: [{api-key: sk-or-v1-example-0002}]",
    "    models: [{name: moonshotai/kimi-k2, alias: kimi-k2}]"
  ])
  yield* claude.enqueue(Claude.errorReply(429, { retryAfter: 600, message: "rate limited (example)" }))
  for (let i = 0; i < 4; i++) yield* callClaude(server.url)
  for (let i = 0; i < 2; i++) yield* callClaude(server.url, "sonnet")
  yield* Effect.promise(async () => {
    const browser = await launchChromium()
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, colorScheme: "light" })
      page.on("dialog", (d) => void d.accept())
      await page.goto(`${server.url}/management.html`)
      await page.screenshot({ path: path.join(out, "panel-login.png") })
      await page.getByLabel("Management key").fill(SECRET)
      await page.getByRole("button", { name: "Log in" }).click()
      for (const screen of ["credentials", "keys", "logins", "usage", "logs", "settings"]) {
        await page.goto(`${server.url}/management.html#${screen}`)
        await page.waitForTimeout(700) // let the view load its data
        await page.screenshot({ path: path.join(out, `panel-${screen}.png`), fullPage: screen !== "logs" })
      }
    } finally {
      await browser.close()
    }
  })
})

Effect.runPromise(Effect.scoped(program)).then(
  () => console.log(`screenshots written to ${out}`),
  (e) => {
    console.error(e)
    process.exit(1)
  }
)
