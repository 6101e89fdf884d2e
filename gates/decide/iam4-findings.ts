/**
 * Client-side selection of the Security Hub findings that count for IAM.4 (DESIGN.md section 5,
 * source C). The server filter is repeated here because a wrong server filter (or a test double)
 * must never let another account's, region's, product's or control's finding decide.
 */
import { CONTROL_IAM4 } from "../../modules/constants";
import { controlOfFinding, isSecurityHubProduct } from "../findings";
import type { FindingSummary } from "../types";
import { HOUR_MS, parseIsoWithOffset } from "../time";

/** A finding is fresh iff max(UpdatedAt, LastObservedAt) >= now - 26 h (24 h periodic + 2 h slack). */
export const FINDING_FRESHNESS_MS = 26 * HOUR_MS;

/**
 * IAM.4 by Compliance.SecurityControlId, or for findings without it (legacy shapes where the
 * consolidated controls view does not add it) by the legacy generator ids of CIS 1.2.0 rule 1.12,
 * CIS 1.4.0 rule 1.4, FSBP IAM.4 and PCI DSS 3.2.1 PCI.IAM.1, bare or as full ARN, any partition
 * (gates/findings.ts holds the table; DESIGN.md section 5 source C).
 */
export function isIam4Finding(f: FindingSummary): boolean {
  return controlOfFinding(f) === CONTROL_IAM4;
}

export { isSecurityHubProduct };

/** Why a finding returned by GetFindings was not counted (for the evidence summary). */
export type IgnoreReason = "other-account" | "other-control" | "other-product" | "archived" | "other-region";

export interface ClassifiedFindings {
  /** ACTIVE IAM.4 findings from Security Hub for this account in the home region. */
  counted: CountedFinding[];
  ignored: { finding: FindingSummary; reason: IgnoreReason }[];
}

export interface CountedFinding {
  finding: FindingSummary;
  fresh: boolean;
  /** max(UpdatedAt, LastObservedAt), or null when neither is a valid timestamp. */
  lastSeenAt: string | null;
}

function ignoreReason(f: FindingSummary, accountId: string, homeRegion: string): IgnoreReason | null {
  if (f.awsAccountId !== accountId) return "other-account";
  if (!isIam4Finding(f)) return "other-control";
  if (!isSecurityHubProduct(f)) return "other-product";
  if (f.recordState !== "ACTIVE") return "archived"; // ARCHIVED or missing: never evidence
  if (f.region !== homeRegion) return "other-region"; // aggregated copies of a global control
  return null;
}

function lastSeen(f: FindingSummary): { at: string | null; ms: number | null } {
  const candidates = [f.updatedAt, f.lastObservedAt]
    .map((at) => ({ at, ms: parseIsoWithOffset(at) }))
    .filter((c): c is { at: string; ms: number } => c.ms !== null);
  if (candidates.length === 0) return { at: null, ms: null };
  return candidates.reduce((a, b) => (b.ms > a.ms ? b : a));
}

export function classifyIam4Findings(
  findings: readonly FindingSummary[],
  scope: { accountId: string; homeRegion: string; nowMs: number },
): ClassifiedFindings {
  const result: ClassifiedFindings = { counted: [], ignored: [] };
  for (const finding of findings) {
    const reason = ignoreReason(finding, scope.accountId, scope.homeRegion);
    if (reason !== null) {
      result.ignored.push({ finding, reason });
      continue;
    }
    const seen = lastSeen(finding);
    const fresh = seen.ms !== null && seen.ms >= scope.nowMs - FINDING_FRESHNESS_MS;
    result.counted.push({ finding, fresh, lastSeenAt: seen.at });
  }
  return result;
}
