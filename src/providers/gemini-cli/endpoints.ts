import { CODE_ASSIST_BASE_URL } from "./provider.js"

/** Google's OAuth token endpoint (`upstream-endpoints` key `gemini-oauth`). @category endpoints */
export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
/** Google's OAuth consent page (`gemini-oauth-authorize`). @category endpoints */
export const GOOGLE_AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/auth"
/** Google's userinfo document (`gemini-userinfo`). @category endpoints */
export const GOOGLE_USERINFO_URL = "https://www.googleapis.com/oauth2/v1/userinfo?alt=json"
/** The GCP project list (`gemini-projects`). @category endpoints */
export const GCP_PROJECTS_URL = "https://cloudresourcemanager.googleapis.com/v1/projects"
/** Service Usage, where the Cloud AI Companion API is checked and enabled (`gemini-serviceusage`). @category endpoints */
export const SERVICE_USAGE_BASE = "https://serviceusage.googleapis.com"

/** The Gemini CLI's public installed-app client (spec/02 §1a). @category client */
export const CLIENT_ID = "681255809395-oo8ft2oprdrnp9e3aqf6av3hmdib135j.apps.googleusercontent.com"
/** The installed-app "secret", public by design. @category client */
export const CLIENT_SECRET = "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"
/** The scopes the Gemini CLI asks for. @category client */
export const SCOPES = [
  "https://www.googleapis.com/auth/cloud-platform",
  "https://www.googleapis.com/auth/userinfo.email",
  "https://www.googleapis.com/auth/userinfo.profile"
]
/** The local callback port and path registered for the client. @category client */
export const CALLBACK = { port: 8085, path: "/oauth2callback" } as const

/** Every Google URL a Gemini CLI login uses, `upstream-endpoints` applied. @category endpoints */
export const geminiEndpoints = (overrides: Readonly<Record<string, string>>) => ({
  token: overrides["gemini-oauth"] ?? GOOGLE_TOKEN_URL,
  authorize: overrides["gemini-oauth-authorize"] ?? GOOGLE_AUTHORIZE_URL,
  userinfo: overrides["gemini-userinfo"] ?? GOOGLE_USERINFO_URL,
  projects: overrides["gemini-projects"] ?? GCP_PROJECTS_URL,
  serviceUsage: overrides["gemini-serviceusage"] ?? SERVICE_USAGE_BASE,
  // Code Assist, the executor's upstream too
  codeAssist: overrides["gemini-cli"] ?? CODE_ASSIST_BASE_URL
})
