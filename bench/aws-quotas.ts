/**
 * AWS's API quotas as the local endpoint enforces them in the benchmarks (token buckets; shared where AWS's
 * quota is the calling account's and every call comes from one account, per account where each member account
 * spends its own). Sources and the assumed figures are in the header of ./sweep.bench.ts.
 */
import type { FaultRule } from "../test/endpoint";

export const API_QUOTAS = {
  getFindings: { rate: 3, burst: 6 },
  securityHubOther: { rate: 10, burst: 30 },
  assumeRole: { rate: 600, burst: 600 },
  organizations: { rate: 20, burst: 20 },
  iamPerAccount: { rate: 20, burst: 20 },
} as const;

/** The endpoint's fault rules: `latencyMs` on every call, then the quotas above. */
export function quotaFaults(latencyMs: number): FaultRule[] {
  const q = API_QUOTAS;
  return [
    { latencyMs },
    { service: "securityhub", action: "GetFindings", ratePerSecond: q.getFindings.rate, burst: q.getFindings.burst, perAccount: true },
    { service: "securityhub", action: "DescribeHub", ratePerSecond: q.securityHubOther.rate, burst: q.securityHubOther.burst, perAccount: true },
    { service: "sts", action: "AssumeRole", ratePerSecond: q.assumeRole.rate, burst: q.assumeRole.burst, perAccount: true },
    { service: "organizations", ratePerSecond: q.organizations.rate, burst: q.organizations.burst, perAccount: true },
    { service: "iam", ratePerSecond: q.iamPerAccount.rate, burst: q.iamPerAccount.burst, perAccount: true },
  ];
}
