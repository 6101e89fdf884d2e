/**
 * The remediation's outcome, decided from what was read and done (evidence in, report out; no I/O).
 *
 * Exit codes (DESIGN.md section 11): 0 no root key remains (or none existed); 1 a key remains: a dry run found
 * keys, a deletion failed, or a missing precondition keeps remediate from acting (a known state, named with its
 * fix, as preflight ranks "missing"); 3 the state could not be read or proven (an error kept the root session
 * from being opened or read, the sources disagree, or nothing could be read). The decisive state is the
 * re-check after --apply, else the state read before.
 *
 * Removal is proven by live data only: the root session lists no key and GetAccountSummary counts 0. The
 * credential report may lag: IAM hands back a report generated within the last 4 hours instead of generating a
 * new one ("If so, the most recent report is downloaded":
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html), so IAM.4 can stay
 * INCONCLUSIVE for up to 4 h after the deletion; the report says when to re-check and never fails for it.
 */
import { CREDENTIAL_REPORT_MAX_AGE_MS } from "../collect/iam4";
import { maskAccessKeyId } from "../mask";
import { decidePreconditions, preconditionsHold } from "./preconditions";
import { explainRemediationFailure } from "./reasons";
import { keySentence, presenceOf, reportedState, reportKeySlots } from "./state";
import type { Precondition, RemediationEvidence, RemediationReport, RemediationResult, ReportedDeletion, ReportedState } from "./types";
import { reportedSources } from "./sources";

interface Outcome {
  result: RemediationResult;
  exitCode: 0 | 1 | 3;
  reasons: string[];
}

const plural = (n: number, word: string): string => `${n} root access key${n === 1 ? "" : "s"}${word}`;

function missingSentences(preconditions: readonly Precondition[]): string[] {
  return preconditions.filter((p) => p.status !== "ok").map((p) => `Precondition ${p.id} is ${p.status}: ${p.detail}; fix: ${p.fix}.`);
}

function decideOutcome(e: RemediationEvidence, preconditions: Precondition[], before: ReportedState, after: ReportedState | null): Outcome {
  const applying = e.mode === "apply" && e.after !== null;
  const deleted = e.deletions.filter((d) => d.result !== "failed");
  const failedDeletions = e.deletions.filter((d) => d.result === "failed");
  const state = applying && e.after !== null ? e.after : e.before;
  const shown = applying && after !== null ? after : before;
  const presence = presenceOf(state, applying && e.deletions.length > 0);
  const unmet = missingSentences(preconditions);
  const problems = shown.problems;
  const summaryAt = state.accountSummary.observedAt;

  if (presence.kind === "absent") {
    const proof = `the root session lists none and GetAccountSummary counts 0 (read ${summaryAt})`;
    if (deleted.length > 0) {
      return { result: "removed", exitCode: 0, reasons: [`${plural(deleted.length, "")} of ${e.accountId} deleted; no root access key remains: ${proof}.`, ...problems] };
    }
    const how = state.keys !== null && state.keys.ok ? proof : `GetAccountSummary counts 0 (read ${summaryAt})`;
    const note = unmet.length > 0 ? [`Nothing to remediate now; before remediate can act on a future key: ${unmet.join(" ")}`] : [];
    return { result: "no-root-key", exitCode: 0, reasons: [`No root access key exists in ${e.accountId}: ${how}.`, ...note, ...problems] };
  }

  if (presence.kind === "present" && presence.listed) {
    const keys = shown.rootAccessKeys ?? [];
    if (!applying) {
      return {
        result: "keys-found",
        exitCode: 1,
        reasons: [
          `Dry run: ${plural(keys.length, "")} of ${e.accountId} would be deleted: ${keys.map(keySentence).join("; ")}. Nothing was changed.`,
          `Delete them with: guardrails remediate ${e.accountId} --apply (root access keys only; the password, MFA devices and signing certificates stay).`,
          ...problems,
        ],
      };
    }
    const failures = failedDeletions.map((d) => `${maskAccessKeyId(d.accessKeyId)}: ${d.error?.message ?? "failed"}`);
    return {
      result: "keys-remain",
      exitCode: 1,
      reasons: [
        `${plural(keys.length, "")} remain${keys.length === 1 ? "s" : ""} in ${e.accountId} after --apply: ${keys.map(keySentence).join("; ")}.`,
        ...(failures.length > 0 ? [`The deletion failed for ${failures.join("; ")}; fix the cause and rerun guardrails remediate ${e.accountId} --apply.`] : [`No deletion failed: a key was created meanwhile? Rerun guardrails remediate ${e.accountId} (dry run) and investigate who creates root keys (CloudTrail CreateAccessKey by root).`]),
        ...problems,
      ],
    };
  }

  if (presence.kind === "present") {
    const counted = `${plural(presence.count, "")} exist${presence.count === 1 ? "s" : ""} in ${e.accountId} (GetAccountSummary counts ${presence.count}, read ${summaryAt})`;
    if (!preconditionsHold(preconditions)) {
      const onlyUnknown = preconditions.every((p) => p.status !== "missing");
      if (!onlyUnknown) return { result: "keys-remain", exitCode: 1, reasons: [`${counted} and remediate cannot delete them until every precondition holds.`, ...unmet, ...problems] };
      return { result: "not-proven", exitCode: 3, reasons: [`${counted}, but the preconditions of a root session could not be checked.`, ...unmet, ...problems] };
    }
    return { result: "not-proven", exitCode: 3, reasons: [`${counted}, but the root session could not list them, so remediate could not act.`, ...problems] };
  }

  if (presence.kind === "disagree") {
    const rounds = applying ? ` after ${e.recheckRounds} re-check${e.recheckRounds === 1 ? "" : "s"}` : "";
    return {
      result: "not-proven",
      exitCode: 3,
      reasons: [
        `The sources disagree for ${e.accountId}: the root session lists no root access key but GetAccountSummary counts ${presence.summaryCount}${rounds} (read ${summaryAt}). IAM is eventually consistent: rerun guardrails remediate ${e.accountId} (dry run) in a few minutes to prove the removal.`,
        ...problems,
      ],
    };
  }

  const why = problems.length > 0 ? problems : ["Neither the root session nor GetAccountSummary gave an answer."];
  return { result: "not-proven", exitCode: 3, reasons: [`Whether a root access key remains in ${e.accountId} could not be proven.`, ...why, ...unmet] };
}

/**
 * When IAM.4 can next be re-checked on a fresh credential report: only when no key remains live but the report
 * IAM serves (younger than 4 h, so IAM keeps handing it back) still shows one.
 */
function recheckAfter(e: RemediationEvidence, outcome: Outcome): { at: string | null; reason: string | null } {
  if (outcome.exitCode !== 0) return { at: null, reason: null };
  const state = e.after ?? e.before;
  const report = reportKeySlots(state.credentialReport, e.accountId, e.partition);
  if (report === null || report.showsKey !== true) return { at: null, reason: null };
  const generated = report.generatedAt === null ? Number.NaN : Date.parse(report.generatedAt);
  if (Number.isNaN(generated)) {
    return { at: null, reason: `The credential report IAM serves still shows a root access key (${report.slots}) and carries no generation time: run guardrails check ${e.accountId} again later; IAM generates a new report at most once every 4 hours.` };
  }
  const at = new Date(generated + CREDENTIAL_REPORT_MAX_AGE_MS).toISOString();
  return {
    at,
    reason: `The credential report IAM serves (generated ${report.generatedAt}) still shows a root access key (${report.slots}): IAM hands back a report younger than 4 h instead of generating a new one, so guardrails check may report IAM.4 INCONCLUSIVE until a new report can be generated at ${at}; run guardrails check ${e.accountId} after that time. The removal itself is proven by the live sources above.`,
  };
}

function reportedDeletion(d: RemediationEvidence["deletions"][number]): ReportedDeletion {
  return { accessKeyId: maskAccessKeyId(d.accessKeyId), statusBefore: d.statusBefore, requestedAt: d.requestedAt, completedAt: d.completedAt, result: d.result, error: d.error === null ? null : `${d.error.code}: ${d.error.message}` };
}

/** The whole report (evidence reference left null: the caller sets it once the bundle is written). */
export function decideRemediation(e: RemediationEvidence): RemediationReport {
  const preconditions = decidePreconditions({ accountId: e.accountId, features: e.features, managementAccount: e.managementAccount, accountStatus: e.accountStatus });
  const before = reportedState(e.before, e.accountId, e.partition);
  const after = e.after === null ? null : reportedState(e.after, e.accountId, e.partition);
  const outcome = decideOutcome(e, preconditions, before, after);
  const recheck = recheckAfter(e, outcome);
  const s = e.session;
  return {
    schemaVersion: 1,
    accountId: e.accountId,
    mode: e.mode,
    startedAt: e.startedAt,
    finishedAt: e.finishedAt,
    result: outcome.result,
    exitCode: outcome.exitCode,
    reasons: recheck.reason === null ? outcome.reasons : [...outcome.reasons, recheck.reason],
    preconditions,
    session:
      s === null
        ? null
        : {
            taskPolicyArn: s.taskPolicyArn,
            region: s.region,
            durationSeconds: s.durationSeconds,
            openedAt: s.opened.ok ? s.opened.observedAt : null,
            expiresAt: s.opened.ok ? s.opened.value.expiresAt : null,
            error: s.opened.ok ? null : `${explainRemediationFailure(s.opened).cause}; ${explainRemediationFailure(s.opened).fix}`,
          },
    before,
    deletions: e.deletions.map(reportedDeletion),
    after,
    iam4RecheckAfter: recheck.at,
    sources: reportedSources(e),
    evidence: null,
  };
}
