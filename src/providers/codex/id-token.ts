import { obj, str, tryParse } from "../../formats/json.js"

/** What an OpenAI id_token says about the account. @category models */
export interface IdTokenClaims {
  readonly email: string | undefined
  readonly accountId: string | undefined
}

/**
 * The claims of an OpenAI id_token (a JWT), read without checking its signature: it came
 * straight from the token endpoint over TLS, and is used only to name the account.
 * @category parsing
 */
export const claimsOf = (idToken: string | undefined): IdTokenClaims => {
  const payload = idToken?.split(".")[1]
  const claims = payload === undefined ? undefined : obj(tryParse(Buffer.from(payload, "base64url").toString("utf8")))
  return {
    email: str(claims?.email),
    accountId: str(obj(claims?.["https://api.openai.com/auth"])?.chatgpt_account_id)
  }
}
