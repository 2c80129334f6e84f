// The yardstick: a bare node:http pass-through proxy, the least a proxy must do. It reads
// the client's body, forwards it with undici (the proxy's HTTP client too) to the upstream
// named by the first path segment (`/<name>/rest` -> <upstream name>/rest), and pipes the
// answer back with backpressure. No parsing, no auth, no logging, no translation.
// Usage: node bench/bare-proxy.mjs '{"name": "http://127.0.0.1:port", ...}'
import { createServer } from "node:http"
import { request } from "undici"

const upstreams = JSON.parse(process.argv[2] ?? "{}")
const hopByHop = new Set(["host", "connection", "keep-alive", "transfer-encoding", "content-length"])

const server = createServer((req, res) => {
  const url = req.url ?? "/"
  const slash = url.indexOf("/", 1)
  const origin = upstreams[url.slice(1, slash < 0 ? url.length : slash)]
  if (origin === undefined || slash < 0) return void res.writeHead(404).end()
  const chunks = []
  req.on("data", (c) => chunks.push(c))
  req.on("end", () => {
    const headers = {}
    for (const [k, v] of Object.entries(req.headers)) if (!hopByHop.has(k)) headers[k] = v
    const abort = new AbortController()
    res.on("close", () => { if (!res.writableFinished) abort.abort() })
    request(origin + url.slice(slash), { method: req.method, headers, body: Buffer.concat(chunks), signal: abort.signal }).then(
      (up) => {
        res.writeHead(up.statusCode, { "content-type": up.headers["content-type"] ?? "application/octet-stream" })
        up.body.on("data", (c) => {
          if (!res.write(c)) {
            up.body.pause()
            res.once("drain", () => up.body.resume())
          }
        })
        up.body.on("end", () => res.end())
        up.body.on("error", () => res.destroy())
      },
      () => (res.headersSent ? res.destroy() : res.writeHead(502).end())
    )
  })
})
server.listen(0, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`))
process.on("SIGTERM", () => server.close(() => process.exit(0)))
