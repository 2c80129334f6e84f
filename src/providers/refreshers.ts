import type { AuthFile } from "../store/auth-file.js"
import { claudeRefresher } from "./claude/refresh.js"
import { codexRefresher } from "./codex/refresh.js"
import { geminiCliRefresher } from "./gemini-cli/refresh.js"
import { iflowRefresher } from "./iflow/refresh.js"
import { qwenRefresher } from "./qwen/refresh.js"
import type { Refresher } from "./shared/oauth-refresh.js"

/** The token refresher of each auth-file type. @category registry */
export const refreshers: { readonly [T in AuthFile["type"]]: Refresher } = {
  gemini: geminiCliRefresher,
  claude: claudeRefresher,
  codex: codexRefresher,
  qwen: qwenRefresher,
  iflow: iflowRefresher
}

/** The `upstream-endpoints` key that overrides each type's token endpoint. @category registry */
export const tokenEndpointKey: { readonly [T in AuthFile["type"]]: string } = {
  gemini: "gemini-oauth",
  claude: "claude-oauth",
  codex: "codex-oauth",
  qwen: "qwen-oauth",
  iflow: "iflow-oauth"
}
