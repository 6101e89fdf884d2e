/**
 * Security Hub GetFindings for one control, read in the aggregating account and home region.
 * Server-side filter per reference/controls.md 3.4; WorkflowStatus and ComplianceStatus are NOT
 * filtered (PASSED findings are auto-resolved, and FAILED / NOT_AVAILABLE must be seen).
 */
import { GetFindingsCommand, type AwsSecurityFindingFilters } from "@aws-sdk/client-securityhub";
import type { ControlId } from "../../modules/constants";
import { callAws } from "../aws/call";
import { normalizeFinding } from "../findings";
import type { FindingSummary, Read } from "../types";
import { MalformedResponseError, readSource, type CollectContext } from "./context";

/** A guard against a service that keeps returning a NextToken: past this, the read is malformed. */
const MAX_PAGES = 200;

export function findingsFilter(accountId: string, control: ControlId, region: string): AwsSecurityFindingFilters {
  const eq = (Value: string) => [{ Value, Comparison: "EQUALS" as const }];
  return {
    AwsAccountId: eq(accountId),
    ComplianceSecurityControlId: eq(control),
    ProductName: eq("Security Hub"),
    RecordState: eq("ACTIVE"),
    Region: eq(region),
  };
}

export function readFindings(ctx: CollectContext, control: ControlId): Promise<Read<FindingSummary[]>> {
  const api = "securityhub:GetFindings";
  return readSource(ctx, { accountId: ctx.securityHubAccountId, region: ctx.homeRegion, api }, async () => {
    const { securityHub } = await ctx.aws.inAccount(ctx.securityHubAccountId, ctx.policy);
    const filters = findingsFilter(ctx.accountId, control, ctx.homeRegion);
    const findings: FindingSummary[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    for (let page = 1; ; page++) {
      const input = token === undefined ? { Filters: filters, MaxResults: 100 } : { Filters: filters, MaxResults: 100, NextToken: token };
      const out = await callAws(`${api} (${control}, page ${page})`, ctx.policy, (abortSignal) =>
        securityHub.send(new GetFindingsCommand(input), { abortSignal }),
      );
      if (!Array.isArray(out.Findings)) throw new MalformedResponseError(api, "no Findings array");
      for (const f of out.Findings) findings.push(normalizeFinding(f));
      token = out.NextToken !== undefined && out.NextToken !== "" ? out.NextToken : undefined;
      if (token === undefined) return findings;
      if (seen.has(token) || page >= MAX_PAGES) throw new MalformedResponseError(api, "pagination does not end");
      seen.add(token);
    }
  });
}
