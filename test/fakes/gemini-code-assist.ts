/**
 * Fake Gemini CLI upstream (Google Code Assist, spec/02 §1a, §1c and §14, spec/05 Gemini CLI):
 * `POST /v1internal:generateContent | :streamGenerateContent | :countTokens` with the
 * `{model, project, request}` envelope and every answer wrapped as `{response, traceId}`;
 * minimal `loadCodeAssist`, `onboardUser` and operation polling for the login flow.
 */
import { Context, Layer } from "effect"
import * as FakeServer from "./fake-server.js"
import * as Gemini from "./gemini.js"
import * as Script from "./script.js"

/** Options of the Code Assist fake. @category models */
export interface Options extends FakeServer.Options {
  /** When set, requests must carry `Authorization: Bearer <accessToken>`. */
  readonly accessToken?: string
  /** The Cloud AI Companion project the account is onboarded to (default `fake-project`). */
  readonly project?: string
  /** false: loadCodeAssist reports no current tier, so a client must onboard (default true). */
  readonly onboarded?: boolean
  /** How many `onboardUser` calls answer `done: false` before `done: true` (default 1). */
  readonly onboardPolls?: number
}

/** The fake Code Assist upstream. @category tags */
export class CodeAssistFake extends Context.Tag("cli-proxy-api/test/CodeAssistFake")<CodeAssistFake, FakeServer.Service>() {}

/** Google's error JSON for a status (Code Assist uses the same shape as the Gemini API). @category errors */
export const errorBody = Gemini.errorBody

/** A scripted Google error answer; `retryAfter` adds the `retry-after` header. @category constructors */
export const errorReply = Gemini.errorReply

const freeTier = {
  id: "free-tier",
  name: "Gemini Code Assist for individuals",
  description: "Gemini Code Assist for individuals",
  userDefinedCloudaicompanionProject: false
}

const spec = (options: Options): FakeServer.FakeSpec => {
  const project = options.project ?? "fake-project"
  const operation = "operations/fake-onboard-operation"
  const onboarded = {
    name: operation,
    done: true,
    response: {
      "@type": "type.googleapis.com/google.internal.cloud.code.v1internal.OnboardUserResponse",
      cloudaicompanionProject: { id: project, name: project }
    }
  }
  let onboardCalls = 0
  return {
    name: "gemini-code-assist",
    errorBody,
    route: (request) => {
      if (options.accessToken !== undefined && request.headers["authorization"] !== `Bearer ${options.accessToken}`) {
        return FakeServer.json(401, errorBody(401))
      }
      const method = /^\/v1internal:([A-Za-z]+)$/.exec(request.path)?.[1]
      const alt = request.query["alt"] ?? request.query["$alt"]
      if (request.method === "POST" && (method === "generateContent" || method === "streamGenerateContent")) {
        return (req, reply) => {
          const model = Script.stringField(req.json, "model") ?? "gemini-2.5-pro"
          // Code Assist responses carry a createTime; every one is wrapped with a traceId.
          const generated = Gemini.generate(req, reply, model, { createTime: new Date().toISOString() })
          const traceId = Script.fakeId("", req.index, 16)
          return Gemini.renderGenerate(generated, reply.stream ?? method === "streamGenerateContent", alt, (response) => ({ response, traceId }))
        }
      }
      if (request.method === "POST" && method === "countTokens") {
        return (req, reply) => FakeServer.json(200, { totalTokens: Gemini.countTokens(req, reply).totalTokens }, {}, 2)
      }
      if (request.method === "POST" && method === "loadCodeAssist") {
        const body = options.onboarded === false
          ? { allowedTiers: [{ ...freeTier, isDefault: true }], cloudaicompanionProject: project }
          : { currentTier: freeTier, allowedTiers: [{ ...freeTier, isDefault: true }], cloudaicompanionProject: project, gcpManaged: false }
        return FakeServer.json(200, body, {}, 2)
      }
      if (request.method === "POST" && method === "onboardUser") {
        onboardCalls++
        return FakeServer.json(200, onboardCalls > (options.onboardPolls ?? 1) ? onboarded : { name: operation, done: false }, {}, 2)
      }
      if (request.method === "GET" && request.path === `/v1internal/${operation}`) {
        return FakeServer.json(200, onboarded, {}, 2)
      }
      // retrieveUserQuota, listExperiments, ...: the real Gemini CLI tolerates a 404 for these.
      return FakeServer.json(404, errorBody(404))
    }
  }
}

/** Starts the fake for the current scope. @category constructors */
export const make = (options: Options = {}) => FakeServer.make(spec(options), options)

/** The fake as a scoped Layer on 127.0.0.1:0. @category layers */
export const layer = (options: Options = {}) => Layer.scoped(CodeAssistFake, make(options))

/** Starts the fake without Effect (bench scripts); call `close()` when done. @category constructors */
export const start = (options: Options = {}) => FakeServer.start(spec(options), options)
