/**
 * What the stacks cannot own and therefore need before `cdktf deploy`, keyed by the `guardrails preflight`
 * check that verifies each (DESIGN 8). Printed by `npm start`; the README runbook lists the same.
 */
import type { GuardrailsConfig } from "../config/schema";
import { IAM_EVENT_REGION } from "../config/regions";
import { TRUSTED_ACCESS_REQUIREMENTS } from "../constants";

export interface DeployPrerequisite {
  /** The `guardrails preflight` check id. */
  readonly checkId: string;
  readonly requirement: string;
  readonly source: string;
}

export function deployPrerequisites(config: GuardrailsConfig): DeployPrerequisite[] {
  const ownerEnabled = TRUSTED_ACCESS_REQUIREMENTS.filter((t) => t.enabledBy === "organization-owner").map((t) => t.servicePrincipal);
  const prerequisites: DeployPrerequisite[] = [
    {
      checkId: "org-all-features",
      requirement: "AWS Organizations has all features enabled (SCPs and service-managed StackSets need them)",
      source: "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_org_support-all-features.html",
    },
    {
      checkId: "scp-policy-type",
      requirement: `the SERVICE_CONTROL_POLICY policy type is enabled on root ${config.organization.rootId}`,
      source: "https://docs.aws.amazon.com/organizations/latest/userguide/enable-policy-type.html",
    },
    {
      checkId: "trusted-access",
      requirement: `trusted access enabled by the organization's owner for ${ownerEnabled.join(", ")} (Security Hub's comes with its designation)`,
      source: "modules/constants.ts TRUSTED_ACCESS_REQUIREMENTS",
    },
    {
      checkId: "delegated-admin",
      requirement: `no delegated administrator for Security Hub or Config other than ${config.securityToolingAccountId}`,
      source: "https://docs.aws.amazon.com/securityhub/latest/userguide/designate-orgs-admin-account.html",
    },
    {
      checkId: "ous-exist",
      requirement: `OUs ${[...new Set([...config.organization.targetOuIds, config.organization.productionOuId])].join(", ")} exist`,
      source: "https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganizationalUnit.html",
    },
    {
      checkId: "scp-slots",
      requirement: `every SCP target keeps room for the guardrail SCPs within ${config.scp.maxPoliciesPerTarget} attached policies`,
      source: "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html",
    },
    {
      checkId: "securityhub-admin-state",
      requirement: "Security Hub in the security-tooling account is the one designation enables (not re-enabled by the stacks), with consolidated control findings",
      source: "https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-accounts.html",
    },
    {
      checkId: "config-recorders",
      requirement:
        "every account the organization Config rules evaluate has a recorder or gets one from these stacks" +
        (config.awsConfig.excludedAccountIds.length > 0 ? ` (excluded: ${config.awsConfig.excludedAccountIds.join(", ")})` : "") +
        ", and none where the stacks would create a second one",
      source: "terraform-provider-aws website/docs/r/config_organization_managed_rule.html.markdown",
    },
  ];
  const { awsConfig } = config;
  if (!awsConfig.recordersExist || !awsConfig.managementRecorderExists) {
    prerequisites.push({
      checkId: "config-service-linked-role",
      requirement: awsConfig.createServiceLinkedRole
        ? "AWSServiceRoleForConfig does not exist yet in the accounts that get a recorder from these stacks (they create it; creating an existing one fails the stack instance)"
        : "AWSServiceRoleForConfig exists in every account that gets a recorder from these stacks (awsConfig.createServiceLinkedRole is false)",
      source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html",
    });
  }
  if (config.alerting.rootAccessKeyAlerts) {
    prerequisites.push({
      checkId: "cloudtrail",
      requirement: `a CloudTrail trail logging management events from every account (an organization trail), so root CreateAccessKey reaches EventBridge in ${IAM_EVENT_REGION[config.partition]}`,
      source: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html",
    });
  }
  return prerequisites;
}
