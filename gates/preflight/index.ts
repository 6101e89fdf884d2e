/** `guardrails preflight` as a library: run it, render it, map it to an exit code. */
export { runPreflight, DEFAULT_PREFLIGHT_CONCURRENCY, type PreflightOptions } from "./run";
export { renderPreflight, PREFLIGHT_OUTPUTS, type PreflightOutput } from "./render";
export { CHECK_IDS, preflightExitCode, PreflightExit, type CheckId, type CheckStatus, type PreflightCheck, type PreflightReport, type RecorderFinding, type AccountFinding } from "./types";
