import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { clientOptions, parseEndpoint } from "../../src/store/object/endpoint.js"

const ok = (raw: string) => {
  const parsed = parseEndpoint(raw)
  if (Either.isLeft(parsed)) throw new Error(`expected ${raw} to parse, got: ${parsed.left}`)
  return parsed.right
}
const error = (raw: string) => {
  const parsed = parseEndpoint(raw)
  if (Either.isRight(parsed)) throw new Error(`expected ${raw} to be refused, got ${JSON.stringify(parsed.right)}`)
  return parsed.left
}

describe("parseEndpoint (OBJECTSTORE_ENDPOINT)", () => {
  it("http:// turns TLS off and keeps the port", () => {
    expect(ok("http://minio:9000")).toEqual({ endPoint: "minio", port: 9000, useSSL: false, url: "http://minio:9000" })
  })

  it("https:// turns TLS on; the scheme's default port is left to the client", () => {
    expect(ok("https://s3.example.com")).toEqual({ endPoint: "s3.example.com", useSSL: true, url: "https://s3.example.com" })
    expect(ok("HTTPS://s3.example.com:443")).toEqual({ endPoint: "s3.example.com", useSSL: true, url: "https://s3.example.com" })
    expect(ok("https://s3.example.com:8443").port).toBe(8443)
  })

  it("without a scheme TLS is on, and host:port is split", () => {
    expect(ok("minio.internal:9000")).toEqual({ endPoint: "minio.internal", port: 9000, useSSL: true, url: "https://minio.internal:9000" })
    expect(ok("127.0.0.1")).toEqual({ endPoint: "127.0.0.1", useSSL: true, url: "https://127.0.0.1" })
    // port 80 is not https's default, so it is kept
    expect(ok("minio:80").port).toBe(80)
  })

  it("trims blanks and trailing slashes", () => {
    expect(ok("  http://minio:9000///  ")).toEqual(ok("http://minio:9000"))
    expect(ok("minio:9000/")).toEqual(ok("minio:9000"))
  })

  it("refuses other schemes, a missing host, a path, credentials and junk, naming the problem", () => {
    expect(error("ftp://minio:21")).toMatch(/unsupported .*scheme "ftp"/)
    expect(error("s3://bucket")).toMatch(/scheme "s3"/)
    expect(error("http://")).toMatch(/no host/)
    expect(error("https:///bucket")).toMatch(/no host/)
    expect(error("   ")).toMatch(/empty/)
    expect(error("http://minio:9000/bucket")).toMatch(/without a path/)
    expect(error("minio:9000/bucket")).toMatch(/without a path/)
    expect(error("http://minio:9000?region=x")).toMatch(/without a path or query/)
    expect(error("minio:notaport")).toMatch(/not a host, host:port/)
    expect(error("minio:70000")).toMatch(/not a host, host:port/)
  })

  it("never repeats credentials written into the endpoint", () => {
    const message = error("https://AKIA:sup3r-secret@s3.example.com")
    expect(message).toMatch(/must not carry credentials/)
    expect(message).not.toContain("sup3r-secret")
    expect(error("ftp://u:sup3r-secret@host")).not.toContain("sup3r-secret")
  })

  it("a host the S3 client would refuse is refused here, so building the client cannot fail", () => {
    expect(error("http://-minio:9000")).toMatch(/refused by the S3 client/)
  })

  it("gives the client its host, port and TLS flag", () => {
    expect(clientOptions(ok("http://minio:9000"))).toEqual({ endPoint: "minio", port: 9000, useSSL: false })
    expect(clientOptions(ok("s3.example.com"))).toEqual({ endPoint: "s3.example.com", useSSL: true })
  })
})
