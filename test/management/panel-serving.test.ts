/**
 * The control panel's files (issue 8 point 4, spec/03 A.6): served at /management.html and
 * /management/<asset> with no key, even with the API off; `disable-control-panel` turns it
 * off; MANAGEMENT_STATIC_PATH serves another copy; strict headers on the package's copy.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { packagePanelDir } from "../../src/management/panel-assets.js"
import { http, startServer, tempDir } from "../support/server.js"

const withKeys = "api-keys: [client-key]"

describe("control panel files", () => {
  it.scopedLive("the page and its assets need no key, even with client keys set and the management API off", () =>
    Effect.gen(function*() {
      const s = yield* startServer(withKeys)
      expect((yield* http(`${s.url}/v0/management/config`)).status).toBe(404) // no secret: the API is off
      const page = yield* http(`${s.url}/management.html`)
      expect(page.status).toBe(200)
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8")
      expect(page.headers.get("cache-control")).toBe("no-cache")
      expect(page.headers.get("x-content-type-options")).toBe("nosniff")
      const csp = page.headers.get("content-security-policy") ?? ""
      for (const rule of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) {
        expect(csp).toContain(rule)
      }
      expect(page.text).toContain(`src="/management/panel.js"`)
      const js = yield* http(`${s.url}/management/panel.js`)
      expect(js.status).toBe(200)
      expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8")
      expect(js.headers.get("content-security-policy")).toBe(csp)
      const css = yield* http(`${s.url}/management/panel.css`)
      expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8")
    }))

  it.scopedLive("every module the page loads is served, and nothing is fetched from elsewhere", () =>
    Effect.gen(function*() {
      const s = yield* startServer(withKeys)
      const seen = new Set<string>()
      const queue = ["panel.js"]
      while (queue.length > 0) {
        const name = queue.pop()!
        if (seen.has(name)) continue
        seen.add(name)
        const got = yield* http(`${s.url}/management/${name}`)
        expect(got.status, name).toBe(200)
        for (const m of got.text.matchAll(/from "\.\/([a-z0-9-]+\.js)"/g)) queue.push(m[1]!)
      }
      expect(seen.size).toBeGreaterThan(5)
      for (const file of fs.readdirSync(packagePanelDir)) {
        // the SVG namespace is a name, not an address
        const text = fs.readFileSync(path.join(packagePanelDir, file), "utf8").replaceAll("http://www.w3.org/2000/svg", "")
        expect(text, file).not.toMatch(/https?:\/\/|\/\/cdn|@import/)
      }
    }))

  it.scopedLive("unknown or unsafe asset names are 404s, and only GET serves", () =>
    Effect.gen(function*() {
      const s = yield* startServer(withKeys)
      const missing = yield* http(`${s.url}/management/nope.js`)
      expect(missing.status).toBe(404)
      expect(missing.text).toBe("")
      for (const p of ["/management/..%2Fpanel-assets.ts", "/management/panel-assets.ts", "/management/.panel.js", "/management/x/panel.js"]) {
        expect((yield* http(`${s.url}${p}`)).status, p).toBe(404)
      }
      expect((yield* http(`${s.url}/management.html`, { method: "POST" })).status).toBe(404)
    }))

  it.scopedLive("disable-control-panel: true answers 404 with no body, for the page and its assets", () =>
    Effect.gen(function*() {
      const s = yield* startServer(`${withKeys}\nremote-management:\n  disable-control-panel: true`)
      for (const p of ["/management.html", "/management/panel.js"]) {
        const got = yield* http(`${s.url}${p}`)
        expect(got.status).toBe(404)
        expect(got.text).toBe("")
      }
    }))

  it.scopedLive("MANAGEMENT_STATIC_PATH naming a management.html file serves that file; the assets still come from the package", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const file = path.join(dir, "Management.HTML")
      fs.writeFileSync(file, "<html><script>inline()</script>other copy</html>")
      const s = yield* startServer(withKeys, { managementStaticPath: file })
      const page = yield* http(`${s.url}/management.html`)
      expect(page.status).toBe(200)
      expect(page.text).toContain("other copy")
      expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8")
      // an operator's copy (the Go Management Center inlines its scripts) is not held to the panel's CSP
      expect(page.headers.get("content-security-policy")).toBe("frame-ancestors 'none'")
      expect((yield* http(`${s.url}/management/panel.css`)).text).toBe(fs.readFileSync(path.join(packagePanelDir, "panel.css"), "utf8"))
    }))

  it.scopedLive("MANAGEMENT_STATIC_PATH naming a folder serves its management.html and its own assets; a folder without one is a 404", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      fs.writeFileSync(path.join(dir, "management.html"), "folder copy")
      fs.writeFileSync(path.join(dir, "panel.css"), "body{}")
      const s = yield* startServer(withKeys, { managementStaticPath: dir })
      expect((yield* http(`${s.url}/management.html`)).text).toBe("folder copy")
      expect((yield* http(`${s.url}/management/panel.css`)).text).toBe("body{}")
      expect((yield* http(`${s.url}/management/panel.js`)).status).toBe(200) // from the package
      const empty = yield* startServer(withKeys, { managementStaticPath: path.join(dir, "nothing-here") })
      const got = yield* http(`${empty.url}/management.html`)
      expect(got.status).toBe(404)
      expect(got.text).toBe("")
    }))
})
