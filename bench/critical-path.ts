/**
 * The critical path of one account's check: the longest chain of AWS calls that must run one after another,
 * counted from the endpoint's request log (shared by gate.bench.ts and service.bench.ts):
 *   AssumeRole(target) -> ListUsers -> ListAccessKeys | ListUserTags           (IAM.3 live data)
 *   AssumeRole(target) -> GetAccountSummary | GetCredentialReport [-> polls]    (IAM.4 A, B)
 *   AssumeRole(target) -> DescribeHub                                           (Security Hub on in the account)
 *   DescribeAccount (the gate's own credentials)                                (Organizations status: ACTIVE?)
 *   AssumeRole(security hub) -> 3 concurrent GetFindings queries, each paged    (IAM.4 C, IAM.3 findings)
 * Each link costs at least the injected per-call latency.
 */
export interface LoggedCall {
  action: string;
  accountId: string;
}

/** Length of the longest sequential chain of calls, from the request log of one check. */
export function criticalChain(requests: LoggedCall[], securityHubAccountId: string): number {
  const count = (action: string, accountId?: string): number => requests.filter((r) => r.action === action && (accountId === undefined || r.accountId === accountId)).length;
  const hasUsers = count("ListAccessKeys") > 0 || count("ListUserTags") > 0 ? 1 : 0;
  const iam3Live = count("ListUsers") + hasUsers;
  const iam4Target = Math.max(count("GetAccountSummary"), count("GetCredentialReport") + count("GenerateCredentialReport"));
  const targetChain = 1 + Math.max(iam3Live, iam4Target, count("DescribeHub") > 0 ? 1 : 0);
  const statusChain = count("DescribeAccount") > 0 ? 1 : 0;
  // Three queries run concurrently (control ids; IAM.4 and IAM.3 generator ids): the longest is about a third.
  const findingsChain = 1 + Math.ceil(count("GetFindings", securityHubAccountId) / 3);
  return Math.max(targetChain, findingsChain, statusChain);
}
