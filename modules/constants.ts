/**
 * The only things `modules/` (what is provisioned) and `gates/` (what is checked) share:
 * identifiers both sides must agree on. Changing one here changes both the provisioned
 * permissions and the gate's expectations in the same commit.
 */

/** Security Hub consolidated control ids the gate decides on. */
export const CONTROL_IAM4 = "IAM.4";
export const CONTROL_IAM3 = "IAM.3";
export type ControlId = typeof CONTROL_IAM4 | typeof CONTROL_IAM3;
export const GATE_CONTROLS: readonly ControlId[] = [CONTROL_IAM4, CONTROL_IAM3];

/** AWS Config managed rule source identifiers behind IAM.4 and IAM.3. */
export const RULE_ROOT_ACCESS_KEY_CHECK = "IAM_ROOT_ACCESS_KEY_CHECK";
export const RULE_ACCESS_KEYS_ROTATED = "ACCESS_KEYS_ROTATED";

/** Default maximum age of an active IAM user access key (IAM.3, CIS 1.2.0 1.4), in days. */
export const DEFAULT_MAX_ACCESS_KEY_AGE_DAYS = 90;

/** Role the gate assumes, read-only, in every member account and in the security-tooling account. */
export const GATE_READ_ONLY_ROLE_NAME = "GuardrailsGateReadOnly";
/** Managed policy (management account) the vending pipeline's principal uses to promote accounts. */
export const GATE_PROMOTION_POLICY_NAME = "GuardrailsGatePromotion";

/**
 * Managed policy (management account) of the incident responders who run `guardrails remediate`: sts:AssumeRoot
 * limited to the two root-task policies below, plus the reads remediate makes. Off unless `remediation.enabled`.
 */
export const GATE_REMEDIATION_POLICY_NAME = "GuardrailsRootRemediation";

/**
 * AWS managed root-task policies that scope a centralized-root session (sts:AssumeRoot TaskPolicyArn):
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html. `remediate` uses the audit one for a dry
 * run (it can only read: ListAccessKeys, GetAccessKeyLastUsed, ...) and the delete one with --apply (it can
 * delete root credentials: access keys, signing certificates, password, MFA; remediate deletes access keys
 * only). Policy documents: https://docs.aws.amazon.com/IAM/latest/UserGuide/security-iam-awsmanpol.html
 * (mirrored in zoph-io/MAMIP : policies/IAMAuditRootUserCredentials, policies/IAMDeleteRootUserCredentials).
 */
export const ROOT_TASK_POLICY_AUDIT = "IAMAuditRootUserCredentials";
export const ROOT_TASK_POLICY_DELETE = "IAMDeleteRootUserCredentials";
export type RootTaskPolicyName = typeof ROOT_TASK_POLICY_AUDIT | typeof ROOT_TASK_POLICY_DELETE;
/** `arn:<partition>:iam::aws:policy/root-task/<name>`: AWS managed policies live under the account `aws`. */
export function rootTaskPolicyArn(partition: string, name: RootTaskPolicyName): string {
  return `arn:${partition}:iam::aws:policy/root-task/${name}`;
}

/** Organizations account tag that marks an account production-ready; the only tag the gate may write. */
export const READY_TAG_KEY = "guardrails:production-ready";
export const READY_TAG_VALUE = "true";
/** Companion tags written with the ready tag, so the tag itself says when and on what evidence. */
export const READY_CHECKED_AT_TAG_KEY = "guardrails:production-ready-checked-at";
export const READY_EVIDENCE_TAG_KEY = "guardrails:production-ready-evidence-sha256";
/** Every tag key the promotion policy allows the gate to write or remove. */
export const GATE_TAG_KEYS: readonly string[] = [READY_TAG_KEY, READY_CHECKED_AT_TAG_KEY, READY_EVIDENCE_TAG_KEY];

/** Tag put on every resource the modules create, so drift and ownership are visible. */
export const MANAGED_BY_TAG_KEY = "guardrails:managed-by";
export const MANAGED_BY_TAG_VALUE = "cis-guardrails";

/**
 * Organizations trusted access the deploy depends on, and who turns it on. The stacks never own the
 * organization's service-access list (`aws_organizations_organization` would take the whole organization
 * over from its owner, Control Tower or whoever created it), so the owner enables what is
 * `"organization-owner"` before deploy and `guardrails preflight` (check `trusted-access`) verifies it.
 */
export interface TrustedAccessRequirement {
  readonly servicePrincipal: string;
  readonly neededFor: string;
  readonly enabledBy: "organization-owner" | "designation";
  /** The command that enables it (management-account credentials). */
  readonly enableCommand: string;
  readonly source: string;
}
export const TRUSTED_ACCESS_REQUIREMENTS: readonly TrustedAccessRequirement[] = [
  {
    servicePrincipal: "config-multiaccountsetup.amazonaws.com",
    neededFor: "registering the Config delegated administrator for organization rules (ConfigOrganizationManagedRule)",
    enabledBy: "organization-owner",
    enableCommand: "aws organizations enable-aws-service-access --service-principal config-multiaccountsetup.amazonaws.com",
    source: "https://docs.aws.amazon.com/config/latest/developerguide/aggregated-register-delegated-administrator.html",
  },
  {
    servicePrincipal: "config.amazonaws.com",
    neededFor: "registering the Config delegated administrator for the organization aggregator",
    enabledBy: "organization-owner",
    enableCommand: "aws organizations enable-aws-service-access --service-principal config.amazonaws.com",
    source: "https://docs.aws.amazon.com/config/latest/developerguide/aggregated-register-delegated-administrator.html",
  },
  {
    servicePrincipal: "member.org.stacksets.cloudformation.amazonaws.com",
    neededFor: "the service-managed member-baseline StackSet",
    enabledBy: "organization-owner",
    // The CloudFormation console/CLI path also creates the StackSets service-linked roles (AWS recommends it over Organizations').
    enableCommand: "aws cloudformation activate-organizations-access",
    source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html",
  },
  {
    servicePrincipal: "securityhub.amazonaws.com",
    neededFor: "the Security Hub delegated administrator",
    // "use the organization management account to designate a delegated Security Hub CSPM administrator account.
    // This enables Security Hub CSPM as a trusted service in Organizations." (designate-orgs-admin-account)
    enabledBy: "designation",
    enableCommand: "(none: the management stack's Security Hub designation enables it)",
    source: "https://docs.aws.amazon.com/securityhub/latest/userguide/designate-orgs-admin-account.html",
  },
];

/**
 * Re-checks at its longest interval one `guardrails-promote` execution may make while it waits (a few shorter ones
 * come first, while the interval doubles up to it). Each adds 9 events to the execution's
 * history (the Check task 5, the Choice 2, the Wait 2), which holds at most 25,000 ("Execution history: 25,000
 * events in a single state machine execution history", https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html);
 * 1,000 (9,000 events) leaves room for retries and the states around the loop. The service's longest re-check
 * interval grows with its longest wait to stay within it (modules/gate-service/names.ts).
 */
export const PROMOTE_MAX_RECHECKS = 1_000;
