/**
 * config-service-linked-role: Config's service-linked role AWSServiceRoleForConfig in every account that gets
 * a recorder from these stacks (target-OU accounts unless awsConfig.recordersExist, the management account
 * unless managementRecorderExists). Pure.
 *
 * What the stacks do: the member-baseline template creates the role (AWS::IAM::ServiceLinkedRole, home Region
 * stack instance) where it creates the recorder and awsConfig.createServiceLinkedRole is true; the recorder's
 * RoleARN names it at aws-service-role/config.amazonaws.com/ either way (modules/aws-config/member-baseline-template.ts).
 *
 * AWS facts:
 *  - An account has one role of that name. Without a CustomSuffix, CreateServiceLinkedRole for a service whose
 *    role exists "fails with a duplicate role name error"
 *    (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html); on the wire
 *    "InvalidInput: Service role name AWSServiceRoleFor… has been taken in this account, please try a different
 *    suffix" (as reported in github.com/Rayraegah/terraform-aws-hasura issue #17), and an
 *    AWS::IAM::ServiceLinkedRole for an existing role fails the stack
 *    (github.com/aws-samples/aws-container-devsecops-workshop pull request #4). So createServiceLinkedRole with
 *    the role already there fails that account's stack instance: conflict.
 *  - A recorder whose role does not exist fails to create ("ConfigRecorder The role does not exist in the
 *    account": github.com/awslabs/landing-zone-accelerator-on-aws issue #857). So createServiceLinkedRole false
 *    with the role absent: missing.
 */
import { CONFIG_SERVICE_LINKED_ROLE, listSome, type PreflightPlan } from "../plan";
import { fixForFailure, worstStatus, type AccountFinding, type CheckStatus, type Outcome, type PreflightCheck } from "../types";
import type { AccountRecorders, OrganizationAccounts } from "./config-recorders";

const ID = "config-service-linked-role";
const ROLE = CONFIG_SERVICE_LINKED_ROLE.name;
const CREATE = `aws iam create-service-linked-role --aws-service-name ${CONFIG_SERVICE_LINKED_ROLE.servicePrincipal}`;

type State = "present" | "absent" | "foreign" | "unreadable";

function stateOf(read: Outcome<{ path: string } | null>): State {
  if (!read.ok) return "unreadable";
  if (read.value === null) return "absent";
  // A role of that name elsewhere than Config's service path is not the service-linked role the recorder names.
  return read.value.path === CONFIG_SERVICE_LINKED_ROLE.path ? "present" : "foreign";
}

/** Where each account stands, for the accounts that get a recorder from these stacks. */
export function checkConfigServiceLinkedRole(plan: PreflightPlan, accounts: Outcome<OrganizationAccounts>, results: readonly AccountRecorders[], roleName: string): PreflightCheck {
  if (!accounts.ok) {
    return { id: ID, status: "unknown", detail: `could not list the organization's accounts: ${accounts.message}`, fix: fixForFailure(accounts.kind, "organizations:ListAccounts, ListAccountsForParent, ListOrganizationalUnitsForParent") };
  }
  const creating = results.filter((r) => r.target.getsRecorder);
  if (creating.length === 0) {
    return { id: ID, status: "ok", detail: `no account gets a recorder from these stacks (awsConfig.recordersExist and managementRecorderExists): they neither create nor need ${ROLE}`, fix: "" };
  }
  const by: Record<State, string[]> = { present: [], absent: [], foreign: [], unreadable: [] };
  const failures: { accountId: string; kind: string; message: string }[] = [];
  for (const r of creating) {
    const read = r.serviceLinkedRole ?? { ok: false, kind: "error", message: "not read" };
    by[stateOf(read)].push(r.target.accountId);
    if (!read.ok) failures.push({ accountId: r.target.accountId, kind: read.kind, message: read.message });
  }
  const cfg = plan.configFile;
  const n = creating.length;
  const findings: AccountFinding[] = [];
  const details: string[] = [];
  const fixes: string[] = [];
  const createIn = (ids: readonly string[]): string => `${CREATE}   # with credentials in each of these accounts: ${ids.join(", ")}`;

  if (plan.createServiceLinkedRole && by.present.length > 0) {
    for (const accountId of by.present) findings.push({ accountId, status: "conflict", reason: `${ROLE} already exists, and the stacks' AWS::IAM::ServiceLinkedRole would fail to create it again` });
    details.push(`${by.present.length} of ${n} account(s) that get a recorder from these stacks already have ${ROLE}, so creating it again fails their stack instance (awsConfig.createServiceLinkedRole is true): ${listSome(by.present)}`);
    fixes.push(
      `set "awsConfig": {"createServiceLinkedRole": false} in ${cfg} (the recorders then use the existing role)` +
        (by.absent.length > 0 ? `, and create it where it is absent: ${createIn(by.absent)}` : ""),
    );
  }
  if (!plan.createServiceLinkedRole && by.absent.length > 0) {
    for (const accountId of by.absent) findings.push({ accountId, status: "missing", reason: `${ROLE} does not exist, and the recorder the stacks create names it (awsConfig.createServiceLinkedRole is false)` });
    details.push(`${by.absent.length} of ${n} account(s) that get a recorder from these stacks have no ${ROLE}, which their recorder needs (awsConfig.createServiceLinkedRole is false): ${listSome(by.absent)}`);
    fixes.push(`create it there: ${createIn(by.absent)}` + (by.present.length === 0 && by.foreign.length === 0 ? `; or, as none of them has it, set "awsConfig": {"createServiceLinkedRole": true} in ${cfg} so the stacks create it` : ""));
  }
  if (by.foreign.length > 0) {
    for (const accountId of by.foreign) findings.push({ accountId, status: "conflict", reason: `a role named ${ROLE} exists outside ${CONFIG_SERVICE_LINKED_ROLE.path}, so it is not Config's service-linked role` });
    details.push(`${by.foreign.length} account(s) have a role named ${ROLE} that is not Config's service-linked role (path other than ${CONFIG_SERVICE_LINKED_ROLE.path}): ${listSome(by.foreign)}`);
    fixes.push(`delete that role (aws iam delete-role --role-name ${ROLE}) in each account listed, then rerun guardrails preflight`);
  }
  if (failures.length > 0) {
    for (const f of failures) findings.push({ accountId: f.accountId, status: "unknown", reason: `could not read ${ROLE}: ${f.message}` });
    details.push(`${failures.length} account(s) could not be read: ${listSome(failures.map((f) => f.accountId))} (${failures[0]?.message ?? ""})`);
    const kinds = new Set(failures.map((f) => f.kind));
    fixes.push(
      kinds.has("access-denied")
        ? `make sure role ${roleName} exists in each account listed, trusts the management account and allows iam:GetRole, or pass --role-name; then rerun guardrails preflight`
        : fixForFailure(kinds.has("throttled") ? "throttled" : kinds.has("timeout") ? "timeout" : "error", "sts:AssumeRole and iam:GetRole"),
    );
  }
  const status: CheckStatus = worstStatus(findings.map((f) => f.status));
  if (status === "ok") {
    const how = plan.createServiceLinkedRole ? `none has it yet, and the stacks create it (awsConfig.createServiceLinkedRole is true)` : `every one has it, and the stacks use it (awsConfig.createServiceLinkedRole is false)`;
    return { id: ID, status, detail: `${n} account(s) get a recorder from these stacks and ${ROLE}: ${how}`, fix: "" };
  }
  return { id: ID, status, detail: details.join("; "), fix: fixes.join("\n"), findings };
}
