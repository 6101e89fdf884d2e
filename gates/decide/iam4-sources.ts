/**
 * Assessment of IAM.4's three sources (DESIGN.md section 5), each reduced to what it positively
 * shows. Combining them (who contradicts whom) is in iam4.ts.
 */
import { parseCredentialReport, rootKeyPresentInSlot, type RootRow } from "../credential-report";
import type { AccountSummaryEvidence, FindingSummary, Iam4Evidence, Read, RawCredentialReport, ReadFailure, SourceRecord } from "../types";
import { HOUR_MS, describeAge, parseIsoWithOffset } from "../time";
import { classifyIam4Findings, type ClassifiedFindings } from "./iam4-findings";

/** Report generated more than 4 h before now is stale (AWS regenerates at most every 4 h). */
export const CREDENTIAL_REPORT_MAX_AGE_MS = 4 * HOUR_MS;
/** Clock skew tolerated on timestamps from AWS that lie in the future. */
export const CLOCK_SKEW_MS = 300_000;

/** keys = positive evidence of a root key; clean = positive evidence of none; unknown = neither. */
export type KeyEvidence = "keys" | "clean" | "unknown";

export interface SourceAssessment {
  state: KeyEvidence;
  /** Sentences explaining the state (used when the state matters for the verdict). */
  notes: string[];
  record: SourceRecord;
}

function readFailureSentence(what: string, failure: ReadFailure): string {
  const hints: Record<ReadFailure["kind"], string> = {
    "access-denied": "grant the gate's read-only role the missing permission",
    throttled: "rerun later; throttling outlived the retries",
    timeout: "rerun; if it persists raise --timeout",
    "not-enabled": "enable it (the security-tooling stack does this)",
    "not-found": "check the account id and the role name",
    malformed: "rerun; the response could not be read",
    error: "rerun; see the message",
  };
  return `${what} could not be read in ${failure.accountId} (${failure.region}, ${failure.api}): ${failure.kind}: ${failure.message}; ${hints[failure.kind]}.`;
}

function location<T>(read: Read<T>): Pick<SourceRecord, "accountId" | "region" | "api"> {
  return { accountId: read.accountId, region: read.region, api: read.api };
}

export function assessAccountSummary(read: Read<AccountSummaryEvidence>, accountId: string): SourceAssessment & { count: number | null } {
  const base = { name: "account-summary", observedAt: read.observedAt, ...location(read) };
  if (!read.ok) {
    const note = readFailureSentence("GetAccountSummary", read);
    return { state: "unknown", count: null, notes: [note], record: { ...base, summary: `unavailable: ${read.kind}` } };
  }
  // GetAccountSummary describes whichever account the credentials belong to: a wiring slip must not prove anything.
  if (read.accountId !== accountId) {
    return {
      state: "unknown",
      count: null,
      notes: [`GetAccountSummary was read in ${read.accountId}, not in ${accountId}, so it proves nothing about ${accountId}; this is a bug in the gate, report it.`],
      record: { ...base, summary: "read in another account" },
    };
  }
  const count = read.value.accountAccessKeysPresent;
  if (count === null || !Number.isInteger(count) || count < 0) {
    return {
      state: "unknown",
      count: null,
      notes: [`GetAccountSummary for ${read.accountId} did not return a usable AccountAccessKeysPresent value, so it proves nothing; rerun the gate.`],
      record: { ...base, summary: "AccountAccessKeysPresent missing or invalid" },
    };
  }
  const record = { ...base, summary: `AccountAccessKeysPresent=${count}` };
  if (count > 0) {
    return {
      state: "keys",
      count,
      notes: [`GetAccountSummary reports ${count} root access key(s) in ${read.accountId} (active or inactive): delete every root access key (centralized root access or sign in as root), then rerun.`],
      record,
    };
  }
  return { state: "clean", count, notes: [`GetAccountSummary reports no root access key in ${read.accountId}.`], record };
}

export interface CredentialReportAssessment extends SourceAssessment {
  root: RootRow | null;
}

export function assessCredentialReport(e: Pick<Iam4Evidence, "credentialReport" | "accountId" | "partition">, nowMs: number): CredentialReportAssessment {
  const read: Read<RawCredentialReport> = e.credentialReport;
  const base = { name: "credential-report", observedAt: read.observedAt, ...location(read) };
  const unknown = (note: string, summary: string, root: RootRow | null = null): CredentialReportAssessment => ({
    state: "unknown",
    notes: [note],
    root,
    record: { ...base, summary },
  });
  if (!read.ok) return unknown(readFailureSentence("The credential report", read), `unavailable: ${read.kind}`);

  const generatedMs = parseIsoWithOffset(read.value.generatedTime);
  if (generatedMs === null) {
    return unknown(`The credential report of ${e.accountId} has no valid GeneratedTime, so its age cannot be proven; regenerate it and rerun.`, "GeneratedTime missing or invalid");
  }
  const generated = `generated ${read.value.generatedTime}`;
  if (generatedMs > nowMs + CLOCK_SKEW_MS) {
    return unknown(`The credential report of ${e.accountId} claims to be generated in the future (${read.value.generatedTime}); check the gate's clock and rerun.`, `${generated} (in the future)`);
  }
  const age = nowMs - generatedMs;
  if (age > CREDENTIAL_REPORT_MAX_AGE_MS) {
    return unknown(`The credential report of ${e.accountId} is stale (${generated}, ${describeAge(age)} old; at most 4 h is accepted); the gate regenerates it on the next run, rerun.`, `${generated} (stale)`);
  }

  const parsed = parseCredentialReport(read.value.content, { accountId: e.accountId, partition: e.partition });
  if (parsed.structuralError !== null || parsed.root === null) {
    const why = parsed.structuralError ?? "no root row";
    return unknown(`The credential report of ${e.accountId} is malformed: ${why}; it cannot prove anything, rerun (and report this if it repeats).`, `${generated}; malformed: ${why}`);
  }
  const root = parsed.root;
  const slots = root.accessKeys.map((slot) => ({ slot, present: rootKeyPresentInSlot(slot) }));
  const slotText = root.accessKeys
    .map((s) => `access_key_${s.slot}_active=${root.fields[`access_key_${s.slot}_active`]}, access_key_${s.slot}_last_rotated=${root.fields[`access_key_${s.slot}_last_rotated`]}`)
    .join("; ");
  const record = { ...base, summary: `${generated}; root row: ${slotText}` };
  const present = slots.filter((s) => s.present === true);
  if (present.length > 0) {
    const which = present.map((s) => `slot ${s.slot.slot} (${s.slot.active === true ? "active" : `inactive, last rotated ${s.slot.lastRotated ?? "unknown"}`})`).join(" and ");
    return {
      state: "keys",
      root,
      notes: [`The credential report (${generated}) shows a root access key in ${which}; inactive keys still count: delete them, then rerun.`],
      record,
    };
  }
  if (slots.some((s) => s.present === null)) {
    return {
      state: "unknown",
      root,
      notes: [`The credential report's root row has unreadable access key fields (${slotText}); values must be true/false and N/A or a timestamp with offset; rerun after the next report.`],
      record,
    };
  }
  return { state: "clean", root, notes: [`The credential report (${generated}) shows no root access key.`], record };
}

/** Source C, summarised: what the counted findings show. */
export interface FindingsAssessment {
  /** Read succeeded? Failed reads (incl. Security Hub not enabled) give null. */
  classified: ClassifiedFindings | null;
  /** A fresh FAILED finding exists (any workflow status, SUPPRESSED included). */
  freshFailed: FindingSummary[];
  /** Every counted finding PASSED + fresh + not CONFIG_EVALUATIONS_EMPTY, and at least one. */
  passes: boolean;
  /** Counted findings absent, or all NOT_AVAILABLE (what credential-less accounts get). */
  absentOrNotAvailable: boolean;
  /** Why C does not pass (empty when it passes). */
  notes: string[];
  record: SourceRecord;
}

export function assessFindings(e: Pick<Iam4Evidence, "findings" | "accountId" | "homeRegion">, nowMs: number): FindingsAssessment {
  const read = e.findings;
  const base = { name: "security-hub", observedAt: read.observedAt, ...location(read) };
  if (!read.ok) {
    const note =
      read.kind === "not-enabled"
        ? `Security Hub is not enabled in ${read.region} for the findings of ${e.accountId} (read in ${read.accountId}), so IAM.4 has no finding: deploy the security-tooling stack (Security Hub with the CIS standard) and rerun.`
        : readFailureSentence("Security Hub findings", read);
    return { classified: null, freshFailed: [], passes: false, absentOrNotAvailable: false, notes: [note], record: { ...base, summary: `unavailable: ${read.kind}` } };
  }
  const classified = classifyIam4Findings(read.value, { accountId: e.accountId, homeRegion: e.homeRegion, nowMs });
  const counted = classified.counted;
  const notes: string[] = [];
  const freshFailed = counted.filter((c) => c.fresh && c.finding.complianceStatus === "FAILED").map((c) => c.finding);
  for (const c of counted) {
    const f = c.finding;
    const status = f.complianceStatus ?? "no status";
    if (!c.fresh) {
      notes.push(`The IAM.4 finding ${f.id} (${status}) is stale: last updated ${c.lastSeenAt ?? "never (no valid timestamp)"}, more than 26 h ago; check that AWS Config records global resources in ${e.homeRegion}, then rerun with --wait.`);
    } else if (status === "PASSED" && f.statusReasonCodes.includes("CONFIG_EVALUATIONS_EMPTY")) {
      notes.push(`The IAM.4 finding ${f.id} is PASSED only because AWS Config had no evaluation (CONFIG_EVALUATIONS_EMPTY), which proves nothing; make sure the recorder records global resources in ${e.homeRegion}, then rerun with --wait.`);
    } else if (status === "NOT_AVAILABLE") {
      notes.push(`The IAM.4 finding ${f.id} is NOT_AVAILABLE (${f.statusReasonCodes.join(", ") || "no reason given"}): Security Hub could not evaluate the control; fix the reason, then rerun with --wait.`);
    } else if (status !== "PASSED" && status !== "FAILED") {
      notes.push(`The IAM.4 finding ${f.id} has status ${status}, which proves nothing; rerun with --wait.`);
    }
  }
  if (counted.length === 0) {
    notes.push(`Security Hub has no IAM.4 finding for ${e.accountId} in ${e.homeRegion} yet: the control runs within 24 h of enablement; rerun with --wait.`);
  }
  const passes =
    counted.length > 0 &&
    counted.every((c) => c.fresh && c.finding.complianceStatus === "PASSED" && !c.finding.statusReasonCodes.includes("CONFIG_EVALUATIONS_EMPTY"));
  const absentOrNotAvailable = counted.every((c) => c.finding.complianceStatus === "NOT_AVAILABLE");
  const statusCounts = new Map<string, number>();
  for (const c of counted) {
    const key = `${c.finding.complianceStatus ?? "no status"}${c.fresh ? "" : " (stale)"}`;
    statusCounts.set(key, (statusCounts.get(key) ?? 0) + 1);
  }
  const ignoredCounts = new Map<string, number>();
  for (const i of classified.ignored) ignoredCounts.set(i.reason, (ignoredCounts.get(i.reason) ?? 0) + 1);
  const countedText = counted.length === 0 ? "no IAM.4 finding counted" : `${counted.length} IAM.4 finding(s) counted: ${[...statusCounts].map(([k, n]) => `${n} ${k}`).join(", ")}`;
  const ignoredText = classified.ignored.length === 0 ? "" : `; ${classified.ignored.length} ignored: ${[...ignoredCounts].map(([k, n]) => `${n} ${k}`).join(", ")}`;
  return { classified, freshFailed, passes, absentOrNotAvailable, notes, record: { ...base, summary: `${countedText}${ignoredText}` } };
}
