/**
 * Contracts of `guardrails preflight` (DESIGN.md section 8): check ids, statuses, the JSON report, and
 * the exit code rule. Check functions are pure (evidence in, one PreflightCheck out); what AWS answered
 * reaches them as Outcome values, so a failed read is never mistaken for "nothing there".
 */
import type { ReadFailureKind } from "../types";

/** Stable check ids: pipelines and the README refer to them. */
export const CHECK_IDS = [
  "org-all-features",
  "scp-policy-type",
  "trusted-access",
  "delegated-admin",
  "ous-exist",
  "scp-slots",
  "cloudtrail",
  "securityhub-admin-state",
  "config-recorders",
  "config-service-linked-role",
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/**
 * ok: deploy converges on what is there. missing: a prerequisite is absent. conflict: something there
 * would make deploy fail or silently change behaviour. unknown: the check could not be completed.
 */
export type CheckStatus = "ok" | "missing" | "conflict" | "unknown";

/** One account that is not ok in a per-account check; JSON only, so thousands stay readable in text. */
export interface AccountFinding {
  accountId: string;
  status: Exclude<CheckStatus, "ok">;
  reason: string;
}

/** One (account, region) that is not ok in config-recorders. */
export interface RecorderFinding extends AccountFinding {
  region: string;
}

export interface PreflightCheck {
  id: CheckId;
  status: CheckStatus;
  /** What was found, in sentences; names accounts, regions, ids. */
  detail: string;
  /** The exact command(s) or config change that fixes it; "" when ok. */
  fix: string;
  /** config-recorders: every (account, region) that is not ok; config-service-linked-role: every account (IAM is global). */
  findings?: (RecorderFinding | AccountFinding)[];
}

export interface PreflightReport {
  schemaVersion: 1;
  /** Every check ok. */
  ready: boolean;
  checks: PreflightCheck[];
}

/** Exit codes (DESIGN.md section 8): missing / conflict (1) rank above unknown (3), as FAIL above INCONCLUSIVE. */
export const PreflightExit = { READY: 0, NOT_READY: 1, USAGE: 2, UNKNOWN: 3 } as const;

export function preflightExitCode(checks: readonly Pick<PreflightCheck, "status">[]): 0 | 1 | 3 {
  if (checks.some((c) => c.status === "missing" || c.status === "conflict")) return PreflightExit.NOT_READY;
  if (checks.length === 0 || checks.some((c) => c.status !== "ok")) return PreflightExit.UNKNOWN;
  return PreflightExit.READY;
}

/** Within one check: conflict over missing over unknown over ok. */
const RANK: Record<CheckStatus, number> = { ok: 0, unknown: 1, missing: 2, conflict: 3 };
export function worstStatus(statuses: readonly CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>((w, s) => (RANK[s] > RANK[w] ? s : w), "ok");
}

/** What one AWS read produced: a value, or why there is none (never read as empty). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; kind: ReadFailureKind; message: string };

export const success = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failure = <T>(kind: ReadFailureKind, message: string): Outcome<T> => ({ ok: false, kind, message });

/** The fix for a read that failed: what to grant, or to rerun. */
export function fixForFailure(kind: ReadFailureKind, what: string): string {
  switch (kind) {
    case "access-denied":
      return `grant the caller ${what} (see "Permissions" under guardrails preflight in the README), then rerun guardrails preflight`;
    case "throttled":
      return "rerun guardrails preflight later, or with a lower --concurrency";
    case "timeout":
      return "rerun guardrails preflight; if it keeps timing out raise --call-timeout (each call) or --timeout (each check / account)";
    default:
      return "rerun guardrails preflight; if the error persists, check the endpoint and credentials";
  }
}

/** A check that could not be completed because `what` could not be read. */
export function unknownCheck(id: CheckId, failed: { kind: ReadFailureKind; message: string }, what: string, permissions: string): PreflightCheck {
  return { id, status: "unknown", detail: `could not read ${what}: ${failed.message}`, fix: fixForFailure(failed.kind, permissions) };
}
