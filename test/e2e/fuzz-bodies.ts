/**
 * fast-check generators of request bodies for the route fuzz test: valid-looking requests of
 * each dialect with fields of the wrong type, missing or unknown (roles, part and item types),
 * then encoded as JSON, truncated JSON, JSON with invalid UTF-8 bytes, non-object JSON, random
 * bytes, deep nesting, prototype keys, or (rarely) huge strings.
 */
import fc from "fast-check"

/** The model routes under test. @internal */
export type FuzzRoute =
  | "chat"
  | "completions"
  | "responses"
  | "messages"
  | "count_tokens"
  | "generateContent"
  | "streamGenerateContent"
  | "countTokens"

/** Models routed to the four fakes by the test's config. @internal */
export const routedModels = ["fz-chat", "fz-claude", "fz-gemini", "fz-codex"] as const

const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxKeys: 3 })
)

/** Mostly the given arbitrary, sometimes a value of another type. */
const or = <A>(a: fc.Arbitrary<A>): fc.Arbitrary<unknown> => fc.oneof({ weight: 5, arbitrary: a }, { weight: 1, arbitrary: junk })

const model: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...routedModels) },
  { weight: 3, arbitrary: fc.constantFrom("no-such-model", "", "fz-chat(high)", "fz-claude-thinking-99999", "fakeup://x", "a/b", "fz-gemini:x", "..", "%00") },
  { weight: 1, arbitrary: junk }
)

const text = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom("\u0000", "\ud800", "\udfff\ud800", "</s>", "data: [DONE]\n\n", "\r\n\r\n") }
)
const image = fc.constantFrom("data:image/png;base64,iVBORw0KGgo=", "data:image/png;base64,%%%", "data:,", "not a url", "")
const b64 = fc.constantFrom("iVBORw0KGgo=", "", "!!!", "AAAA")
const args = fc.oneof(fc.constant("{}"), fc.constant("{\"q\":1"), fc.json({ maxDepth: 2 }))
const schema = fc.oneof(
  fc.constant({ type: "object", properties: { q: { type: "string" } }, required: ["q"] }),
  fc.constant({ type: "OBJECT", properties: { q: { type: "STRING" } } }),
  fc.constant({ $ref: "#/$defs/x", $defs: { x: { type: "object" } } }),
  junk
)
const name = fc.oneof(fc.constantFrom("get_weather", "Bash", "a.b", ""), fc.string({ maxLength: 70 }))
const list = <A>(a: fc.Arbitrary<A>, maxLength = 4) => or(fc.array(a, { maxLength }))
const rec = (shape: Record<string, fc.Arbitrary<unknown>>) => fc.record(shape, { requiredKeys: [] })
const stream = or(fc.boolean())

// --- OpenAI chat and completions

const chatPart = rec({
  type: fc.constantFrom("text", "image_url", "input_audio", "file", "refusal", "hologram"),
  text: or(text),
  image_url: or(rec({ url: image, detail: fc.constantFrom("auto", "low", "x") })),
  input_audio: or(rec({ data: b64, format: fc.constantFrom("wav", "mp3", "ogg") })),
  file: or(rec({ file_data: b64, filename: text }))
})
const toolCall = rec({ id: or(text), type: or(fc.constantFrom("function", "custom")), function: or(rec({ name: or(name), arguments: or(args) })) })
const chatMessage = rec({
  role: or(fc.constantFrom("system", "developer", "user", "assistant", "tool", "function", "wizard")),
  content: fc.oneof(text, fc.array(chatPart, { maxLength: 3 }), fc.constant(null), junk),
  tool_calls: list(toolCall, 3),
  tool_call_id: or(text),
  reasoning_content: or(text),
  name: or(name)
})
const chatTool = rec({
  type: or(fc.constantFrom("function", "custom", "web_search")),
  function: or(rec({ name: or(name), description: or(text), parameters: schema, strict: or(fc.boolean()) }))
})
const chat = rec({
  model,
  messages: fc.oneof({ weight: 4, arbitrary: fc.array(chatMessage, { minLength: 1, maxLength: 4 }) }, { weight: 1, arbitrary: junk }),
  stream,
  stream_options: or(rec({ include_usage: or(fc.boolean()) })),
  tools: list(chatTool, 3),
  tool_choice: or(fc.oneof(fc.constantFrom("auto", "none", "required", "any"), rec({ type: fc.constant("function"), function: rec({ name }) }))),
  max_tokens: or(fc.integer({ min: -5, max: 100_000 })),
  max_completion_tokens: or(fc.integer({ min: 0, max: 1000 })),
  temperature: or(fc.double({ min: -1, max: 3, noNaN: true })),
  reasoning_effort: or(fc.constantFrom("low", "medium", "high", "none", "max")),
  response_format: or(rec({ type: fc.constantFrom("json_object", "json_schema", "text", "yaml"), json_schema: or(rec({ name, schema })) })),
  n: or(fc.integer({ min: -1, max: 3 })),
  stop: or(fc.oneof(text, fc.array(text, { maxLength: 5 })))
})
const completions = rec({
  model,
  prompt: fc.oneof(text, fc.array(text, { maxLength: 3 }), fc.array(fc.integer(), { maxLength: 3 }), junk),
  stream,
  max_tokens: or(fc.integer({ min: -5, max: 4000 })),
  suffix: or(text),
  echo: or(fc.boolean()),
  logprobs: or(fc.integer({ min: 0, max: 5 }))
})

// --- OpenAI Responses

const responsesContent = rec({
  type: fc.constantFrom("input_text", "output_text", "input_image", "input_file", "refusal", "summary_text", "mystery"),
  text: or(text),
  image_url: or(image),
  file_data: or(b64)
})
const responsesItem = rec({
  type: or(fc.constantFrom("message", "function_call", "function_call_output", "reasoning", "custom_tool_call", "custom_tool_call_output", "additional_tools", "item_reference", "mystery")),
  role: or(fc.constantFrom("user", "assistant", "system", "developer", "tool", "wizard")),
  content: fc.oneof(text, fc.array(responsesContent, { maxLength: 3 }), junk),
  call_id: or(text),
  name: or(name),
  arguments: or(args),
  output: fc.oneof(text, fc.array(responsesContent, { maxLength: 2 }), junk),
  summary: list(rec({ type: fc.constant("summary_text"), text }), 2),
  encrypted_content: or(b64),
  tools: list(junk, 2)
})
const responses = rec({
  model,
  input: fc.oneof(text, fc.array(responsesItem, { minLength: 1, maxLength: 4 }), junk),
  instructions: or(text),
  stream,
  tools: list(rec({ type: or(fc.constantFrom("function", "custom", "web_search", "tool_search", "namespace")), name: or(name), parameters: schema, tools: list(junk, 2) }), 3),
  tool_choice: or(fc.constantFrom("auto", "none", "required")),
  reasoning: or(rec({ effort: or(fc.constantFrom("minimal", "low", "medium", "high", "xhigh")), summary: or(fc.constantFrom("auto", "detailed")) })),
  max_output_tokens: or(fc.integer({ min: -1, max: 10_000 })),
  include: list(fc.constantFrom("reasoning.encrypted_content", "nope"), 2),
  previous_response_id: or(text),
  store: or(fc.boolean()),
  text: or(rec({ verbosity: or(fc.constantFrom("low", "high")), format: or(rec({ type: fc.constantFrom("json_schema", "text"), schema })) }))
})

// --- Claude messages and count_tokens

const claudeBlock = rec({
  type: or(fc.constantFrom("text", "image", "document", "tool_use", "tool_result", "thinking", "redacted_thinking", "server_tool_use", "mystery")),
  text: or(text),
  source: or(rec({ type: fc.constantFrom("base64", "url", "file"), media_type: fc.constantFrom("image/png", "application/pdf", "x/y"), data: b64, url: image })),
  id: or(text),
  name: or(name),
  input: or(fc.dictionary(fc.string({ maxLength: 4 }), junk, { maxKeys: 2 })),
  tool_use_id: or(text),
  content: fc.oneof(text, fc.array(rec({ type: fc.constantFrom("text", "image", "mystery"), text }), { maxLength: 2 }), junk),
  is_error: or(fc.boolean()),
  thinking: or(text),
  signature: or(text),
  data: or(b64),
  cache_control: or(rec({ type: fc.constantFrom("ephemeral", "forever") }))
})
const claudeMessage = rec({
  role: or(fc.constantFrom("user", "assistant", "system", "tool", "wizard")),
  content: fc.oneof(text, fc.array(claudeBlock, { maxLength: 3 }), junk)
})
const claudeCommon = {
  model,
  messages: fc.oneof({ weight: 4, arbitrary: fc.array(claudeMessage, { minLength: 1, maxLength: 4 }) }, { weight: 1, arbitrary: junk }),
  system: or(fc.oneof(text, fc.array(rec({ type: fc.constantFrom("text", "image"), text }), { maxLength: 2 }))),
  tools: list(rec({ name: or(name), description: or(text), input_schema: schema, type: or(fc.constantFrom("custom", "bash_20250124", "web_search_20250305")) }), 3),
  tool_choice: or(rec({ type: fc.constantFrom("auto", "any", "tool", "none", "mystery"), name: or(name) })),
  thinking: or(rec({ type: fc.constantFrom("enabled", "disabled", "adaptive", "mystery"), budget_tokens: or(fc.integer({ min: -1, max: 100_000 })) }))
}
const messages = rec({
  ...claudeCommon,
  max_tokens: or(fc.integer({ min: -1, max: 200_000 })),
  stream,
  stop_sequences: list(text, 3),
  temperature: or(fc.double({ min: -1, max: 2, noNaN: true })),
  metadata: or(rec({ user_id: or(text) })),
  output_config: or(rec({ effort: or(fc.constantFrom("low", "high", "max")), format: or(rec({ type: fc.constant("json_schema"), schema })) }))
})
const countTokensClaude = rec(claudeCommon)

// --- Gemini

const geminiPart = rec({
  text: or(text),
  thought: or(fc.boolean()),
  thoughtSignature: or(b64),
  inlineData: or(rec({ mimeType: fc.constantFrom("image/png", "application/pdf", "x/y", ""), data: b64 })),
  fileData: or(rec({ fileUri: text, mimeType: text })),
  functionCall: or(rec({ id: or(text), name: or(name), args: or(fc.dictionary(fc.string({ maxLength: 4 }), junk, { maxKeys: 2 })) })),
  functionResponse: or(rec({ id: or(text), name: or(name), response: or(fc.dictionary(fc.string({ maxLength: 4 }), junk, { maxKeys: 2 })) })),
  mysteryPart: junk
})
const geminiContent = rec({
  role: or(fc.constantFrom("user", "model", "function", "system", "wizard")),
  parts: fc.oneof({ weight: 4, arbitrary: fc.array(geminiPart, { maxLength: 3 }) }, { weight: 1, arbitrary: junk })
})
const geminiCommon = {
  contents: fc.oneof({ weight: 4, arbitrary: fc.array(geminiContent, { minLength: 1, maxLength: 4 }) }, { weight: 1, arbitrary: junk }),
  systemInstruction: or(rec({ role: or(text), parts: list(geminiPart, 2) })),
  tools: list(rec({ functionDeclarations: list(rec({ name: or(name), description: or(text), parameters: schema, parametersJsonSchema: schema }), 2), googleSearch: or(rec({})) }), 2)
}
const generate = rec({
  ...geminiCommon,
  toolConfig: or(rec({ functionCallingConfig: or(rec({ mode: fc.constantFrom("AUTO", "ANY", "NONE", "VALIDATED", "mystery") })) })),
  generationConfig: or(rec({
    maxOutputTokens: or(fc.integer({ min: -1, max: 100_000 })),
    temperature: or(fc.double({ min: -1, max: 3, noNaN: true })),
    responseMimeType: or(fc.constantFrom("application/json", "text/plain", "x/y")),
    responseJsonSchema: or(schema),
    thinkingConfig: or(rec({ includeThoughts: or(fc.boolean()), thinkingBudget: or(fc.integer({ min: -2, max: 40_000 })), thinkingLevel: or(fc.constantFrom("LOW", "HIGH", "mystery")) }))
  })),
  safetySettings: list(rec({ category: text, threshold: text }), 2),
  model: or(text)
})
const countTokensGemini = rec({ ...geminiCommon, generateContentRequest: or(rec({ contents: geminiCommon.contents, model: or(text) })) })

const shapes: Record<FuzzRoute, fc.Arbitrary<Record<string, unknown>>> = {
  chat,
  completions,
  responses,
  messages,
  count_tokens: countTokensClaude,
  generateContent: generate,
  streamGenerateContent: generate,
  countTokens: countTokensGemini
}

// --- encodings

const enc = (s: string) => Buffer.from(s, "utf8")
const badUtf8 = [[0xff], [0xfe, 0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80]]

const deep = (depth: number, kind: number): string =>
  kind === 0 ? "[".repeat(depth) + "]".repeat(depth) : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)

/** One fuzz case: the body bytes and how it was made (for the failure report). @internal */
export interface FuzzBody {
  readonly kind: string
  readonly bytes: Buffer
}

/** Bodies for a route: a weighted mix of well-formed, malformed and hostile encodings. @internal */
export const bodies = (route: FuzzRoute, hugeBytes: number): fc.Arbitrary<FuzzBody> => {
  const shape = shapes[route]
  const json = (kind: string, f: (s: string) => Buffer) => shape.map((o) => ({ kind, bytes: f(JSON.stringify(o)) }))
  return fc.oneof(
    { weight: 250, arbitrary: json("json", enc) },
    {
      weight: 200,
      arbitrary: fc.tuple(shape, fc.double({ min: 0, max: 1, noNaN: true })).map(([o, at]) => {
        const s = JSON.stringify(o)
        return { kind: "truncated", bytes: enc(s.slice(0, Math.floor(s.length * at))) }
      })
    },
    {
      weight: 150,
      arbitrary: fc.tuple(shape, fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...badUtf8)).map(([o, at, bad]) => {
        const s = enc(JSON.stringify(o))
        // inside a string value when there is one after the cut, else anywhere
        const quote = s.indexOf(0x22, Math.floor(s.length * at))
        const cut = quote < 0 ? Math.floor(s.length * at) : quote + 1
        return { kind: "invalid-utf8", bytes: Buffer.concat([s.subarray(0, cut), Buffer.from(bad), s.subarray(cut)]) }
      })
    },
    { weight: 100, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ kind: "any-json", bytes: enc(JSON.stringify(v) ?? "null") })) },
    { weight: 100, arbitrary: fc.uint8Array({ maxLength: 48 }).map((b) => ({ kind: "random-bytes", bytes: Buffer.from(b) })) },
    {
      // mostly moderate depths; a few past the ~10,000 levels where recursion overflows the stack
      // (deep bodies are costly to parse: about 1 ms per 1,000 levels)
      weight: 30,
      arbitrary: fc.tuple(shape, fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 20, max: 2_000 }) }, fc.integer({ min: 12_000, max: 15_000 })), fc.nat(1)).map(([o, depth, k]) => {
        const s = JSON.stringify({ ...o, __deep__: 0 })
        return { kind: "deep", bytes: enc(s.replace("\"__deep__\":0", `"${fieldToNest(route)}":${deep(depth, k)}`)) }
      })
    },
    {
      weight: 50,
      arbitrary: shape.map((o) => ({
        kind: "proto",
        bytes: enc(JSON.stringify(o).replace(/^\{/, "{\"__proto__\":{\"stream\":true,\"model\":\"fz-chat\"},\"constructor\":{\"prototype\":1},"))
      }))
    },
    { weight: 50, arbitrary: fc.constantFrom("", " ", "{}", "[]", "null", "{\"model\":", "\uFEFF{}").map((s) => ({ kind: "tiny", bytes: enc(s) })) },
    {
      // a few huge ones (about 1 in 500): an extra string field of half or 1.5 times `hugeBytes`
      weight: 2,
      arbitrary: fc.tuple(shape, fc.constantFrom(0.5, 1.5)).map(([o, f]) => ({
        kind: f > 1 ? "too-large" : "huge",
        bytes: enc(JSON.stringify({ ...o, padding: "x".repeat(Math.floor(hugeBytes * f)) }))
      }))
    }
  )
}

const fieldToNest = (route: FuzzRoute): string =>
  route === "chat" || route === "messages" || route === "count_tokens" ? "messages"
  : route === "completions" ? "prompt"
  : route === "responses" ? "input"
  : "contents"
