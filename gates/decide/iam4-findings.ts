/**
 * Client-side selection of the Security Hub findings that count for IAM.4 (DESIGN.md section 5,
 * source C). The server filter is repeated here because a wrong server filter (or a test double)
 * must never let another account's, region's, product's or control's finding decide.
 */
import { CONTROL_IAM4 } from "../../modules/constants";
import type { FindingSummary } from "../types";
import { HOUR_MS, parseIsoWithOffset } from "../time";

/** A finding is fresh iff max(UpdatedAt, LastObservedAt) >= now - 26 h (24 h periodic + 2 h slack). */
export const FINDING_FRESHNESS_MS = 26 * HOUR_MS;

/** Optional `arn:<any partition>:securityhub:::` prefix of a legacy generator id. */
const ARN_PREFIX = String.raw`(?:arn:aws[a-z-]*:securityhub:::)?`;

/**
 * Legacy (non-consolidated) generator ids of IAM.4: CIS 1.2.0 rule 1.12, CIS 1.4.0 rule 1.4,
 * FSBP IAM.4, PCI DSS 3.2.1 PCI.IAM.1 (controls.md 3.1 table), bare or as full ARN, any partition.
 */
const LEGACY_IAM4_GENERATORS: readonly RegExp[] = [
  new RegExp(`^${ARN_PREFIX}ruleset/cis-aws-foundations-benchmark/v/1\\.2\\.0/rule/1\\.12$`),
  new RegExp(`^${ARN_PREFIX}(?:standards/)?cis-aws-foundations-benchmark/v/1\\.4\\.0/1\\.4$`),
  new RegExp(`^${ARN_PREFIX}(?:standards/)?aws-foundational-security-best-practices/v/1\\.0\\.0/IAM\\.4$`),
  new RegExp(`^${ARN_PREFIX}(?:standards/)?pci-dss/v/3\\.2\\.1/PCI\\.IAM\\.1$`),
];

/** TRAP (controls.md 3.1): CIS 1.2.0 rule 1.4 is key ROTATION (IAM.3), never root keys. */
const IAM3_CIS120_RULE_1_4 = new RegExp(`^${ARN_PREFIX}ruleset/cis-aws-foundations-benchmark/v/1\\.2\\.0/rule/1\\.4$`);

const CONSOLIDATED_IAM4_GENERATOR = "security-control/IAM.4";

export function isIam4Finding(f: FindingSummary): boolean {
  if (IAM3_CIS120_RULE_1_4.test(f.generatorId)) return false;
  // Consolidated view present: SecurityControlId is authoritative, whatever the generator says.
  if (f.securityControlId !== null) return f.securityControlId === CONTROL_IAM4;
  if (f.generatorId === CONSOLIDATED_IAM4_GENERATOR) return true;
  return LEGACY_IAM4_GENERATORS.some((pattern) => pattern.test(f.generatorId));
}

export function isSecurityHubProduct(f: FindingSummary): boolean {
  if (f.productName === "Security Hub") return true;
  return f.productArn !== null && /^arn:aws[a-z-]*:securityhub:[a-z0-9-]+::product\/aws\/securityhub$/.test(f.productArn);
}

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
