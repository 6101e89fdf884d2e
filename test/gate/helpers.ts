/** Fixture loading and evidence builders shared by the gate-core tests (data from test/fixtures). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { normalizeFinding, type AsffLike } from "../../gates/findings";
import type { FindingSummary, Iam4Evidence, Read, ReadFailureKind } from "../../gates/types";

const FIXTURES = join(__dirname, "..", "fixtures", "aws-samples");

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}
export function fixtureJson<T>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

export const REPORT_2022 = "credential-report-2022-real-root-not_supported.csv";
export const REPORT_2025 = "credential-report-2025-real-root-password-true-Z.csv";
export const ACCOUNT_2022 = "278368863034";
export const ACCOUNT_2025 = "156041403698";

/** Replaces `column` of the `<root_account>` row (or the row of `user`) in a report. */
export function editReportField(csv: string, column: string, value: string, user = "<root_account>"): string {
  const lines = csv.split("\n");
  const header = (lines[0] ?? "").split(",");
  const index = header.indexOf(column);
  if (index < 0) throw new Error(`no column ${column}`);
  return lines
    .map((line) => {
      const fields = line.split(",");
      if (fields[0] !== user) return line;
      fields[index] = value;
      return fields.join(",");
    })
    .join("\n");
}

export function ok<T>(value: T, over: Partial<{ accountId: string; region: string; api: string; observedAt: string }> = {}): Read<T> {
  return { ok: true, value, accountId: "111122223333", region: "us-west-2", api: "test", observedAt: NOW, ...over };
}
export function failed<T>(kind: ReadFailureKind, message = "simulated"): Read<T> {
  return { ok: false, kind, message, accountId: "111122223333", region: "us-west-2", api: "test", observedAt: NOW };
}

/** The consolidated PASSED fixture's account and home region; all IAM.4 cases are about it. */
export const ACCOUNT = "111122223333";
export const HOME = "us-west-2";
export const NOW = "2026-11-22T10:00:00Z";
export const FRESH = "2026-11-22T08:00:00.000Z"; // 2 h before NOW
export const STALE = "2026-11-21T07:00:00.000Z"; // 27 h before NOW

/** A clean report for ACCOUNT built from the real 2025 report (root ARN rewritten). */
export function cleanReportFor(account = ACCOUNT, partition = "aws"): string {
  return fixtureText(REPORT_2025).replaceAll(`arn:aws:iam::${ACCOUNT_2025}:`, `arn:${partition}:iam::${account}:`);
}

/** A real ASFF fixture, normalized, re-dated to be fresh (or as given), with overrides. */
export function finding(file: string, over: Partial<FindingSummary> = {}, dated: string = FRESH): FindingSummary {
  const raw = fixtureJson<AsffLike & { detail?: { findings: AsffLike[] } }>(file);
  const asff = raw.detail?.findings[0] ?? raw;
  return { ...normalizeFinding(asff), updatedAt: dated, lastObservedAt: dated, ...over };
}
export const CONSOLIDATED_PASSED = "asff-iam4-consolidated-PASSED-auditmanager-doc.json";
export const CIS120_1_12_EVENT = "eventbridge-asff-cis120-rule1.12-iam4-PASSED-auditmanager-doc.json";
export const CIS140_1_4_FAILED = "asff-iam4-cis140-rule1.4-FAILED-awsdocs-sample.json";
export const CIS120_1_4_IAM3 = "asff-cis120-rule1.4-iam3-FAILED-asr-simdata.json";
export const FSBP_IAM3 = "asff-iam3-fsbp-FAILED-asr-simdata.json";

/** Evidence where every source proves "no root key": decideIam4 gives PASS. Tests break one thing. */
export function passingEvidence(over: Partial<Iam4Evidence> = {}): Iam4Evidence {
  return {
    accountId: ACCOUNT,
    partition: "aws",
    homeRegion: HOME,
    now: NOW,
    accountSummary: ok({ accountAccessKeysPresent: 0 }),
    credentialReport: ok({ content: cleanReportFor(), generatedTime: "2026-11-22T09:00:00Z" }),
    findings: ok([finding(CONSOLIDATED_PASSED)]),
    targetSecurityHub: ok({ enabled: true, subscribedAt: "2024-01-15T10:00:00.000Z", controlFindingGenerator: "SECURITY_CONTROL", notEnabledBecause: null }, { api: "securityhub:DescribeHub" }),
    acceptNoRootCredentials: false,
    rootCredentialsManagement: null,
    ...over,
  };
}
