/**
 * Security Hub (CSPM) central configuration, deployed in the delegated administrator (security-tooling)
 * account. The delegation itself is made from the management account ({@link SecurityHubDelegation}).
 * Ordering follows MCAF and provider issue #42259: aggregator -> CENTRAL organization configuration ->
 * configuration policy -> associations.
 *
 * No `aws_securityhub_account` here. Designating the administrator (management stack, deployed first)
 * already enables Security Hub in this account in the home region: "Security Hub CSPM is automatically
 * enabled in the delegated administrator account in the AWS Region in which it was designated"
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-accounts.html). Enabling it again
 * fails with `ResourceConflictException: Account is already subscribed to Security Hub`
 * (hashicorp/terraform-provider-aws #31875). Importing it instead
 * would make its `enable_default_standards` (ForceNew, default true, never read back: the provider keeps
 * whatever the state holds, internal/service/securityhub/account.go) a replacement, i.e. DisableSecurityHub
 * on the administrator, and its destroy would disable Security Hub there.
 *
 * Consolidated control findings (one IAM.4 finding per account, `Compliance.SecurityControlId`) without
 * that resource: a hub enabled on or after 2023-02-23 has them on by default, and "the value for this
 * field in a member account matches the value in the administrator account"
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/controls-findings-create-update.html; DescribeHub
 * `ControlFindingGenerator`, API reference). An administrator hub from before that date is a preflight
 * finding (`securityhub-admin-state`) with its one-line fix, and the gate reads legacy findings too.
 */
import { Construct } from "constructs";
import {
  SecurityhubConfigurationPolicy,
  SecurityhubConfigurationPolicyAssociation,
  SecurityhubFindingAggregator,
  SecurityhubOrganizationAdminAccount,
} from "../aws";
import { SecurityhubOrganizationConfiguration } from "../aws";
import { CONTROL_IAM3, CONTROL_IAM4 } from "../constants";
import type { Partition } from "../config/regions";
import type { CisVersion } from "../config/schema";
import { cisStandardArn } from "./standards";

export { cisStandardArn } from "./standards";

export interface SecurityHubCentralProps {
  readonly partition: Partition;
  /** Region of the finding aggregator and of the provider (where IAM.4 is read). */
  readonly homeRegion: string;
  /** Regions linked to the aggregator; the home region itself is not listed. */
  readonly governedRegions: readonly string[];
  /** CIS versions to enable; at least one. */
  readonly cisVersions: readonly CisVersion[];
  /** Security control ids disabled by the policy; IAM.4 and IAM.3 are refused. @default [] */
  readonly disabledControlIds?: readonly string[];
  /**
   * Why and until when each disabled control is off, appended to the policy description so the
   * reason travels with the resource into plans (the policy has no per-control reason field).
   * @default []
   */
  readonly disabledControlNotes?: readonly { controlId: string; reason: string; expires: string }[];
  /** Organization root / OU ids the policy is associated with; at least one. */
  readonly targetIds: readonly string[];
  /** @default "guardrails-cis" */
  readonly policyName?: string;
}

export class SecurityHubCentral extends Construct {
  readonly configurationPolicy: SecurityhubConfigurationPolicy;
  readonly aggregator: SecurityhubFindingAggregator;
  readonly organizationConfiguration: SecurityhubOrganizationConfiguration;
  readonly associations: SecurityhubConfigurationPolicyAssociation[];
  readonly enabledStandardArns: string[];
  readonly targetIds: readonly string[];

  constructor(scope: Construct, id: string, props: SecurityHubCentralProps) {
    super(scope, id);
    this.targetIds = props.targetIds;
    const disabled = [...(props.disabledControlIds ?? [])];
    for (const always of [CONTROL_IAM4, CONTROL_IAM3]) {
      if (disabled.includes(always)) throw new Error(`SecurityHubCentral: disabledControlIds contains "${always}", which must stay enabled`);
    }
    if (props.cisVersions.length === 0) throw new Error("SecurityHubCentral: cisVersions is empty; enable at least one CIS version");
    if (props.targetIds.length === 0) throw new Error("SecurityHubCentral: targetIds is empty; associate the policy with the root or an OU");

    const linked = props.governedRegions.filter((r) => r !== props.homeRegion);
    // Central configuration requires an aggregator even in a single-region organization (aft-blueprints #13).
    // First Security Hub resource of this stack: the hub it needs exists since designation.
    const aggregator = new SecurityhubFindingAggregator(this, "aggregator", {
      linkingMode: linked.length > 0 ? "SPECIFIED_REGIONS" : "NO_REGIONS",
      specifiedRegions: linked.length > 0 ? linked : undefined,
    });
    this.aggregator = aggregator;

    // CENTRAL forbids auto-enable flags (MCAF #213): new accounts are reached by the policy association.
    const organizationConfiguration = new SecurityhubOrganizationConfiguration(this, "organization-configuration", {
      autoEnable: false,
      autoEnableStandards: "NONE",
      organizationConfiguration: { configurationType: "CENTRAL" },
      dependsOn: [aggregator],
    });
    this.organizationConfiguration = organizationConfiguration;

    this.enabledStandardArns = props.cisVersions.map((v) => cisStandardArn(props.partition, v, props.homeRegion));
    // A disabled-list (not an enabled-list) keeps IAM.4 / IAM.3 and every new control enabled.
    this.configurationPolicy = new SecurityhubConfigurationPolicy(this, "policy", {
      name: props.policyName ?? "guardrails-cis",
      description: policyDescription(`CIS AWS Foundations ${props.cisVersions.join(", ")}; ${CONTROL_IAM4} and ${CONTROL_IAM3} always enabled`, props.disabledControlNotes ?? []),
      configurationPolicy: {
        serviceEnabled: true,
        enabledStandardArns: this.enabledStandardArns,
        securityControlsConfiguration: { disabledControlIdentifiers: disabled },
      },
      dependsOn: [organizationConfiguration],
    });

    // policy_id references the policy: each association is created after it.
    this.associations = props.targetIds.map(
      (targetId) => new SecurityhubConfigurationPolicyAssociation(this, `association-${targetId}`, { targetId, policyId: this.configurationPolicy.id }),
    );
  }
}

/** Security Hub caps a configuration policy description at 512 characters. */
const MAX_DESCRIPTION = 512;

/** `<summary>; <id> disabled until <date>: <reason>; ...`, dropping reasons (never ids) to fit. */
function policyDescription(summary: string, notes: readonly { controlId: string; reason: string; expires: string }[]): string {
  const full = [summary, ...notes.map((n) => `${n.controlId} disabled until ${n.expires}: ${n.reason}`)].join("; ");
  if (full.length <= MAX_DESCRIPTION) return full;
  return [summary, ...notes.map((n) => `${n.controlId} disabled until ${n.expires}`)].join("; ").slice(0, MAX_DESCRIPTION);
}

export interface SecurityHubDelegationProps {
  /** Account that becomes the Security Hub delegated administrator. */
  readonly adminAccountId: string;
}

/** Management-account side: designates the security-tooling account as Security Hub administrator. */
export class SecurityHubDelegation extends Construct {
  constructor(scope: Construct, id: string, props: SecurityHubDelegationProps) {
    super(scope, id);
    if (!/^\d{12}$/.test(props.adminAccountId)) throw new Error(`SecurityHubDelegation: adminAccountId "${props.adminAccountId}" is not a 12-digit account id`);
    new SecurityhubOrganizationAdminAccount(this, "admin", { adminAccountId: props.adminAccountId });
  }
}
