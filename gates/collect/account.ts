/**
 * Everything read for one account in one check, all sources concurrently: the three IAM.4 sources,
 * whether Security Hub is enabled in the account (DescribeHub), the management account's
 * root-credentials feature (only with --accept-no-root-credentials) and the IAM.3 live data; the IAM.4
 * and IAM.3 findings come from one set of queries. Total time is the slowest chain, not the sum.
 */
import type { Iam3Evidence, Iam4Evidence } from "../types";
import type { CollectContext } from "./context";
import { readControlFindings } from "./findings";
import { readIamUsers, type Iam3ReadOptions } from "./iam3";
import { readAccountSummary, readCredentialReport, readRootCredentialsManagement, readTargetSecurityHub } from "./iam4";

export interface CollectRequest {
  acceptNoRootCredentials: boolean;
  managementAccountId: string | null;
  maxAccessKeyAgeDays: number;
  exceptions: Iam3Evidence["exceptions"];
  iam3: Iam3ReadOptions;
}

export interface AccountEvidence {
  iam4: Iam4Evidence;
  iam3: Iam3Evidence;
}

export async function collectAccountEvidence(ctx: CollectContext, req: CollectRequest): Promise<AccountEvidence> {
  // Trusted now: read once, before any source, so every freshness rule uses the same instant.
  const now = ctx.clock().toISOString();
  const [accountSummary, credentialReport, controlFindings, targetSecurityHub, rootCredentialsManagement, users] = await Promise.all([
    readAccountSummary(ctx),
    readCredentialReport(ctx),
    readControlFindings(ctx),
    readTargetSecurityHub(ctx),
    req.acceptNoRootCredentials ? readRootCredentialsManagement(ctx, req.managementAccountId) : Promise.resolve(null),
    readIamUsers(ctx, req.iam3),
  ]);
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

