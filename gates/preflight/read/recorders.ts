/**
 * The per-account part of preflight: list the organization's ACTIVE accounts (and those under the target
 * OUs, nested included), then read each account's customer-managed Config recorders in every governed
 * Region, and where the stacks create a recorder, Config's service-linked role (one iam:GetRole: IAM is
 * global), through the assumed role (the management account with its own credentials), with bounded
 * concurrency and one session and deadline per account.
 */
import { DescribeConfigurationRecordersCommand, DescribeConfigurationRecorderStatusCommand, type ConfigServiceClient } from "@aws-sdk/client-config-service";
import { GetRoleCommand, type IAMClient } from "@aws-sdk/client-iam";
import type { AccountClients, AwsClientFactory } from "../../aws/clients";
import type { CallPolicy } from "../../aws/call";
import { classifyAwsError } from "../../aws/errors";
import { runPool } from "../../sweep/scheduler";
import { listOrganizationAccounts } from "../../sweep/organization";
import type { AccountRecorders, OrganizationAccounts, RecorderFacts, RecorderTarget, ServiceLinkedRoleFacts } from "../checks/config-recorders";
import { CONFIG_SERVICE_LINKED_ROLE } from "../plan";
import { failure, type Outcome } from "../types";
import type { ReadFailureKind } from "../../types";
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

/**
 * iam:GetRole AWSServiceRoleForConfig: its ARN and path, or null when IAM answers NoSuchEntity (HTTP 404,
 * "The role with name … cannot be found": https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html).
 */
function readServiceLinkedRole(iam: IAMClient, call: Call, accountId: string): Promise<Outcome<ServiceLinkedRoleFacts | null>> {
  const RoleName = CONFIG_SERVICE_LINKED_ROLE.name;
  return outcomeOf<ServiceLinkedRoleFacts | null>(
    async () => {
      const out = await call(`iam:GetRole ${RoleName} ${accountId}`, (abortSignal) => iam.send(new GetRoleCommand({ RoleName }), { abortSignal }));
      if (out.Role?.Arn === undefined) throw new Error(`iam:GetRole ${RoleName} returned no role`);
      return { arn: out.Role.Arn, path: out.Role.Path ?? "/" };
    },
    (code, kind) => (kind === "not-found" && /^NoSuchEntity/.test(code) ? null : undefined),
  );
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
      return unread(target, o.governedRegions, c.kind, c.message);
    }
    try {
      const [reads, serviceLinkedRole] = await Promise.all([
        Promise.all(o.governedRegions.map(async (r) => [r, await readRegion(clients.configIn(r), call, target.accountId, r)] as const)),
        // Only where the stacks create the recorder do they create (or need) the role.
        target.getsRecorder ? readServiceLinkedRole(clients.iam, call, target.accountId) : undefined,
      ]);
      return { target, regions: Object.fromEntries(reads), ...(serviceLinkedRole !== undefined ? { serviceLinkedRole } : {}) };
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
    return unread(target, o.governedRegions, "error", message);
  });
}

/** An account whose session could not be had: every read it would have made failed. */
function unread(target: RecorderTarget, regions: readonly string[], kind: ReadFailureKind, message: string): AccountRecorders {
  return {
    target,
    regions: Object.fromEntries(regions.map((r) => [r, failure<RecorderFacts[]>(kind, message)])),
    ...(target.getsRecorder ? { serviceLinkedRole: failure<ServiceLinkedRoleFacts | null>(kind, message) } : {}),
  };
}
