/**
 * Everything read for one account in one check, all sources concurrently: the three IAM.4 sources,
 * whether Security Hub is enabled in the account (DescribeHub), the management account's
 * root-credentials feature (only with --accept-no-root-credentials) and the IAM.3 live data; the IAM.4
 * and IAM.3 findings come from one set of queries. Total time is the slowest chain, not the sum. In a
 * sweep the findings are the account's share of one organization-wide read, which may end after the
 * account's own reads: `onOwnReadsDone` lets the sweep release the account's session and worker
 * meanwhile.
 */
import type { Iam3Evidence, Iam4Evidence, Read } from "../types";
import type { CollectContext } from "./context";
import { readControlFindings, type ControlFindings } from "./findings";
import { readIamUsers, type Iam3ReadOptions } from "./iam3";
import { readAccountSummary, readCredentialReport, readRootCredentialsManagement, readTargetSecurityHub } from "./iam4";

export interface CollectRequest {
  acceptNoRootCredentials: boolean;
  managementAccountId: string | null;
  maxAccessKeyAgeDays: number;
  exceptions: Iam3Evidence["exceptions"];
  iam3: Iam3ReadOptions;
  /**
   * Sweep: where this account's findings come from (its share of the organization-wide read); default
   * the account's own three GetFindings queries.
   */
  findings?: (ctx: CollectContext) => Promise<ControlFindings>;
  /**
   * Sweep: called once the account's own reads are done, while only its findings may still be awaited,
   * with roughly how many bytes of evidence the account holds meanwhile.
   */
  onOwnReadsDone?: (bytes: number) => void;
  /** Sweep: ListOrganizationsFeatures read once for the organization instead of once per account. */
  rootCredentialsManagement?: Promise<Read<boolean>>;
}

export interface AccountEvidence {
  iam4: Iam4Evidence;
  iam3: Iam3Evidence;
}

export async function collectAccountEvidence(ctx: CollectContext, req: CollectRequest): Promise<AccountEvidence> {
  // Trusted now: read once, before any source, so every freshness rule uses the same instant.
  const now = ctx.clock().toISOString();
  const findingsRead = (req.findings ?? readControlFindings)(ctx);
  // A failing findings read is a Read failure, never a rejection; this keeps an early one from going unobserved.
  findingsRead.catch(() => undefined);
  const [accountSummary, credentialReport, targetSecurityHub, rootCredentialsManagement, users] = await Promise.all([
    readAccountSummary(ctx),
    readCredentialReport(ctx),
    readTargetSecurityHub(ctx),
    !req.acceptNoRootCredentials ? Promise.resolve(null) : (req.rootCredentialsManagement ?? readRootCredentialsManagement(ctx, req.managementAccountId)),
    readIamUsers(ctx, req.iam3),
  ]);
  req.onOwnReadsDone?.(approximateBytes(credentialReport, users));
  const controlFindings = await findingsRead;
  const findings = controlFindings.iam4;
  const iam3Findings = controlFindings.iam3;
  return {
    iam4: {
      accountId: ctx.accountId,
      partition: ctx.partition,
      homeRegion: ctx.homeRegion,
      now,
      accountSummary,
      credentialReport,
      findings,
      targetSecurityHub,
      acceptNoRootCredentials: req.acceptNoRootCredentials,
      rootCredentialsManagement,
    },
    iam3: {
      accountId: ctx.accountId,
      now,
      maxAccessKeyAgeDays: req.maxAccessKeyAgeDays,
      users,
      findings: iam3Findings,
      exceptions: [...req.exceptions],
    },
  };
}


/** A rough size of what the account's evidence keeps in memory: the report text and about 1 KiB per user. */
function approximateBytes(report: Read<{ content: string }>, users: Read<readonly unknown[]>): number {
  const reportBytes = report.ok ? 2 * report.value.content.length : 0;
  return 4096 + reportBytes + (users.ok ? 1024 * users.value.length : 0);
}
