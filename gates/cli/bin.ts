#!/usr/bin/env node
/** Entry point of the `guardrails` binary (package.json bin -> dist/gates/cli/bin.js). */
import { processIo } from "./io";
import { runCli } from "./program";

// The SDK version is pinned (package.json); its warning is about *future* releases needing Node 22
// and would otherwise open every pipeline log. An explicit setting by the user still wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  // An unexpected crash is never a PASS: INCONCLUSIVE.
  () => {
    process.exitCode = 3;
  },
);
