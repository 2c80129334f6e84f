import * as Either from "effect/Either"
import { Client, type ClientOptions } from "minio"

/** Where the object storage server is, as the minio client takes it. @category models */
export interface ObjectEndpoint {
  /** Host name or IP address, without port or brackets. */
  readonly endPoint: string
  /** Absent: the scheme's default (80 or 443). */
  readonly port?: number
  readonly useSSL: boolean
  /** `http://127.0.0.1:9000`: for logs and errors. */
  readonly url: string
}

const userinfo = /^[^/?#]*@/

/** The endpoint's part of the minio client's options. @category conversions */
export const clientOptions = (endpoint: ObjectEndpoint): Pick<ClientOptions, "endPoint" | "port" | "useSSL"> => ({
  endPoint: endpoint.endPoint,
  ...(endpoint.port !== undefined ? { port: endpoint.port } : {}),
  useSSL: endpoint.useSSL
})

/**
 * Reads OBJECTSTORE_ENDPOINT as the Go version does (spec/03 B.7): `http://` turns TLS off,
 * `https://` or no scheme turns it on, other schemes are refused, trailing `/` are dropped.
 * The value is never echoed back, since a mistyped one may carry credentials.
 * @category parsing
 */
export const parseEndpoint = (raw: string): Either.Either<ObjectEndpoint, string> => {
  const value = raw.trim()
  if (value === "") return Either.left("the object storage endpoint is empty")
  const schemeAt = value.indexOf("://")
  let useSSL = true
  if (schemeAt >= 0) {
    const scheme = value.slice(0, schemeAt).toLowerCase()
    if (scheme === "http") useSSL = false
    else if (scheme !== "https") return Either.left(`unsupported object storage endpoint scheme "${scheme}" (use http:// or https://)`)
  }
  const rest = (schemeAt >= 0 ? value.slice(schemeAt + 3) : value).replace(/\/+$/, "")
  if (rest === "" || rest.startsWith("/")) return Either.left("the object storage endpoint has no host")
  if (userinfo.test(rest)) {
    return Either.left("the object storage endpoint must not carry credentials; set OBJECTSTORE_ACCESS_KEY and OBJECTSTORE_SECRET_KEY")
  }
  let url: URL
  try {
    url = new URL(`${useSSL ? "https" : "http"}://${rest}`)
  } catch {
    return Either.left("the object storage endpoint is not a host, host:port or http(s) URL")
  }
  // the S3 client addresses buckets from the server's root: a path would be silently wrong
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    return Either.left("the object storage endpoint must be only a host and port, without a path or query")
  }
  const endpoint: ObjectEndpoint = {
    endPoint: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    ...(url.port !== "" ? { port: Number(url.port) } : {}),
    useSSL,
    url: `${url.protocol}//${url.host}`
  }
  // minio's own checks, so building the client later cannot fail
  try {
    new Client({ ...clientOptions(endpoint), accessKey: "", secretKey: "" })
  } catch (e) {
    return Either.left(`the object storage endpoint is refused by the S3 client: ${e instanceof Error ? e.message : String(e)}`)
  }
  return Either.right(endpoint)
}
