/**
 * Organization-level prerequisites, decided from what the management account's credentials read:
 * org-all-features, scp-policy-type, trusted-access, delegated-admin. Pure functions.
 */
import { DELEGATED_SERVICES, SERVICE_PRINCIPALS, listSome, type PreflightPlan } from "../plan";
import { fixForFailure, unknownCheck, worstStatus, type CheckStatus, type Outcome, type PreflightCheck } from "../types";

export interface OrganizationFacts {
  id: string;
  featureSet: string;
  managementAccountId: string;
}

export interface OrgAllFeaturesEvidence {
  /** sts:GetCallerIdentity: the account whose credentials preflight runs with. */
  callerAccountId: Outcome<string>;
  /** organizations:DescribeOrganization; null when the caller's account is in no organization. */
  organization: Outcome<OrganizationFacts | null>;
}

const ORG_READ = "organizations:DescribeOrganization";

export function checkOrgAllFeatures(plan: PreflightPlan, ev: OrgAllFeaturesEvidence): PreflightCheck {
  const id = "org-all-features";
  if (!ev.organization.ok) return unknownCheck(id, ev.organization, "the organization", ORG_READ);
  const org = ev.organization.value;
  if (org === null) {
    return {
      id,
      status: "missing",
      detail: "the credentials' account is not in an AWS organization",
      fix: `rerun with credentials of the management account ${plan.managementAccountId}; a new organization is created with: aws organizations create-organization --feature-set ALL`,
    };
  }
  if (ev.callerAccountId.ok && ev.callerAccountId.value !== org.managementAccountId) {
    // The management stack and every other check need the management account's own credentials.
    return {
      id,
      status: "unknown",
      detail: `preflight runs with credentials of account ${ev.callerAccountId.value}, not of the management account ${org.managementAccountId}: the organization-wide reads are refused to member accounts`,
      fix: `rerun guardrails preflight with credentials of the management account ${org.managementAccountId} (for example AWS_PROFILE=<its profile>)`,
    };
  }
  const problems: { status: CheckStatus; detail: string; fix: string }[] = [];
  // Service-managed StackSets and SCPs need all features: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html
  if (org.featureSet !== "ALL") {
    problems.push({
      status: "missing",
      detail: `organization ${org.id} has feature set ${org.featureSet}, not ALL (SCPs and service-managed StackSets need all features)`,
      // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_org_support-all-features.html: invited accounts must approve.
      fix: "aws organizations enable-all-features   # then every invited member account approves the request",
    });
  }
  if (org.id !== plan.organizationId) {
    problems.push({
      status: "conflict",
      detail: `the organization is ${org.id}, but organization.id in ${plan.configFile} is ${plan.organizationId} (policies pinned to aws:PrincipalOrgID would refuse every account)`,
      fix: `set "organization": {"id": "${org.id}"} in ${plan.configFile}`,
    });
  }
  if (org.managementAccountId !== plan.managementAccountId) {
    problems.push({
      status: "conflict",
      detail: `the organization's management account is ${org.managementAccountId}, but managementAccountId in ${plan.configFile} is ${plan.managementAccountId}`,
      fix: `set "managementAccountId": "${org.managementAccountId}" in ${plan.configFile}`,
    });
  }
  if (problems.length === 0) {
    return { id, status: "ok", detail: `organization ${org.id} has all features; management account ${org.managementAccountId} matches the config`, fix: "" };
  }
  return { id, status: worstStatus(problems.map((p) => p.status)), detail: problems.map((p) => p.detail).join("; "), fix: problems.map((p) => p.fix).join("\n") };
}

export interface RootFacts {
  id: string;
  policyTypes: { type: string; status: string }[];
}

export function checkScpPolicyType(roots: Outcome<RootFacts[]>): PreflightCheck {
  const id = "scp-policy-type";
  if (!roots.ok) return unknownCheck(id, roots, "the organization root", "organizations:ListRoots");
  const root = roots.value[0];
  if (root === undefined) return { id, status: "unknown", detail: "organizations:ListRoots returned no root", fix: fixForFailure("error", "organizations:ListRoots") };
  const scp = root.policyTypes.find((p) => p.type === "SERVICE_CONTROL_POLICY");
  if (scp?.status === "ENABLED") return { id, status: "ok", detail: `service control policies are enabled on root ${root.id}`, fix: "" };
  // https://docs.aws.amazon.com/organizations/latest/userguide/enable-policy-type.html
  const fix = `aws organizations enable-policy-type --root-id ${root.id} --policy-type SERVICE_CONTROL_POLICY`;
  if (scp?.status === "PENDING_ENABLE") {
    return { id, status: "missing", detail: `service control policies are still being enabled on root ${root.id} (PENDING_ENABLE): the management stack cannot attach SCPs yet`, fix: "wait a minute and rerun guardrails preflight" };
  }
  const state = scp === undefined ? "not enabled" : `${scp.status}`;
  return { id, status: "missing", detail: `service control policies are ${state} on root ${root.id}: the management stack's SCP attachments would fail`, fix };
}

const TRUSTED_ACCESS_FIX: Record<string, string> = {
  [SERVICE_PRINCIPALS.securityHub]: `aws organizations enable-aws-service-access --service-principal ${SERVICE_PRINCIPALS.securityHub}`,
  [SERVICE_PRINCIPALS.config]: `aws organizations enable-aws-service-access --service-principal ${SERVICE_PRINCIPALS.config}`,
  [SERVICE_PRINCIPALS.configMultiAccountSetup]: `aws organizations enable-aws-service-access --service-principal ${SERVICE_PRINCIPALS.configMultiAccountSetup}`,
  // AWS recommends enabling StackSets trusted access through CloudFormation, which also does its setup tasks:
  // https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-cloudformation.html
  [SERVICE_PRINCIPALS.stackSets]: "aws cloudformation activate-organizations-access",
};
const TRUSTED_ACCESS_WHY: Record<string, string> = {
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-securityhub-delegatedadmin.html
  [SERVICE_PRINCIPALS.securityHub]: "Security Hub (designating its delegated administrator)",
  // https://docs.aws.amazon.com/config/latest/developerguide/aggregated-register-delegated-administrator.html
  [SERVICE_PRINCIPALS.config]: "AWS Config (delegated administrator, organization aggregator)",
  [SERVICE_PRINCIPALS.configMultiAccountSetup]: "AWS Config multi-account setup (delegated administrator, organization rules)",
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html
  [SERVICE_PRINCIPALS.stackSets]: "CloudFormation StackSets (the service-managed member-baseline StackSet)",
};

export function checkTrustedAccess(enabled: Outcome<string[]>): PreflightCheck {
  const id = "trusted-access";
  if (!enabled.ok) return unknownCheck(id, enabled, "the services with trusted access", "organizations:ListAWSServiceAccessForOrganization");
  const required = Object.values(SERVICE_PRINCIPALS);
  const absent = required.filter((p) => !enabled.value.includes(p));
  if (absent.length === 0) return { id, status: "ok", detail: `trusted access is enabled for ${required.join(", ")}`, fix: "" };
  return {
    id,
    status: "missing",
    detail: `trusted access is not enabled for ${absent.map((p) => `${p} (${TRUSTED_ACCESS_WHY[p]})`).join(", ")}`,
    fix: absent.map((p) => TRUSTED_ACCESS_FIX[p]).join("\n"),
  };
}

export interface AdminAccountFacts {
  accountId: string;
  status: string;
}

export interface DelegatedAdminEvidence {
  /** organizations:ListDelegatedAdministrators per service principal (account ids). */
  organizations: Record<string, Outcome<string[]>>;
  /** securityhub:ListOrganizationAdminAccounts in the home region; "not-subscribed" when Security Hub is off in the management account. */
  securityHubAdmins: Outcome<AdminAccountFacts[] | "not-subscribed">;
}

function removeAdminFix(principal: string, accountId: string, plan: PreflightPlan): string {
  if (principal === SERVICE_PRINCIPALS.securityHub) {
    // Removing through Organizations removes it in every Region, and with central configuration deletes the
    // configuration policies: https://docs.aws.amazon.com/securityhub/latest/userguide/remove-admin-overview.html
    return `set "securityToolingAccountId": "${accountId}" in ${plan.configFile} to keep the existing administrator, or remove it (this deletes its Security Hub central configuration policies): aws organizations deregister-delegated-administrator --account-id ${accountId} --service-principal ${principal}`;
  }
  return `set "securityToolingAccountId": "${accountId}" in ${plan.configFile} to keep it, or remove it: aws organizations deregister-delegated-administrator --account-id ${accountId} --service-principal ${principal}`;
}

export function checkDelegatedAdmin(plan: PreflightPlan, ev: DelegatedAdminEvidence): PreflightCheck {
  const id = "delegated-admin";
  const tooling = plan.securityToolingAccountId;
  const parts: { status: CheckStatus; detail: string; fix: string }[] = [];
  for (const principal of DELEGATED_SERVICES) {
    const listed = ev.organizations[principal];
    if (listed === undefined || !listed.ok) {
      const failed = listed ?? { kind: "error" as const, message: "not read" };
      parts.push({ status: "unknown", detail: `${principal}: could not read the delegated administrators (${failed.message})`, fix: fixForFailure(failed.kind, "organizations:ListDelegatedAdministrators") });
      continue;
    }
    const admins = new Set(listed.value);
    let note = "";
    if (principal === SERVICE_PRINCIPALS.securityHub) {
      // Security Hub designates per Region (securityhub:EnableOrganizationAdminAccount, which registers the
      // Organizations delegated administrator); the management account may also be its own administrator:
      // https://docs.aws.amazon.com/securityhub/latest/userguide/designate-orgs-admin-account.html
      const hub = ev.securityHubAdmins;
      if (!hub.ok) {
        parts.push({ status: "unknown", detail: `${principal}: could not read the Security Hub administrator in ${plan.homeRegion} (${hub.message})`, fix: fixForFailure(hub.kind, "securityhub:ListOrganizationAdminAccounts") });
        continue;
      }
      if (hub.value === "not-subscribed") note = ` (Security Hub is off in the management account in ${plan.homeRegion}, so it is not its own administrator there)`;
      else for (const a of hub.value) admins.add(a.accountId);
    }
    const others = [...admins].filter((a) => a !== tooling).sort();
    if (others.length > 0) {
      parts.push({
        status: "conflict",
        detail: `${principal}: delegated administrator is ${listSome(others)}, not the security-tooling account ${tooling}: the management stack's registration would fail`,
        fix: others.map((a) => removeAdminFix(principal, a, plan)).join("\n"),
      });
    } else {
      parts.push({ status: "ok", detail: `${principal}: ${admins.has(tooling) ? `already ${tooling}` : `none yet (the management stack registers ${tooling})`}${note}`, fix: "" });
    }
  }
  const status = worstStatus(parts.map((p) => p.status));
  return { id, status, detail: parts.map((p) => p.detail).join("; "), fix: status === "ok" ? "" : parts.filter((p) => p.fix !== "").map((p) => p.fix).join("\n") };
}
