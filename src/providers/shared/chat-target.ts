import { type CallInput, joinUrl, type Target } from "../provider.js"

/**
 * A sign-in's Chat Completions call (Qwen, iFlow): its token as Bearer, the provider's own
 * client headers, and the entry's configured headers last.
 * @category targets
 */
export const signInChatTarget = (input: CallInput, clientHeaders: Readonly<Record<string, string>>): Target => ({
  url: joinUrl(input.baseUrl, "/chat/completions"),
  headers: {
    "content-type": "application/json",
    authorization: `Bearer ${input.credential.oauth?.accessToken ?? input.credential.apiKey}`,
    ...clientHeaders,
    accept: input.stream ? "text/event-stream" : "application/json",
    ...input.credential.headers
  }
})
