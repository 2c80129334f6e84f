import type { BuiltinKind } from "../credentials/credential.js"
import { aistudioProvider } from "./aistudio/provider.js"
import { claudeProvider } from "./claude/provider.js"
import { codexProvider } from "./codex/provider.js"
import { geminiProvider } from "./gemini/provider.js"
import { geminiCliProvider } from "./gemini-cli/provider.js"
import { iflowProvider } from "./iflow/provider.js"
import { openAiCompatProvider } from "./openai-compat/provider.js"
import type { Provider } from "./provider.js"
import { qwenProvider } from "./qwen/provider.js"

/** Every provider, by kind: adding one is a folder and a line here. @category registry */
export const providers: { readonly [K in BuiltinKind]: Provider } = {
  gemini: geminiProvider,
  "gemini-cli": geminiCliProvider,
  aistudio: aistudioProvider,
  claude: claudeProvider,
  codex: codexProvider,
  qwen: qwenProvider,
  iflow: iflowProvider,
  "openai-compat": openAiCompatProvider
}
