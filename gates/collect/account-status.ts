/**
 * The account's Organizations status, read with the gate's own credentials (DescribeAccount works
 * only from the management account or a delegated administrator:
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeAccount.html).
 * The sweep already has it from its listing and hands it in (no extra call).
 */
import { DescribeAccountCommand } from "@aws-sdk/client-organizations";
import { callAws } from "../aws/call";
import type { AccountStatusEvidence, Read } from "../types";
import { MalformedResponseError, readSource, type CollectContext } from "./context";

export const DESCRIBE_ACCOUNT_API = "organizations:DescribeAccount";

export function readAccountStatus(ctx: CollectContext, managementAccountId: string | null): Promise<Read<AccountStatusEvidence>> {
  return readSource(ctx, { accountId: managementAccountId ?? "management", region: ctx.homeRegion, api: DESCRIBE_ACCOUNT_API }, async () => {
    const org = ctx.aws.organizations();
    const out = await callAws(DESCRIBE_ACCOUNT_API, ctx.policy, (abortSignal) => org.send(new DescribeAccountCommand({ AccountId: ctx.accountId }), { abortSignal }));
    const account = out.Account;
    // An answer about another account would prove nothing about this one.
    if (account === undefined || account.Id !== ctx.accountId) throw new MalformedResponseError(DESCRIBE_ACCOUNT_API, `no Account ${ctx.accountId} in the answer`);
    return { state: account.State ?? null, status: account.Status ?? null };
  });
}
