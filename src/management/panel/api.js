// The management API client: every call goes to /v0/management with the key as a Bearer
// token. The key lives in sessionStorage only (gone when the tab closes), never in a URL.

const STORAGE = "cli-proxy-api.management-key"

export const getKey = () => sessionStorage.getItem(STORAGE) ?? ""
export const setKey = (key) => sessionStorage.setItem(STORAGE, key)
export const clearKey = () => sessionStorage.removeItem(STORAGE)

/** A refused call: its HTTP status and the API's `error` message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

const listeners = new Set()
/** Called with every 401 (the key is no longer accepted). */
export const onUnauthorized = (f) => listeners.add(f)

/**
 * Calls `/v0/management<path>`. `body`: a Blob or File is sent as it is, anything else as
 * JSON. Answers the parsed JSON (or text); throws ApiError for any status >= 400.
 */
export async function api(method, path, body, key = getKey()) {
  const headers = { authorization: `Bearer ${key}` }
  let payload
  if (body instanceof Blob) payload = body
  else if (body !== undefined) {
    headers["content-type"] = "application/json"
    payload = JSON.stringify(body)
  }
  const res = await fetch(`/v0/management${path}`, { method, headers, body: payload, cache: "no-store" })
  const text = await res.text()
  let data = text
  try {
    data = text === "" ? undefined : JSON.parse(text)
  } catch {
    // not JSON: keep the text
  }
  if (!res.ok) {
    const message = typeof data === "object" && data !== null ? data.error ?? data.message : data
    const error = new ApiError(res.status, message || `HTTP ${res.status}`)
    if (res.status === 401) for (const f of listeners) f(error)
    throw error
  }
  return data
}

/** Whether an error means the endpoint does not exist on this server (yet). */
export const isMissing = (e) => e instanceof ApiError && e.status === 404
