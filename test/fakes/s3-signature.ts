/**
 * Checks an AWS Signature Version 4 `Authorization` header against a secret key, as S3 does
 * (s3rver checks only version 2, so without this a wrong secret would pass).
 */
import { createHash, createHmac } from "node:crypto"
import type { IncomingHttpHeaders } from "node:http"

const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest()

/** The fields of `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`, or undefined for another scheme. */
const parseAuthorization = (header: string) => {
  const match = /^AWS4-HMAC-SHA256 (.*)$/.exec(header)
  if (match === null) return undefined
  const fields = new Map(match[1]!.split(/,\s*/).map((part) => {
    const at = part.indexOf("=")
    return [part.slice(0, at), part.slice(at + 1)] as const
  }))
  const credential = fields.get("Credential")?.split("/")
  const signedHeaders = fields.get("SignedHeaders")?.split(";")
  const signature = fields.get("Signature")
  if (credential?.length !== 5 || signedHeaders === undefined || signature === undefined) return undefined
  const [accessKey, date, region, service] = credential as [string, string, string, string, string]
  return { accessKey, date, region, service, signedHeaders, signature }
}

/**
 * Whether a request is signed with this secret: true for a correct V4 signature, false for a
 * wrong one or a request with no V4 `Authorization` header.
 */
export const signedWith = (method: string, url: string, headers: IncomingHttpHeaders, secret: string): boolean => {
  const auth = parseAuthorization(String(headers.authorization ?? ""))
  if (auth === undefined) return false
  const [resource = "", query = ""] = url.split("?")
  const canonicalQuery = query === "" ? "" : query.split("&").sort().map((p) => (p.includes("=") ? p : `${p}=`)).join("&")
  const canonicalHeaders = auth.signedHeaders.map((h) => `${h}:${String(headers[h] ?? "").trim().replace(/ +/g, " ")}\n`).join("")
  const canonicalRequest = [
    method,
    resource,
    canonicalQuery,
    canonicalHeaders,
    auth.signedHeaders.join(";"),
    String(headers["x-amz-content-sha256"] ?? "UNSIGNED-PAYLOAD")
  ].join("\n")
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`
  const stringToSign = ["AWS4-HMAC-SHA256", String(headers["x-amz-date"] ?? ""), scope, createHash("sha256").update(canonicalRequest).digest("hex")].join("\n")
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, auth.date), auth.region), auth.service), "aws4_request")
  return hmac(key, stringToSign).toString("hex") === auth.signature
}

/** S3's answer to a request signed with another secret. */
export const signatureMismatchXml =
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message></Error>`
