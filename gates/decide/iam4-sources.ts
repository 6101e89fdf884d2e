/**
 * Assessment of IAM.4's three sources (DESIGN.md section 5), each reduced to what it positively
 * shows. Combining them (who contradicts whom) is in iam4.ts.
 */
import { parseCredentialReport, rootKeyPresentInSlot, type RootRow } from "../credential-report";
import type { AccountSummaryEvidence, FindingSummary, Iam4Evidence, Read, RawCredentialReport, ReadFailure, SecurityHubStatus, SourceRecord } from "../types";
import { readFailureSentence } from "./failure-reasons";
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
  /** The failed read behind an "unknown" state, so reasons can group failures with one cause. */
  failure?: { what: string; failure: ReadFailure };
}

function location<T>(read: Read<T>): Pick<SourceRecord, "accountId" | "region" | "api"> {
  return { accountId: read.accountId, region: read.region, api: read.api };
}

export function assessAccountSummary(read: Read<AccountSummaryEvidence>, accountId: string): SourceAssessment & { count: number | null } {
  const base = { name: "account-summary", observedAt: read.observedAt, ...location(read) };
  if (!read.ok) {
    const note = readFailureSentence("GetAccountSummary", read);
    return { state: "unknown", count: null, notes: [note], record: { ...base, summary: `unavailable: ${read.kind}` }, failure: { what: "GetAccountSummary", failure: read } };
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

/**
 * A report older than 4 h. When this run already asked IAM to generate one, IAM handed back the
 * existing report instead: it "first checks whether a report for the AWS account has been generated
 * within the past four hours. If so, the most recent report is downloaded"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html), judged by
 * IAM's clock, which can differ from the gate's by minutes. A new report can be had once IAM's 4 h
 * have passed, so the reason says when to re-check instead of "rerun".
 */
function staleReportSentence(accountId: string, report: RawCredentialReport, ageMs: number, generatedMs: number): string {
  const generated = `generated ${report.generatedTime ?? "at an unknown time"}, ${describeAge(ageMs)} ago by the gate's clock; at most 4 h is accepted`;
  if (report.generationRequested === true) {
    const retryAt = new Date(generatedMs + CREDENTIAL_REPORT_MAX_AGE_MS + 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    return `The credential report of ${accountId} is stale (${generated}). The gate asked IAM for a new one in this run, but IAM returns the existing report while it is younger than 4 h by IAM's clock (clocks differ slightly), so none was generated; re-check after ${retryAt} (--wait does).`;
  }
  return `The credential report of ${accountId} is stale (${generated}); a check regenerates it, so rerun the gate.`;
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
  if (!read.ok) {
    return { ...unknown(readFailureSentence("The credential report", read), `unavailable: ${read.kind}`), failure: { what: "the credential report", failure: read } };
  }

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
    return unknown(staleReportSentence(e.accountId, read.value, age, generatedMs), `${generated} (stale${read.value.generationRequested === true ? ", after a generation request" : ""})`);
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

/** Is Security Hub on in the target account? off = DescribeHub answered "not subscribed". */
export interface SecurityHubAssessment {
  state: "enabled" | "off" | "unknown";
  notes: string[];
  record: SourceRecord;
  failure?: { what: string; failure: ReadFailure };
}

/**
 * DescribeHub in the target account and home region. "Not subscribed" (InvalidAccessException, HTTP
 * 401: "Either Security Hub is not enabled for the account, or …",
 * https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_DescribeHub.html) means no control
 * runs there, so no IAM.4 finding can ever arrive: waiting will not help, enabling it will.
 */
export function assessTargetSecurityHub(read: Read<SecurityHubStatus>, accountId: string, homeRegion: string): SecurityHubAssessment {
  const base = { name: "security-hub-enabled", observedAt: read.observedAt, ...location(read) };
  if (!read.ok) {
    const what = "whether Security Hub is enabled (DescribeHub)";
    return { state: "unknown", notes: [readFailureSentence(what, read)], record: { ...base, summary: `unavailable: ${read.kind}` }, failure: { what, failure: read } };
  }
  if (!read.value.enabled) {
    return {
      state: "off",
      notes: [
        `Security Hub is not enabled in ${accountId} (${homeRegion}): DescribeHub through the gate role answered ${read.value.notEnabledBecause ?? "not subscribed"}. No IAM.4 finding can arrive until it is, so waiting will not help: associate the account (or its OU) with the guardrails Security Hub configuration policy (the security-tooling stack's securityHub.targetIds), or enable Security Hub there, then rerun.`,
      ],
      record: { ...base, summary: `not enabled: ${read.value.notEnabledBecause ?? "not subscribed"}` },
    };
  }
  const since = read.value.subscribedAt !== null ? ` since ${read.value.subscribedAt}` : "";
  const generator = read.value.controlFindingGenerator !== null ? `, ControlFindingGenerator ${read.value.controlFindingGenerator}` : "";
  return { state: "enabled", notes: [], record: { ...base, summary: `enabled${since}${generator}` } };
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
  failure?: { what: string; failure: ReadFailure };
}

export function assessFindings(e: Pick<Iam4Evidence, "findings" | "accountId" | "homeRegion">, nowMs: number, hub: SecurityHubAssessment["state"] = "enabled"): FindingsAssessment {
  const read = e.findings;
  const base = { name: "security-hub", observedAt: read.observedAt, ...location(read) };
  if (!read.ok) {
    const note =
      read.kind === "not-enabled"
        ? `Security Hub is not enabled in the aggregating account ${read.accountId} (${read.region}), so no account's IAM.4 finding can be read: deploy the security-tooling stack (Security Hub with the CIS standard and the finding aggregator) and rerun.`
        : readFailureSentence("Security Hub findings", read);
    const failure = read.kind === "not-enabled" ? {} : { failure: { what: "Security Hub findings", failure: read } };
    return { classified: null, freshFailed: [], passes: false, absentOrNotAvailable: false, notes: [note], record: { ...base, summary: `unavailable: ${read.kind}` }, ...failure };
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
  // With Security Hub off in the account, its state note names the cause; "not yet" would be untrue.
  if (counted.length === 0 && hub !== "off") {
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
