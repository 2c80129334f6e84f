import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Dispatcher } from "undici"
import { obj, tryParse } from "../../formats/json.js"
import { errorReason } from "../shared/oauth-refresh.js"
import { readAll, send } from "../shared/send.js"
import { iflowEndpoints } from "./endpoints.js"

/** iFlow's account answer: the API key the executor uses, and who the account is. @category schemas */
export const UserInfo = Schema.Struct({
  success: Schema.Literal(true),
  data: Schema.Struct({
    apiKey: Schema.NonEmptyString,
    email: Schema.optional(Schema.NullOr(Schema.String)),
    phone: Schema.optional(Schema.NullOr(Schema.String))
  })
})
/** A decoded iFlow account answer. @category models */
export type UserInfo = Schema.Schema.Type<typeof UserInfo>

/** Why the user info could not be had. @category errors */
export interface UserInfoFailure {
  readonly message: string
  readonly status?: number
}

/**
 * Reads the account's API key and identity (spec/02 §8a), after every login and every
 * refresh: a non-200, `success: false` or an empty key is a failure.
 * @category calls
 */
export const fetchUserInfo = (
  dispatcher: Dispatcher,
  endpoints: ReturnType<typeof iflowEndpoints>,
  accessToken: string
): Effect.Effect<UserInfo, UserInfoFailure> =>
  Effect.gen(function*() {
    const res = yield* send(dispatcher, { url: endpoints.userInfo(accessToken), headers: { accept: "application/json" } }, undefined)
    const text = (yield* readAll(res)).toString("utf8")
    if (res.status !== 200) return yield* Effect.fail({ status: res.status, message: `status ${res.status}: ${errorReason(obj(tryParse(text)), text)}` })
    return yield* Schema.decodeUnknown(Schema.parseJson(UserInfo))(text).pipe(
      Effect.mapError(() => ({ status: res.status, message: `no API key in the answer: ${text.slice(0, 300)}` }))
    )
  })
