/**
 * The Gemini CLI sign-in (spec/02 §1a): Google's authorization code on port 8085, then the
 * account's email, a GCP project chosen from its list, Code Assist onboarding for that
 * project, and the Gemini for Google Cloud API enabled in it.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { obj, str } from "../../formats/json.js"
import { startCallbackLogin } from "../oauth/callback-flow.js"
import { pageReply } from "../oauth/callback-server.js"
import { pollUntilDone } from "../oauth/device-code.js"
import { call, fetchJson, TokenFields, upstreamFailure } from "../oauth/http.js"
import { DEFAULT_POLL_INTERVAL, type LoginContext, LoginError, type LoginIO, type LoginOptions, type LoginSession } from "../oauth/session.js"
import { rfc3339 } from "../shared/oauth-refresh.js"
import { CALLBACK, CLIENT_ID, CLIENT_SECRET, geminiEndpoints, GOOGLE_TOKEN_URL, SCOPES } from "./endpoints.js"
import { codeAssistHeaders } from "./provider.js"

const TokenAnswer = Schema.Struct({ ...TokenFields, scope: Schema.optional(Schema.String), id_token: Schema.optional(Schema.String) })
const UserInfo = Schema.Struct({ email: Schema.optional(Schema.String) })
const Project = Schema.Struct({ projectId: Schema.String, name: Schema.optional(Schema.String) })
/** A GCP project as listed for the account. @category models */
export type Project = Schema.Schema.Type<typeof Project>
const Projects = Schema.Struct({ projects: Schema.optional(Schema.Array(Project)) })
const ProjectRef = Schema.optional(Schema.Union(Schema.String, Schema.Struct({ id: Schema.optional(Schema.String) })))
const LoadCodeAssist = Schema.Struct({
  allowedTiers: Schema.optional(Schema.Array(Schema.Struct({ id: Schema.optional(Schema.String), isDefault: Schema.optional(Schema.Boolean) })))
})
const Onboarding = Schema.Struct({
  done: Schema.optional(Schema.Boolean),
  response: Schema.optional(Schema.Struct({ cloudaicompanionProject: ProjectRef }))
})

/** The Gemini CLI's own client headers (no client here to override them). */
const CODE_ASSIST_HEADERS = codeAssistHeaders({ clientHeaders: {} })
const METADATA = { ideType: "IDE_UNSPECIFIED", platform: "PLATFORM_UNSPECIFIED", pluginType: "GEMINI" }
const COMPANION_API = "cloudaicompanion.googleapis.com"

const projectIdOf = (ref: Schema.Schema.Type<typeof ProjectRef>): string =>
  (typeof ref === "string" ? ref : ref?.id ?? "").trim()

/**
 * The project to use: `--project-id` when the account has it, else the user's pick by id or
 * list number, the first project by default (also when nobody can answer).
 * @category projects
 */
export const chooseProject = (
  io: LoginIO,
  projects: ReadonlyArray<Project>,
  preset: string | undefined
): Effect.Effect<string, LoginError> =>
  Effect.gen(function*() {
    const wanted = preset?.trim() || undefined
    if (projects.length === 0) {
      if (wanted !== undefined) return wanted
      return yield* new LoginError({
        reason: "MissingInput",
        message: "this Google account has no Cloud project to use: create one at https://console.cloud.google.com and log in again (or pass --project-id)"
      })
    }
    if (wanted !== undefined && projects.some((p) => p.projectId === wanted)) return wanted
    yield* io.say("Google Cloud projects of this account:")
    yield* Effect.forEach(projects, (p, i) => io.say(`  [${i + 1}] ${p.projectId}${p.name ? ` (${p.name})` : ""}`), { discard: true })
    if (wanted !== undefined) yield* io.say(`Project ${wanted} is not among them; choose one.`)
    const fallback = projects[0]?.projectId ?? ""
    const pick: Effect.Effect<string> = Effect.flatMap(io.ask(`Project ID or number [${fallback}]: `), (answer) => {
      const text = Option.getOrElse(answer, () => "").trim()
      if (Option.isNone(answer) || text === "") return Effect.succeed(fallback)
      const byId = projects.find((p) => p.projectId === text)
      const byNumber = /^\d+$/.test(text) ? projects[Number(text) - 1] : undefined
      const chosen = byId ?? byNumber
      return chosen !== undefined
        ? Effect.succeed(chosen.projectId)
        : Effect.zipRight(io.say("Not in the list: enter a project ID or a number from the list."), pick)
    })
    return yield* pick
  })

/** Starts a Gemini CLI login: the callback server listens, the consent URL is ready. @category logins */
export const start = (ctx: LoginContext, options: LoginOptions = {}): Effect.Effect<LoginSession, LoginError, Scope.Scope> => {
  const urls = geminiEndpoints(ctx.endpoints)
  return startCallbackLogin({
    ctx,
    name: "Google",
    callback: CALLBACK,
    reply: pageReply,
    // the Gemini CLI's fixed state, which it does not check on return either
    authorizeUrl: (redirectUri) =>
      `${urls.authorize}?${new URLSearchParams({
        access_type: "offline",
        client_id: CLIENT_ID,
        prompt: "consent",
        redirect_uri: redirectUri,
        response_type: "code",
        scope: SCOPES.join(" "),
        state: "state-token"
      })}`,
    finish: ({ code, redirectUri }) =>
      Effect.gen(function*() {
        const tokens = yield* fetchJson("the Google token exchange", ctx.dispatcher, {
          url: urls.token,
          form: { grant_type: "authorization_code", code, redirect_uri: redirectUri, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }
        }, TokenAnswer)
        const now = yield* Clock.currentTimeMillis
        const bearer = { authorization: `Bearer ${tokens.access_token}` }
        const info = yield* fetchJson("the Google userinfo request", ctx.dispatcher, { url: urls.userinfo, headers: bearer }, UserInfo)
        const email = info.email ?? ""
        yield* ctx.io.say(email === "" ? "Google did not tell the account's email; the file is named without it." : `Signed in to Google as ${email}.`)
        const listed = yield* fetchJson("the Google Cloud project list", ctx.dispatcher, { url: urls.projects, headers: bearer }, Projects)
        const chosen = yield* chooseProject(ctx.io, listed.projects ?? [], options.projectId)
        const project = yield* onboard(ctx, urls.codeAssist, bearer, chosen)
        yield* enableCompanionApi(ctx, urls.serviceUsage, bearer, project)
        const metadata = {
          // the Go version's oauth2 token re-marshalled as a map: keys in alphabetical order
          token: {
            access_token: tokens.access_token,
            client_id: CLIENT_ID,
            client_secret: CLIENT_SECRET,
            ...(tokens.expires_in === undefined ? {} : { expires_in: tokens.expires_in, expiry: rfc3339(now + tokens.expires_in * 1000) }),
            refresh_token: tokens.refresh_token ?? "",
            scopes: SCOPES,
            token_type: tokens.token_type ?? "Bearer",
            token_uri: GOOGLE_TOKEN_URL,
            universe_domain: "googleapis.com"
          },
          project_id: project,
          email,
          auto: false,
          checked: true,
          type: "gemini"
        }
        return { id: `${email}-${project}.json`, metadata, account: email === "" ? project : email }
      })
  })
}

/**
 * Code Assist onboarding of the project: `loadCodeAssist` for the default tier, then
 * `onboardUser` until it reports done. The Go version polls for ever; this stops after 60.
 */
const onboard = (ctx: LoginContext, base: string, bearer: Readonly<Record<string, string>>, project: string) =>
  Effect.gen(function*() {
    const codeAssist = <A, I>(method: string, body: unknown, schema: Schema.Schema<A, I>) =>
      fetchJson(`the Code Assist ${method} call`, ctx.dispatcher, { url: `${base}/v1internal:${method}`, headers: { ...bearer, ...CODE_ASSIST_HEADERS }, json: body }, schema)
    const loaded = yield* codeAssist("loadCodeAssist", { metadata: METADATA, cloudaicompanionProject: project }, LoadCodeAssist)
    const tier = loaded.allowedTiers?.find((t) => t.isDefault === true && (t.id?.trim() ?? "") !== "")?.id?.trim() ?? "legacy-tier"
    const interval = ctx.pollInterval ?? DEFAULT_POLL_INTERVAL
    const done = yield* ctx.io.waiting(
      `Google to set up Gemini Code Assist for ${project}`,
      undefined,
      pollUntilDone(
        Effect.map(codeAssist("onboardUser", { tierId: tier, metadata: METADATA, cloudaicompanionProject: project }, Onboarding), (answer) =>
          answer.done === true ? { _tag: "Done" as const, value: answer } : { _tag: "Pending" as const }),
        { interval, maxPolls: 60, slowDownFactor: 1, maxInterval: interval },
        () => new LoginError({ reason: "Timeout", message: `Code Assist onboarding of ${project} did not finish; try again later` })
      )
    )
    const returned = projectIdOf(done.response?.cloudaicompanionProject)
    // a project the user chose is kept even when Google names another one (as the Go version does)
    if (returned !== "" && returned.toLowerCase() !== project.toLowerCase()) {
      yield* ctx.io.say(`Google onboarded project ${returned} instead of ${project}; keeping ${project}.`)
    }
    return project
  })

/** The Gemini for Google Cloud API must be on in the project: checked, and enabled when it is not. */
const enableCompanionApi = (ctx: LoginContext, base: string, bearer: Readonly<Record<string, string>>, project: string) =>
  Effect.gen(function*() {
    const url = `${base}/v1/projects/${encodeURIComponent(project)}/services/${COMPANION_API}`
    const headers = { ...bearer, "user-agent": CODE_ASSIST_HEADERS["user-agent"] ?? "" }
    const check = yield* call("the Service Usage check", ctx.dispatcher, { url, headers })
    if (check.status === 200 && str(obj(check.json)?.state) === "ENABLED") return
    yield* ctx.io.say(`Enabling ${COMPANION_API} in project ${project}...`)
    const what = `enabling ${COMPANION_API} in ${project}`
    const enabled = yield* call(what, ctx.dispatcher, { url: `${url}:enable`, headers, json: {} })
    if (enabled.status === 200 || enabled.status === 201) return
    const failure = upstreamFailure(what, enabled)
    if (enabled.status === 400 && failure.message.toLowerCase().includes("already enabled")) return
    return yield* new LoginError({ reason: "Upstream", status: enabled.status, message: `${failure.message} (the project must have this API on)` })
  })
