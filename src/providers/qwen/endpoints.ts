/** Qwen's OAuth token endpoint (`upstream-endpoints` key `qwen-oauth`). @category endpoints */
export const QWEN_TOKEN_URL = "https://chat.qwen.ai/api/v1/oauth2/token"
/** Qwen's device authorization endpoint (`qwen-device-code`). @category endpoints */
export const QWEN_DEVICE_CODE_URL = "https://chat.qwen.ai/api/v1/oauth2/device/code"
/** Qwen Code's public client. @category client */
export const CLIENT_ID = "f0304373b74a44d2b584a3fb70ca9e56"
/** The scopes Qwen Code asks for. @category client */
export const SCOPE = "openid profile email model.completion"

/** The URLs a Qwen login uses, `upstream-endpoints` applied. @category endpoints */
export const qwenEndpoints = (overrides: Readonly<Record<string, string>>) => ({
  token: overrides["qwen-oauth"] ?? QWEN_TOKEN_URL,
  deviceCode: overrides["qwen-device-code"] ?? QWEN_DEVICE_CODE_URL
})
