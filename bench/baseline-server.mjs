// The yardstick: a bare node:http server doing the least the proxy must do for the same
// routes (read the body, parse it, answer JSON). The proxy's cost is reported against it.
import { createServer } from "node:http"

const server = createServer((req, res) => {
  const chunks = []
  req.on("data", (c) => chunks.push(c))
  req.on("end", () => {
    let status = 200
    let body = JSON.stringify({ object: "list", data: [] })
    if (req.method === "POST") {
      const json = JSON.parse(Buffer.concat(chunks).toString("utf8"))
      status = 400
      body = JSON.stringify({ error: { message: `unknown provider for model ${json.model}`, type: "invalid_request_error" } })
    }
    res.writeHead(status, { "content-type": "application/json", "access-control-allow-origin": "*" })
    res.end(body)
  })
})
server.listen(0, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`))
process.on("SIGTERM", () => server.close(() => process.exit(0)))
