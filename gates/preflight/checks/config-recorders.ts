/**
 * config-recorders: every account the organization Config rules evaluate must have a recorder, or get one
 * from these stacks, and no account may get a second one. Pure.
 *
 * AWS facts:
 *  - "Every Organization account except those configured in the excluded_accounts argument must have a
 *    Configuration Recorder ... before the rule will successfully create or update", and the rules include
 *    the management account (terraform-provider-aws website/docs/r/config_organization_managed_rule.html.markdown).
 *  - Security Hub's controls need Config recording in every account and Region it runs in ("All Security Hub
 *    accounts must have AWS Config enabled": https://docs.aws.amazon.com/securityhub/latest/userguide/designate-orgs-admin-account.html),
 *    hence every governed Region, not only the home Region where the rules live.
 *  - "You can create only one customer managed configuration recorder for each account for each AWS Region"
 *    (https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigurationRecorder.html): where the stacks
 *    create one, an existing one is a conflict. Service-linked recorders (servicePrincipal set) do not count.
 *  - The StackSet reaches the accounts of the target OUs only (service-managed StackSets never deploy to the
 *    management account); the management stack gives the management account its own unless
 *    awsConfig.managementRecorderExists; other accounts get nothing.
 */
import { listSome, type PreflightPlan } from "../plan";
import type { ReadFailureKind } from "../../types";
import { fixForFailure, worstStatus, type CheckStatus, type Outcome, type PreflightCheck, type RecorderFinding } from "../types";

export type RecorderRole = "management" | "target" | "other";

/** One account whose recorders are read, and what the stacks do there. */
export interface RecorderTarget {
  accountId: string;
  role: RecorderRole;
  /** The stacks create a recorder here (StackSet, or the management stack). */
  getsRecorder: boolean;
  /** The organization rules evaluate this account (not in awsConfig.excludedAccountIds). */
  evaluated: boolean;
}

export interface OrganizationAccounts {
  /** Every ACTIVE account of the organization. */
  active: string[];
  /** ACTIVE accounts under organization.targetOuIds, nested OUs included. */
  inTargetOus: string[];
}

/** Which accounts to read: every ACTIVE account that gets a recorder or is evaluated. */
export function recorderTargets(plan: PreflightPlan, accounts: OrganizationAccounts): RecorderTarget[] {
  const inTarget = new Set(accounts.inTargetOus);
  const excluded = new Set(plan.excludedAccountIds);
  const ids = [...new Set([plan.managementAccountId, ...accounts.active])];
  const targets: RecorderTarget[] = [];
  for (const accountId of ids) {
    const role: RecorderRole = accountId === plan.managementAccountId ? "management" : inTarget.has(accountId) ? "target" : "other";
    const getsRecorder = role === "management" ? !plan.managementRecorderExists : role === "target" && !plan.recordersExist;
    const evaluated = !excluded.has(accountId);
    if (getsRecorder || evaluated) targets.push({ accountId, role, getsRecorder, evaluated });
  }
  return targets;
}

export interface RecorderFacts {
  name: string;
  /** DescribeConfigurationRecorderStatus recording; null when the status did not list it. */
  recording: boolean | null;
}

/** A role named AWSServiceRoleForConfig (iam:GetRole). */
export interface ServiceLinkedRoleFacts {
  arn: string;
  path: string;
}

/** What preflight read in one account, through one session. */
export interface AccountRecorders {
  target: RecorderTarget;
  /** Customer-managed recorders per governed Region, or why they could not be read. */
  regions: Record<string, Outcome<RecorderFacts[]>>;
  /**
   * AWSServiceRoleForConfig (null: NoSuchEntity), read once per account (IAM is global) where the stacks
   * create a recorder; undefined elsewhere (config-service-linked-role).
   */
  serviceLinkedRole?: Outcome<ServiceLinkedRoleFacts | null>;
}

type Reason = "second-recorder" | "no-recorder" | "stopped" | "unreadable";

interface Finding extends RecorderFinding {
  role: RecorderRole;
  key: Reason;
  /** Why an unreadable one could not be read. */
  kind?: ReadFailureKind;
}

function judge(a: AccountRecorders, region: string, read: Outcome<RecorderFacts[]> | undefined): Finding | null {
  const base = { accountId: a.target.accountId, region, role: a.target.role };
  if (read === undefined || !read.ok) return { ...base, status: "unknown", key: "unreadable", kind: read?.kind ?? "error", reason: `could not read the recorders: ${read?.message ?? "not read"}` };
  const recorders = read.value;
  if (a.target.getsRecorder && recorders.length > 0) {
    return { ...base, status: "conflict", key: "second-recorder", reason: `already has recorder ${recorders.map((r) => r.name).join(", ")} where the stacks create one` };
  }
  if (a.target.getsRecorder || !a.target.evaluated) return null;
  if (recorders.length === 0) return { ...base, status: "missing", key: "no-recorder", reason: "no recorder, and the stacks create none here" };
  if (recorders.every((r) => r.recording === false)) {
    return { ...base, status: "missing", key: "stopped", reason: `recorder ${recorders.map((r) => r.name).join(", ")} is not recording` };
  }
  return null;
}

/** "111111111111 (us-east-1, eu-west-1)": one entry per account. */
function accountsWithRegions(findings: readonly Finding[], allRegions: readonly string[]): string[] {
  const byAccount = new Map<string, string[]>();
  for (const f of findings) byAccount.set(f.accountId, [...(byAccount.get(f.accountId) ?? []), f.region]);
  return [...byAccount.entries()].map(([account, regions]) => `${account} (${regions.length === allRegions.length && allRegions.length > 1 ? "every governed Region" : regions.join(", ")})`);
}

const LABEL: Record<Reason, string> = {
  "second-recorder": "already record where the stacks would create a second recorder (one customer-managed recorder per account and Region)",
  "no-recorder": "are evaluated by the organization rules but have no recorder and get none from these stacks",
  stopped: "have a recorder that is stopped",
  unreadable: "could not be read",
};

function fixFor(plan: PreflightPlan, key: Reason, role: RecorderRole, findings: readonly Finding[], roleName: string): string {
  const cfg = plan.configFile;
  const accounts = [...new Set(findings.map((f) => f.accountId))];
  switch (key) {
    case "second-recorder":
      if (role === "management") return `set "awsConfig": {"managementRecorderExists": true} in ${cfg} (the management stack then leaves its recorder alone)`;
      return `if every target-OU account already records (Control Tower, for example), set "awsConfig": {"recordersExist": true} in ${cfg}; otherwise delete those recorders first: aws configservice delete-configuration-recorder --configuration-recorder-name <name> --region <region>   # in each account listed`;
    case "no-recorder": {
      if (role === "management") return `set "awsConfig": {"managementRecorderExists": false} in ${cfg} so the management stack creates it, or create a recorder there`;
      const create = "aws configservice put-configuration-recorder --configuration-recorder name=default,roleARN=<AWSServiceRoleForConfig ARN> --recording-group allSupported=true,includeGlobalResourceTypes=<true in the home Region only> --region <region> && aws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=<bucket> --region <region> && aws configservice start-configuration-recorder --configuration-recorder-name default --region <region>";
      if (role === "target") return `awsConfig.recordersExist is true, so the StackSet creates none: create one in each account and Region listed (${create}), or set "awsConfig": {"recordersExist": false} in ${cfg} if no target-OU account has one`;
      const excluded = JSON.stringify([...new Set([...plan.excludedAccountIds, ...accounts])].sort());
      return `move the accounts into a target OU (aws organizations move-account --account-id <id> --source-parent-id <parent> --destination-parent-id ${plan.targetOuIds[0] ?? "<target OU>"}), or create a recorder in each (${create}), or let the organization rules skip them: set "awsConfig": {"excludedAccountIds": ${excluded}} in ${cfg}`;
    }
    case "stopped":
      return "aws configservice start-configuration-recorder --configuration-recorder-name <name> --region <region>   # in each account and Region listed";
    case "unreadable": {
      const kinds = new Set(findings.map((f) => f.kind ?? "error"));
      const permissions = "sts:AssumeRole and config:DescribeConfigurationRecorders / DescribeConfigurationRecorderStatus";
      if (kinds.has("access-denied")) return `make sure role ${roleName} exists in each account listed, trusts the management account and allows config:Describe*, or pass --role-name; then rerun guardrails preflight`;
      return fixForFailure(kinds.has("throttled") ? "throttled" : kinds.has("timeout") ? "timeout" : "error", permissions);
    }
  }
}

export function checkConfigRecorders(plan: PreflightPlan, accounts: Outcome<OrganizationAccounts>, results: readonly AccountRecorders[], roleName: string): PreflightCheck {
  const id = "config-recorders";
  if (!accounts.ok) {
    return { id, status: "unknown", detail: `could not list the organization's accounts: ${accounts.message}`, fix: fixForFailure(accounts.kind, "organizations:ListAccounts, ListAccountsForParent, ListOrganizationalUnitsForParent") };
  }
  const findings: Finding[] = [];
  for (const a of results) {
    for (const region of plan.governedRegions) {
      const f = judge(a, region, a.regions[region]);
      if (f !== null) findings.push(f);
    }
  }
  const regions = plan.governedRegions.length;
  if (findings.length === 0) {
    const creating = results.filter((r) => r.target.getsRecorder).length;
    return { id, status: "ok", detail: `${results.length} account(s) in ${regions} Region(s) read: ${creating} get a recorder from these stacks and have none yet; the other ${results.length - creating} already record`, fix: "" };
  }
  const groups = new Map<string, Finding[]>();
  for (const f of findings) groups.set(`${f.key}|${f.role}`, [...(groups.get(`${f.key}|${f.role}`) ?? []), f]);
  const order: Reason[] = ["second-recorder", "no-recorder", "stopped", "unreadable"];
  const sorted = [...groups.entries()].sort(([a], [b]) => order.indexOf(a.split("|")[0] as Reason) - order.indexOf(b.split("|")[0] as Reason));
  const details: string[] = [];
  const fixes: string[] = [];
  for (const [key, group] of sorted) {
    const [reason, role] = key.split("|") as [Reason, RecorderRole];
    const list = accountsWithRegions(group, plan.governedRegions);
    const who = role === "management" ? "the management account" : role === "target" ? "target-OU account(s)" : "account(s) outside the target OUs";
    details.push(`${list.length} ${who} ${LABEL[reason]}: ${listSome(list)}`);
    fixes.push(fixFor(plan, reason, role, group, roleName));
  }
  const status: CheckStatus = worstStatus(findings.map((f) => f.status));
  const publicFindings: RecorderFinding[] = findings.map(({ accountId, region, status: s, reason }) => ({ accountId, region, status: s, reason }));
  return { id, status, detail: `${results.length} account(s) in ${regions} Region(s) read: ${details.join("; ")}`, fix: [...new Set(fixes)].join("\n"), findings: publicFindings };
}
