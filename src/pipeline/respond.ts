import type { ServerResponse } from "node:http"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { aggregate } from "../formats/aggregate.js"
import { codecs } from "../formats/codecs.js"
import type * as IR from "../formats/ir.js"
import { obj, tryParse } from "../formats/json.js"
import * as Completions from "../formats/openai-chat/completions.js"
import { makeByteParser } from "../formats/sse.js"
import { runAll } from "../formats/transducer.js"
import { makeUsageScanner, usageOfBody } from "../formats/usage.js"
import { ApiError } from "../http/errors.js"
import { decoded, header } from "../providers/shared/send.js"
import type { CallPlan, Outcome } from "./execute.js"
import { makeByteTranslator, passthroughStreamError } from "./stream-translator.js"

const unreadable = (provider: string, detail: string) =>
  new ApiError({ status: 502, kind: "api_error", message: `the ${provider} upstream's answer could not be read: ${detail}` })

const writeJson = (res: ServerResponse, text: string | Buffer) => {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) })
  res.end(text)
}

/** The `response` of a Codex stream's terminal event (completed or incomplete): the non-stream Responses body. @category codex */
const completedResponse = (bytes: Buffer): string | undefined => {
  for (const ev of runAll(makeByteParser(), [bytes])) {
    const data = obj(tryParse(ev.data))
    if ((data?.type === "response.completed" || data?.type === "response.incomplete") && obj(data.response) !== undefined) {
      return JSON.stringify(data.response)
    }
  }
  return undefined
}

/**
 * Writes a non-stream answer: the upstream's bytes when client and upstream share a
 * dialect, otherwise decoded (or aggregated from the upstream's stream) and re-encoded.
 * Gives the usage the upstream reported, read after the answer is written.
 * @category responding
 */
export const respondJson = (plan: CallPlan, outcome: Outcome, res: ServerResponse, bytes: Buffer): Effect.Effect<IR.Usage | undefined, ApiError> =>
  Effect.suspend(() => {
    const { provider } = outcome
    const metered = plan.config.usageStatisticsEnabled
    if (outcome.passthrough && !provider.alwaysStreams) {
      writeJson(res, bytes)
      return Effect.succeed(metered ? usageOfBody(provider.dialect, bytes) : undefined)
    }
    if (outcome.passthrough) {
      const body = completedResponse(bytes)
      if (body === undefined) return Effect.fail(unreadable(outcome.credential.provider, "no response.completed or response.incomplete event"))
      writeJson(res, body)
      return Effect.succeed(metered ? usageOfBody(provider.dialect, body) : undefined)
    }
    const ctx = plan.context
    const decodedRes: Either.Either<IR.Response, string> = provider.alwaysStreams
      ? Either.right(aggregate(runAll(codecs[provider.dialect].streamDecoder(ctx), runAll(makeByteParser(), [bytes]))))
      : Either.mapLeft(codecs[provider.dialect].decodeResponse(tryParse(bytes.toString("utf8")), ctx), (e) => e.message)
    if (Either.isLeft(decodedRes)) return Effect.fail(unreadable(outcome.credential.provider, decodedRes.left))
    const body = plan.client.completions
      ? Completions.encodeResponse(decodedRes.right, { ...(ctx.model ? { model: ctx.model } : {}), ...(ctx.created ? { created: ctx.created } : {}) })
      : codecs[plan.client.dialect].encodeResponse(decodedRes.right, ctx)
    writeJson(res, JSON.stringify(body))
    return Effect.succeed(decodedRes.right.usage)
  })

/** How a stream ended: the usage seen, and whether the upstream broke off. @category models */
export interface StreamEnd {
  readonly usage: IR.Usage | undefined
  readonly broken: boolean
}

/**
 * Streams the answer, event by event as the upstream produces it, with backpressure: the
 * upstream is paused while the client's socket is full. Passthrough forwards the bytes;
 * otherwise a stateful translator re-frames them. An upstream that breaks off mid-stream
 * ends the client's stream with its dialect's error event. Interruption (the client left)
 * destroys the upstream body, which aborts the upstream request.
 * @category responding
 */
export const respondStream = (plan: CallPlan, outcome: Outcome, res: ServerResponse, onFirstBytes?: () => void): Effect.Effect<StreamEnd> =>
  Effect.async<StreamEnd>((resume) => {
    const jsonArray = plan.client.dialect === "gemini" && plan.alt !== undefined
    const translator = outcome.passthrough
      ? undefined
      : makeByteTranslator(outcome.provider.dialect, plan.client.dialect, plan.context, { completions: plan.client.completions, jsonArray })
    const upstreamType = header(outcome.response, "content-type")
    res.writeHead(200, {
      "content-type": jsonArray ? "application/json; charset=utf-8" : outcome.passthrough && upstreamType ? upstreamType : "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no"
    })
    res.flushHeaders()
    const source = decoded(outcome.response)
    // passthrough bytes are not decoded: only their usage is picked out, when it is counted
    const scanner = translator === undefined && plan.config.usageStatisticsEnabled ? makeUsageScanner(outcome.provider.dialect) : undefined
    let done = false
    const finish = (tail: string, broken: boolean) => {
      if (done) return
      done = true
      if (tail !== "" && !res.writableEnded) res.write(tail)
      res.end()
      resume(Effect.succeed({ usage: translator ? translator.usage() : scanner?.usage(), broken }))
    }
    let first = onFirstBytes
    source.on("data", (chunk: Buffer) => {
      scanner?.step(chunk)
      const out = translator ? translator.step(chunk) : chunk
      if (first !== undefined && out.length > 0) {
        first()
        first = undefined
      }
      if (out.length > 0 && !res.write(out)) {
        source.pause()
        res.once("drain", () => source.resume())
      }
    })
    source.once("end", () => finish(translator ? translator.flush() : "", false))
    source.once("error", (e) => {
      const message = `upstream stream broke off: ${e.message}`
      finish(translator ? translator.fail(message) : passthroughStreamError(plan.client.dialect, message), true)
    })
    return Effect.sync(() => {
      done = true
      source.destroy()
      outcome.response.body.destroy()
    })
  })
