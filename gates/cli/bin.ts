#!/usr/bin/env node
/** Entry point of the `guardrails` binary (package.json bin -> dist/gates/cli/bin.js). */
import { processIo } from "./io";
import { runCli } from "./program";

runCli(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 3;
  },
);
