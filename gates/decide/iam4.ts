/**
 * IAM.4 "IAM root user access key should not exist" (DESIGN.md section 5, binding; fail closed).
 *
 * Sources, newest first: A GetAccountSummary (real time), B credential report (<= 4 h),
 * C Security Hub findings (<= 26 h). A newer source "contradicts" an older one's violation only
 * by positively showing no key (A = 0, or B readable and clean). Root keys take no exceptions.
 */
import { CONTROL_IAM4 } from "../../modules/constants";
import type { ControlDecision, FindingSummary, Iam4Evidence, SourceRecord, Verdict } from "../types";
import { parseIsoWithOffset } from "../time";
import { failureSentences } from "./failure-reasons";
import { assessAccountSummary, assessCredentialReport, assessFindings, assessTargetSecurityHub, type SourceAssessment } from "./iam4-sources";

function decision(verdict: Verdict, reasons: string[], sources: SourceRecord[]): ControlDecision {
  return { id: CONTROL_IAM4, verdict, reasons, sources };
}

/** Reasons for what is unknown: failed reads grouped by cause (one sentence each), then the other notes. */
function unknownReasons(parts: readonly Pick<SourceAssessment, "notes" | "failure">[]): string[] {
  const failures = parts.flatMap((p) => (p.failure !== undefined ? [p.failure] : []));
  const notes = parts.flatMap((p) => (p.failure !== undefined ? [] : p.notes));
  return [...failureSentences(failures, "No IAM.4 source could be read"), ...notes];
}

function describeFailed(findings: readonly FindingSummary[]): string {
  return findings
    .map((f) => {
      const suppressed = f.workflowStatus === "SUPPRESSED" ? ", workflow SUPPRESSED (suppression does not waive IAM.4)" : "";
      return `${f.id} (updated ${f.updatedAt ?? "unknown"}${suppressed})`;
    })
    .join(", ");
}

export function decideIam4(e: Iam4Evidence): ControlDecision {
  const nowMs = parseIsoWithOffset(e.now);
  if (nowMs === null) {
    return decision("INCONCLUSIVE", [`The gate's clock value "${e.now}" is not an ISO 8601 timestamp with offset, so no freshness can be proven; this is a bug in the caller.`], []);
  }
  const a = assessAccountSummary(e.accountSummary, e.accountId);
  const b = assessCredentialReport(e, nowMs);
  const hub = assessTargetSecurityHub(e.targetSecurityHub, e.accountId, e.homeRegion);
  const c = assessFindings(e, nowMs, hub.state);
  const sources: SourceRecord[] = [a.record, b.record, c.record, hub.record];
  const rcm = e.rootCredentialsManagement;
  if (rcm !== null) {
    sources.push({
      name: "organizations-features",
      observedAt: rcm.observedAt,
      summary: rcm.ok ? `RootCredentialsManagement ${rcm.value ? "enabled" : "not enabled"}` : `unavailable: ${rcm.kind}`,
      accountId: rcm.accountId,
      region: rcm.region,
      api: rcm.api,
    });
  }
  const fail = (reasons: string[]) => decision("FAIL", reasons, sources);
  const inconclusive = (reasons: string[]) => decision("INCONCLUSIVE", reasons, sources);

  // FAIL 1: the real-time source shows a key. Nothing is newer, so nothing can contradict it.
  if (a.state === "keys") return fail([...a.notes, ...(b.state === "keys" ? b.notes : [])]);

  // FAIL 2: the report shows a key (inactive ones too) and A does not contradict it.
  if (b.state === "keys") {
    if (a.state === "clean") {
      return inconclusive([
        `Sources disagree for ${e.accountId}: GetAccountSummary (real time) reports no root access key, but the credential report shows one. The key was probably deleted after the report was generated; rerun after the next report (at most 4 h) to prove it.`,
        ...b.notes,
      ]);
    }
    return fail([...b.notes, ...a.notes.map((n) => `GetAccountSummary could not contradict it: ${n}`)]);
  }

  // FAIL 3: a fresh ACTIVE FAILED finding (SUPPRESSED included) that neither A nor B contradicts.
  if (c.freshFailed.length > 0) {
    const failed = describeFailed(c.freshFailed);
    if (a.state === "clean" || b.state === "clean") {
      const newerSources = [a.state === "clean" ? "GetAccountSummary" : null, b.state === "clean" ? "the credential report" : null].filter((s) => s !== null);
      const newer = `${newerSources.join(" and ")} (newer) ${newerSources.length > 1 ? "show" : "shows"}`;
      return inconclusive([
        `Security Hub reports IAM.4 FAILED for ${e.accountId} in ${e.homeRegion}: ${failed}, but ${newer} no root access key. The finding is older than the fix or one source is wrong; rerun with --wait to trigger a re-evaluation.`,
        ...a.notes.filter(() => a.state === "unknown"),
        ...b.notes.filter(() => b.state === "unknown"),
      ]);
    }
    return fail([
      `Security Hub reports IAM.4 FAILED for ${e.accountId} in ${e.homeRegion}: ${failed}, and no newer source shows the root access key is gone: delete every root access key, then rerun with --wait.`,
      ...a.notes,
      ...b.notes,
    ]);
  }

  // PASS: A = 0, B clean, and at least one ACTIVE IAM.4 finding, every one PASSED and fresh, from a
  // Security Hub that is on in the account (controls.md 8, R-IN-3 "hub enabled"): with it off, a
  // PASSED finding is a leftover nobody re-evaluates.
  if (a.state === "clean" && b.state === "clean" && c.passes && hub.state === "enabled") {
    const counted = c.classified?.counted ?? [];
    return decision(
      "PASS",
      [`No root access key in ${e.accountId}: GetAccountSummary reports 0, the credential report shows none in either slot, and ${counted.length} fresh Security Hub IAM.4 finding(s) in ${e.homeRegion} are PASSED.`],
      sources,
    );
  }

  // Centrally removed root credentials: no PASSED finding may ever come (Config NOT_APPLICABLE).
  if (a.state === "clean" && b.state === "clean" && c.classified !== null && c.absentOrNotAvailable) {
    if (e.acceptNoRootCredentials) {
      if (rcm !== null && rcm.ok && rcm.value) {
        // DESIGN.md section 5: A = 0 and B without keys pass here whatever Security Hub says; say so if it is off.
        const hubNote = hub.state === "enabled" ? [] : hub.state === "off" ? hub.notes : [`Whether Security Hub is enabled in ${e.accountId} is unknown (${hub.record.summary}); IAM.4 may not be monitored there.`];
        return decision(
          "PASS",
          [
            `No root access key in ${e.accountId}: GetAccountSummary reports 0 and the credential report shows none. Security Hub has no PASSED IAM.4 finding (absent or NOT_AVAILABLE, as for accounts whose root credentials were removed centrally); accepted because --accept-no-root-credentials was given and the organization's root credentials management is enabled.`,
            ...hubNote,
          ],
          sources,
        );
      }
      const why =
        rcm === null
          ? "it was not read"
          : rcm.ok
            ? "ListOrganizationsFeatures does not list RootCredentialsManagement"
            : `ListOrganizationsFeatures could not be read (${rcm.kind}: ${rcm.message})`;
      return inconclusive([
        `--accept-no-root-credentials was given for ${e.accountId}, but the organization's root credentials management is not confirmed: ${why}. Enable it in the management account (IAM, root access management) or wait for a PASSED IAM.4 finding.`,
        ...c.notes,
      ]);
    }
    // Security Hub off explains the missing finding by itself; the centrally-removed-credentials hint would mislead.
    if (hub.state === "off") return inconclusive(hub.notes);
    return inconclusive([
      ...unknownReasons([hub.state === "unknown" ? hub : { notes: [] }]),
      ...c.notes,
      `GetAccountSummary and the credential report show no root access key in ${e.accountId}, but IAM.4 has no PASSED finding. Accounts whose root credentials were removed centrally (AWS Organizations root credentials management) never get one, because AWS Config reports NOT_APPLICABLE; if that is the case here, rerun with --accept-no-root-credentials.`,
    ]);
  }

  // INCONCLUSIVE: something is unknown, stale, missing, not yet evaluated, or Security Hub is off.
  const reasons = unknownReasons([
    ...(a.state === "unknown" ? [a] : []),
    ...(b.state === "unknown" ? [b] : []),
    ...(hub.state !== "enabled" ? [hub] : []),
    ...(c.passes ? [] : [c]),
  ]);
  if (reasons.length === 0) reasons.push(`IAM.4 for ${e.accountId} could not be proven from the available evidence; rerun with --wait.`);
  return inconclusive(reasons);
}
