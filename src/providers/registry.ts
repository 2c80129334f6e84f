import type { ProviderKind } from "../credentials/credential.js"
import { claudeProvider } from "./claude/provider.js"
import { codexProvider } from "./codex/provider.js"
import { geminiProvider } from "./gemini/provider.js"
import { openAiCompatProvider } from "./openai-compat/provider.js"
import type { Provider } from "./provider.js"

/** Every provider, by kind: adding one is a folder and a line here. @category registry */
export const providers: { readonly [K in ProviderKind]: Provider } = {
  gemini: geminiProvider,
  claude: claudeProvider,
  codex: codexProvider,
  "openai-compat": openAiCompatProvider
}
