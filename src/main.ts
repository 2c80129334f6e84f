#!/usr/bin/env node
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import { exitCode, run } from "./cli/command.js"
import { loadDotEnv } from "./cli/dotenv.js"

// the store variables (PGSTORE_DSN ...) may come from .env, as with the Go version
loadDotEnv()

// Errors are printed by the commands in plain words; runMain only sets the exit code.
NodeRuntime.runMain(run(process.argv).pipe(Effect.provide(NodeContext.layer)), {
  disableErrorReporting: true,
  disablePrettyLogger: true,
  teardown: (exit, onExit) => onExit(exitCode(exit))
})
