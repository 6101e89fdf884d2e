#!/usr/bin/env node
/** Entry point of the GitHub Action (action.yml runs `node dist/gates/action/main.js`). */
import { runCli } from "../cli/program";
import { runAction } from "./run";

// As in the CLI's bin: the pinned SDK's warning about its future Node 22 requirement stays out of the logs.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

runAction(
  { env: process.env, cwd: process.cwd(), stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) },
  runCli,
).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Never a PASS: an unexpected crash is INCONCLUSIVE, and says what happened.
    process.stderr.write(`guardrails action: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 3;
  },
);
