/** iFlow's OAuth base (`upstream-endpoints` key `iflow-oauth`): consent page, token and user info live under it. @category endpoints */
export const IFLOW_OAUTH_BASE = "https://iflow.cn"
/** iFlow's client. @category client */
export const CLIENT_ID = "10009311001"
/** iFlow's client secret, sent in the body and as Basic auth. @category client */
export const CLIENT_SECRET = "4Z3YjXycVsQvyGF1etiNlIBB4RsqSDtW"
/** The `Authorization: Basic` value of the client. @category client */
export const BASIC_AUTH = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`
/** The local callback port and path registered for the client. @category client */
export const CALLBACK = { port: 11451, path: "/oauth2callback" } as const

/** The URLs an iFlow login or refresh uses, from the base (`upstream-endpoints` applied). @category endpoints */
export const iflowEndpoints = (overrides: Readonly<Record<string, string>>) => {
  const base = (overrides["iflow-oauth"] ?? IFLOW_OAUTH_BASE).replace(/\/+$/, "")
  return {
    base,
    authorize: `${base}/oauth`,
    token: `${base}/oauth/token`,
    userInfo: (accessToken: string) => `${base}/api/oauth/getUserInfo?accessToken=${encodeURIComponent(accessToken)}`,
    success: `${base}/oauth/success`,
    error: `${base}/oauth/error`
  }
}
