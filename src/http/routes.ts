import { isAssetName } from "../management/panel-assets.js"
import { loginCallbackPaths } from "../management/routes-logins.js"
import type { Dialect } from "./dialect.js"

/** The wire format of a model-call route. @category models */
export type CallFormat =
  | "openai-chat"
  | "openai-completions"
  | "openai-responses"
  | "claude"
  | "claude-count-tokens"
  | "gemini"
  /** Gemini CLI's Code Assist calls (`/v1internal:...`): Gemini inside the `{model, project, request}` envelope. */
  | "gemini-cli"

/** Gemini actions reachable under `/v1beta/models/{model}:{action}`. @category models */
export type GeminiAction = "generateContent" | "streamGenerateContent" | "countTokens"

/** A matched route: a list/info route served by the platform app, or a model call (hot path). @category models */
export type Route =
  | { readonly kind: "info"; readonly dialect: Dialect; readonly auth: boolean }
  | {
    readonly kind: "model"
    readonly dialect: Dialect
    readonly format: CallFormat
    /** The model named in the path (Gemini), else read from the body. */
    readonly pathModel?: string
    readonly action?: GeminiAction
  }
  | { readonly kind: "bad-gemini-action"; readonly dialect: "gemini"; readonly model: string; readonly action: string }
  /** Claude Code's reachability probe. */
  | { readonly kind: "hello"; readonly dialect: Dialect }
  /**
   * A plain GET where only a websocket means anything: Codex tries one on /v1/responses
   * first (426 sends it back to HTTP); /v1/ws is the AI Studio relay's socket.
   */
  | { readonly kind: "upgrade-required"; readonly dialect: Dialect; readonly message: string }
  /** `/v0/management/*`: the management API, which checks its own key. */
  | { readonly kind: "management"; readonly dialect: Dialect }
  /** Gemini CLI's other Code Assist calls (loadCodeAssist, onboardUser, countTokens, operations...), relayed as they are. */
  | { readonly kind: "code-assist"; readonly dialect: "gemini" }
  /** The control panel: `/management.html` and its assets under `/management/`; no key (spec/03 A.6). */
  | { readonly kind: "panel"; readonly dialect: Dialect; readonly asset: string }

/** Code Assist routes serve the local Gemini CLI only: loopback peers, no client key (it sends its own Google token). @category matching */
export const isCodeAssistRoute = (route: Route): boolean =>
  route.kind === "code-assist" || (route.kind === "model" && route.format === "gemini-cli")

const openAiRoutes: Record<string, CallFormat> = {
  "/v1/chat/completions": "openai-chat",
  "/v1/completions": "openai-completions",
  "/v1/responses": "openai-responses",
  "/v1/messages": "claude",
  "/v1/messages/count_tokens": "claude-count-tokens"
}

const geminiActions: ReadonlyArray<GeminiAction> = ["generateContent", "streamGenerateContent", "countTokens"]
const isGeminiAction = (s: string): s is GeminiAction => (geminiActions as ReadonlyArray<string>).includes(s)

const decodeSegment = (s: string): string => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s // a malformed escape is kept as written; it will simply name no model
  }
}

/** Matches a method and path (trailing slash ignored) to a route, or undefined for 404. @category matching */
export const matchRoute = (method: string, rawPath: string, listAs: Dialect): Route | undefined => {
  const path = rawPath.length > 1 && rawPath.endsWith("/") ? rawPath.slice(0, -1) : rawPath
  if (method === "HEAD" && path === "/api/hello") return { kind: "hello", dialect: "claude" }
  if (path.startsWith("/v1internal")) return codeAssistRoute(method, path)
  if (path === "/v0/management" || path.startsWith("/v0/management/")) return { kind: "management", dialect: "openai" }
  // the sign-in callbacks the management API takes on the main port (spec/03 A.5)
  if (method === "GET" && loginCallbackPaths.has(path)) return { kind: "management", dialect: "openai" }
  if (method === "GET") {
    if (path === "/") return { kind: "info", dialect: "openai", auth: false }
    if (path === "/v1/models" || (path.startsWith("/v1/models/") && !path.includes(":"))) {
      return { kind: "info", dialect: listAs, auth: true }
    }
    if (path === "/v1beta/models" || (path.startsWith("/v1beta/models/") && !path.includes(":"))) {
      return { kind: "info", dialect: "gemini", auth: true }
    }
    if (path === "/v1/responses") {
      return { kind: "upgrade-required", dialect: "openai", message: "WebSocket is not supported on /v1/responses; use HTTP (POST /v1/responses)" }
    }
    if (path === "/v1/ws") {
      return { kind: "upgrade-required", dialect: "openai", message: "/v1/ws is the AI Studio relay: connect to it with a websocket (Upgrade: websocket)" }
    }
    if (path === "/metrics") return { kind: "info", dialect: "openai", auth: true }
    if (path === "/management.html") return { kind: "panel", dialect: "openai", asset: "management.html" }
    const asset = path.startsWith("/management/") ? path.slice("/management/".length) : undefined
    if (asset !== undefined && isAssetName(asset)) return { kind: "panel", dialect: "openai", asset }
    return undefined
  }
  if (method !== "POST") return undefined
  const format = openAiRoutes[path]
  if (format !== undefined) {
    return { kind: "model", dialect: format.startsWith("claude") ? "claude" : "openai", format }
  }
  // genai 3.x uses /v1/models/{m}:{action}; 2.x and the Gemini CLI /v1beta (spec/05)
  const geminiPrefix = path.startsWith("/v1beta/models/")
    ? "/v1beta/models/"
    : path.startsWith("/v1/models/") && path.includes(":")
    ? "/v1/models/"
    : undefined
  if (geminiPrefix !== undefined) {
    const rest = decodeSegment(path.slice(geminiPrefix.length))
    const colon = rest.lastIndexOf(":")
    const model = colon < 0 ? rest : rest.slice(0, colon)
    const action = colon < 0 ? "" : rest.slice(colon + 1)
    if (model === "" || model.includes("/") || !isGeminiAction(action)) {
      return { kind: "bad-gemini-action", dialect: "gemini", model, action }
    }
    return { kind: "model", dialect: "gemini", format: "gemini", pathModel: model, action }
  }
  return undefined
}

// Gemini CLI with CODE_ASSIST_ENDPOINT pointed here (spec/01 §3.11): model calls are balanced
// over the pool; its other methods (and GET operations/...) are relayed to Code Assist
const codeAssistRoute = (method: string, path: string): Route | undefined => {
  const action = /^\/v1internal:([A-Za-z]+)$/.exec(path)?.[1]
  if (method === "POST" && (action === "generateContent" || action === "streamGenerateContent")) {
    return { kind: "model", dialect: "gemini", format: "gemini-cli", action }
  }
  if ((method === "POST" && action !== undefined) || (method === "GET" && path.startsWith("/v1internal/"))) {
    return { kind: "code-assist", dialect: "gemini" }
  }
  return undefined
}
