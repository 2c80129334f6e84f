/**
 * Replays a whole IR response as IR stream events, for serving a streaming client from
 * a non-stream upstream answer (the inverse of `aggregate`).
 */
import type * as IR from "./ir.js"

/** The stream events equivalent to a response. @category conversion */
export const toEvents = (res: IR.Response): Array<IR.StreamEvent> => {
  const out: Array<IR.StreamEvent> = [
    { type: "start", id: res.id, model: res.model, ...(res.created === undefined ? {} : { created: res.created }) }
  ]
  res.parts.forEach((p, index) => {
    switch (p.type) {
      case "text":
        out.push({ type: "block_start", index, block: { kind: "text" } }, { type: "delta", index, delta: { kind: "text", text: p.text } })
        break
      case "thinking":
        out.push({ type: "block_start", index, block: p.redacted === undefined ? { kind: "thinking" } : { kind: "thinking", redacted: p.redacted } })
        if (p.text !== "") out.push({ type: "delta", index, delta: { kind: "thinking", text: p.text } })
        if (p.signature !== undefined && p.signatureProvider !== undefined) {
          out.push({ type: "delta", index, delta: { kind: "signature", signature: p.signature, provider: p.signatureProvider } })
        }
        break
      case "tool_call":
        out.push(
          {
            type: "block_start",
            index,
            block: {
              kind: "tool_call",
              id: p.id,
              name: p.name,
              callKind: p.kind,
              ...(p.namespace === undefined ? {} : { namespace: p.namespace }),
              ...(p.signature === undefined || p.signatureProvider === undefined ? {} : { signature: p.signature, signatureProvider: p.signatureProvider })
            }
          },
          { type: "delta", index, delta: { kind: "arguments", json: p.arguments } }
        )
        break
      case "image":
        if (p.source.kind !== "base64") return
        out.push({ type: "block_start", index, block: { kind: "image", mime: p.source.mime, data: p.source.data } })
        break
      case "opaque":
        out.push({ type: "block_start", index, block: { kind: "opaque", dialect: p.dialect, value: p.value } })
        break
      default:
        return
    }
    out.push({ type: "block_stop", index })
  })
  if (res.usage !== undefined) out.push({ type: "usage", usage: res.usage })
  out.push({ type: "finish", finish: res.finish }, { type: "end" })
  return out
}
