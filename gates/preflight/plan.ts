/**
 * What the stacks will do, derived from the validated config: which accounts get a recorder, where the
 * SCPs go, which OUs must exist. Pure. The names below are the ones the modules create; preflight must not
 * import the constructs (they pull in cdktf), so test/preflight/plan.test.ts pins them to the modules.
 */
import type { GuardrailsConfig } from "../../modules/config/schema";
import { IAM_EVENT_REGION } from "../../modules/config/regions";
import { scpTargets, securityHubTargets } from "../../modules/config/validate";

/** SCPs the management stack creates (modules/scp/policies.ts). */
export const GUARDRAIL_SCP_NAMES = ["GuardrailsRootUser", "GuardrailsProtectSecurityServices"] as const;
/** Security Hub configuration policy the security-tooling stack creates (modules/security-hub). */
export const CONFIGURATION_POLICY_NAME = "guardrails-cis";
/** Where `cdktf synth` writes the security-tooling stack (modules/stacks/common.ts), for import commands. */
export const SECURITY_TOOLING_STACK_DIR = "cdktf.out/stacks/security-tooling";

/**
 * Config's service-linked role, which the member-baseline template creates (AWS::IAM::ServiceLinkedRole) and
 * its recorder names (modules/aws-config/member-baseline-template.ts). Name, path and service principal:
 * https://docs.aws.amazon.com/config/latest/developerguide/using-service-linked-roles.html
 */
export const CONFIG_SERVICE_LINKED_ROLE = {
  name: "AWSServiceRoleForConfig",
  path: "/aws-service-role/config.amazonaws.com/",
  servicePrincipal: "config.amazonaws.com",
} as const;

/**
 * Trusted access the stacks rely on, by the service principal ListAWSServiceAccessForOrganization lists.
 * Sources: https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-securityhub.html,
 * https://docs.aws.amazon.com/config/latest/developerguide/aggregated-register-delegated-administrator.html
 * (config-multiaccountsetup: organization rules; config: organization aggregator), and
 * https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-cloudformation.html
 * (StackSets' member-account principal is member.org.stacksets.cloudformation.amazonaws.com).
 */
export const SERVICE_PRINCIPALS = {
  securityHub: "securityhub.amazonaws.com",
  config: "config.amazonaws.com",
  configMultiAccountSetup: "config-multiaccountsetup.amazonaws.com",
  stackSets: "member.org.stacksets.cloudformation.amazonaws.com",
} as const;

/** Services whose delegated administrator the management stack registers (securityToolingAccountId). */
export const DELEGATED_SERVICES = [SERVICE_PRINCIPALS.securityHub, SERVICE_PRINCIPALS.config, SERVICE_PRINCIPALS.configMultiAccountSetup] as const;

/** An id the config names, with the field that names it (for messages and fixes). */
export interface ConfiguredId {
  id: string;
  field: string;
}

export interface PreflightPlan {
  configFile: string;
  partition: string;
  managementAccountId: string;
  securityToolingAccountId: string;
  organizationId: string;
  rootId: string;
  homeRegion: string;
  governedRegions: readonly string[];
  /** IAM delivers its CloudTrail events (root CreateAccessKey) to EventBridge in this region only. */
  iamEventRegion: string;
  targetOuIds: readonly string[];
  /** Every root / OU id the config names, with its field. */
  configuredTargets: readonly ConfiguredId[];
  scpTargetIds: readonly string[];
  securityHubTargetIds: readonly string[];
  maxPoliciesPerTarget: number;
  /** Slots the config says others use on a target (what synth counted). */
  slotsAlreadyUsed: (targetId: string) => number;
  recordersExist: boolean;
  managementRecorderExists: boolean;
  excludedAccountIds: readonly string[];
  /** The stacks create AWSServiceRoleForConfig where they create a recorder (awsConfig.createServiceLinkedRole). */
  createServiceLinkedRole: boolean;
  rootAccessKeyAlerts: boolean;
  /** Role the security-tooling stack assumes there (deployment.securityToolingRoleName). */
  securityToolingRoleName: string;
}

export function planFor(config: GuardrailsConfig, configFile: string): PreflightPlan {
  const scp = scpTargets(config);
  const hub = securityHubTargets(config);
  const configuredTargets: ConfiguredId[] = [
    { id: config.organization.rootId, field: "organization.rootId" },
    ...config.organization.targetOuIds.map((id, i) => ({ id, field: `organization.targetOuIds[${i}]` })),
    { id: config.organization.productionOuId, field: "organization.productionOuId" },
    ...(config.scp.targetIds ?? []).map((id, i) => ({ id, field: `scp.targetIds[${i}]` })),
    ...(config.securityHub.targetIds ?? []).map((id, i) => ({ id, field: `securityHub.targetIds[${i}]` })),
  ];
  return {
    configFile,
    partition: config.partition,
    managementAccountId: config.managementAccountId,
    securityToolingAccountId: config.securityToolingAccountId,
    organizationId: config.organization.id,
    rootId: config.organization.rootId,
    homeRegion: config.homeRegion,
    governedRegions: config.governedRegions,
    iamEventRegion: IAM_EVENT_REGION[config.partition],
    targetOuIds: config.organization.targetOuIds,
    configuredTargets,
    scpTargetIds: scp,
    securityHubTargetIds: hub,
    maxPoliciesPerTarget: config.scp.maxPoliciesPerTarget,
    slotsAlreadyUsed: (targetId) => config.scp.slotsAlreadyUsedByTarget[targetId] ?? config.scp.slotsAlreadyUsed,
    recordersExist: config.awsConfig.recordersExist,
    managementRecorderExists: config.awsConfig.managementRecorderExists,
    excludedAccountIds: config.awsConfig.excludedAccountIds,
    createServiceLinkedRole: config.awsConfig.createServiceLinkedRole,
    rootAccessKeyAlerts: config.alerting.rootAccessKeyAlerts,
    securityToolingRoleName: config.deployment.securityToolingRoleName,
  };
}

/** Up to `max` items, then "and N more": keeps text output short for thousands of accounts. */
export function listSome(items: readonly string[], max = 20): string {
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}
