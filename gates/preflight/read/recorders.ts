/**
 * The per-account part of preflight: list the organization's ACTIVE accounts (and those under the target
 * OUs, nested included), then read each account's customer-managed Config recorders in every governed
 * Region through the assumed role (the management account with its own credentials), with bounded
 * concurrency and one deadline per account.
 */
import { DescribeConfigurationRecordersCommand, DescribeConfigurationRecorderStatusCommand, type ConfigServiceClient } from "@aws-sdk/client-config-service";
import type { AccountClients, AwsClientFactory } from "../../aws/clients";
import type { CallPolicy } from "../../aws/call";
import { classifyAwsError } from "../../aws/errors";
import { runPool } from "../../sweep/scheduler";
import { listOrganizationAccounts } from "../../sweep/organization";
import type { AccountRecorders, OrganizationAccounts, RecorderFacts, RecorderTarget } from "../checks/config-recorders";
import { failure, type Outcome } from "../types";
import { outcomeOf, type Call } from "./call";

export function readOrganizationAccounts(aws: AwsClientFactory, call: Call, targetOuIds: readonly string[]): Promise<Outcome<OrganizationAccounts>> {
  return outcomeOf(async () => {
    const org = aws.organizations();
    const [all, targets] = await Promise.all([listOrganizationAccounts(org, call, []), listOrganizationAccounts(org, call, targetOuIds)]);
    return { active: all.accounts.map((a) => a.id), inTargetOus: targets.accounts.map((a) => a.id) };
  });
}

async function readRegion(config: ConfigServiceClient, call: Call, accountId: string, region: string): Promise<Outcome<RecorderFacts[]>> {
  return outcomeOf(async () => {
    const at = `${accountId} ${region}`;
    const [recorders, statuses] = await Promise.all([
      call(`config:DescribeConfigurationRecorders ${at}`, (abortSignal) => config.send(new DescribeConfigurationRecordersCommand({}), { abortSignal })),
      call(`config:DescribeConfigurationRecorderStatus ${at}`, (abortSignal) => config.send(new DescribeConfigurationRecorderStatusCommand({}), { abortSignal })),
    ]);
    const recording = new Map((statuses.ConfigurationRecordersStatus ?? []).map((s) => [s.name ?? "", s.recording ?? null]));
    // Without a name the API returns the customer-managed recorder; service-linked ones (servicePrincipal set)
    // belong to a service and do not take the one customer-managed slot per account and Region:
    // https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html
    return (recorders.ConfigurationRecorders ?? [])
      .filter((r) => r.servicePrincipal === undefined || r.servicePrincipal === "")
      .map((r) => ({ name: r.name ?? "", recording: recording.get(r.name ?? "") ?? null }));
  });
}

export interface RecorderReadOptions {
  managementAccountId: string;
  governedRegions: readonly string[];
  concurrency: number;
  /** A fresh policy (own deadline) for one account. */
  policy: () => CallPolicy;
  callWith: (policy: CallPolicy) => Call;
  onProgress?: (done: number, total: number) => void;
}

export async function readRecorders(aws: AwsClientFactory, targets: readonly RecorderTarget[], o: RecorderReadOptions): Promise<AccountRecorders[]> {
  let done = 0;
  o.onProgress?.(0, targets.length);
  const readAccount = async (target: RecorderTarget): Promise<AccountRecorders> => {
    const policy = o.policy();
    const call = o.callWith(policy);
    let clients: AccountClients;
    try {
      clients = target.accountId === o.managementAccountId ? aws.own(target.accountId) : await aws.inAccount(target.accountId, policy);
    } catch (err) {
      const c = classifyAwsError(err);
      return { target, regions: Object.fromEntries(o.governedRegions.map((r) => [r, failure<RecorderFacts[]>(c.kind, c.message)])) };
    }
    try {
      const reads = await Promise.all(o.governedRegions.map(async (r) => [r, await readRegion(clients.configIn(r), call, target.accountId, r)] as const));
      return { target, regions: Object.fromEntries(reads) };
    } finally {
      // Thousands of accounts: drop each account's clients once read (they share the factory's HTTP handler).
      aws.release(target.accountId);
    }
  };
  const outcomes = await runPool(targets, readAccount, { concurrency: o.concurrency }, () => o.onProgress?.(++done, targets.length));
  return outcomes.map((outcome, i) => {
    const target = targets[i] as RecorderTarget;
    if (outcome.state === "done") return outcome.value;
    const message = outcome.state === "threw" ? classifyAwsError(outcome.error).message : "not read";
    return { target, regions: Object.fromEntries(o.governedRegions.map((r) => [r, failure<RecorderFacts[]>("error", message)])) };
  });
}
