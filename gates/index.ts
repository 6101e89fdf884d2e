/** Library entry (package.json main): the gate without the CLI. */
export { checkAccount } from "./check";
export { promoteAccount, type PromoteResult } from "./promote";
export { GateUsageError, type CheckAccountOptions, type PromoteAccountOptions } from "./options";
export { parseDuration } from "./duration";
export { exitCodeFor, worstVerdict } from "./verdict";
export * from "./types";
export { runPreflight, renderPreflight, preflightExitCode, CHECK_IDS, type PreflightOptions, type PreflightReport, type PreflightCheck, type CheckStatus, type CheckId } from "./preflight";
export { runRemediation, type RemediateOptions, type RemediationOutcome } from "./remediate/run";
export { renderRemediation, REMEDIATE_OUTPUTS, type RemediateOutput } from "./remediate/render";
export type { RemediationReport, RemediationResult, Precondition, PreconditionId } from "./remediate/types";
