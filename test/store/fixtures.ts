/** Auth files exactly as the Go version writes them (spec/02 §1a, §5a, §6a, §7a, §8a). */
export const goAuthFiles: Record<string, string> = {
  "user@example.com-my-gcp-project.json":
    `{"token":{"access_token":"ya29.a0AfB","token_type":"Bearer","refresh_token":"1//0gXYZ","expiry":"2025-11-03T12:00:00.123456789+08:00","expires_in":3599,"token_uri":"https://oauth2.googleapis.com/token","client_id":"681255809395-abc.apps.googleusercontent.com","client_secret":"GOCSPX-secret","scopes":["https://www.googleapis.com/auth/cloud-platform","https://www.googleapis.com/auth/userinfo.email","https://www.googleapis.com/auth/userinfo.profile"],"universe_domain":"googleapis.com"},"project_id":"my-gcp-project","email":"user@example.com","auto":false,"checked":true,"type":"gemini"}`,
  "codex-user@example.com.json":
    `{"id_token":"eyJhbGciOi.x.y","access_token":"eyJhbGciOi.a.b","refresh_token":"rt_abc","account_id":"a1b2c3","last_refresh":"2025-11-03T10:00:00+08:00","email":"user@example.com","type":"codex","expired":"2025-11-13T10:00:00+08:00"}`,
  "claude-user@example.com.json":
    `{"id_token":"","access_token":"sk-ant-oat01-abc","refresh_token":"sk-ant-ort01-def","last_refresh":"2025-11-03T10:00:00+08:00","email":"user@example.com","type":"claude","expired":"2025-11-03T18:00:00+08:00"}`,
  "qwen-me@example.com.json":
    `{"access_token":"qwen-at","refresh_token":"qwen-rt","last_refresh":"2025-11-03T10:00:00+08:00","resource_url":"portal.qwen.ai","email":"me@example.com","type":"qwen","expired":"2025-11-03T16:00:00+08:00"}`,
  "iflow-138xxxx.json":
    `{"access_token":"iflow-at","refresh_token":"iflow-rt","last_refresh":"2025-11-03T10:00:00+08:00","expired":"2025-11-05T10:00:00+08:00","api_key":"sk-iflow","email":"138xxxx","token_type":"bearer","scope":"read","type":"iflow"}`,
  "gemini-user2@example.com-proj-2.json":
    `{"token":{"access_token":"ya29.b","refresh_token":"1//0gB","expiry":1762142400},"project_id":"proj-2","email":"user2@example.com","auto":true,"checked":true,"type":"gemini","proxy_url":"socks5://127.0.0.1:1080"}`
}
