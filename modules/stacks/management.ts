/**
 * The management-account stack: delegations, SCPs, the member baseline (StackSet for the target OUs, plain
 * stacks for the management account itself) and the gate's promotion policy. Runs with management-account
 * credentials.
 */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { ConfigDelegation, ManagementAccountBaseline, MemberBaselineStackSet, memberBaselineTemplate, type MemberBaselineParameters } from "../aws-config";
import type { GuardrailsConfig } from "../config/schema";
import { IAM_EVENT_REGION } from "../config/regions";
import { promotionPolicyProps, scpTargets } from "../config/validate";
import { GatePromotionPolicy, GateRemediationPolicy, gateReadOnlyPolicy, gateTrustPolicy, promotionPolicyHolders, type PromotionPolicyHolders } from "../gate-access";
import { GuardrailPolicies } from "../scp";
import { SecurityHubDelegation } from "../security-hub";
import { gateTrustedPrincipalArns } from "../gate-service/names";
import { configureBackend, configureProvider, MANAGEMENT_STACK_NAME } from "./common";

export class ManagementStack extends TerraformStack {
  readonly scps: GuardrailPolicies;
  readonly memberBaseline: MemberBaselineStackSet;
  readonly managementBaseline: ManagementAccountBaseline;
  readonly promotionPolicyHolders: PromotionPolicyHolders;
  /** GuardrailsRootRemediation, when remediation.enabled; null otherwise (nothing can AssumeRoot through the modules). */
  readonly remediationPolicy: GateRemediationPolicy | null;

  constructor(scope: Construct, config: GuardrailsConfig) {
    super(scope, MANAGEMENT_STACK_NAME);
    configureProvider(this, config);
    configureBackend(this, MANAGEMENT_STACK_NAME, config);
    const { partition } = config;

    // With central configuration, designating the administrator in the home region covers linked regions.
    new SecurityHubDelegation(this, "security-hub-delegation", { adminAccountId: config.securityToolingAccountId });
    new ConfigDelegation(this, "config-delegation", { adminAccountId: config.securityToolingAccountId });

    // SCPs protect member accounts only: "SCPs don't affect users or roles in the management account"
    // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html). There, root
    // CreateAccessKey is alerted (management baseline below), not denied.
    this.scps = new GuardrailPolicies(this, "scp", {
      partition,
      denyAllRootActions: config.scp.denyAllRootActions,
      breakGlassPrincipalArns: config.scp.breakGlassPrincipalArns,
      targetIds: scpTargets(config),
      budget: config.scp,
    });

    const { awsConfig } = config;
    const regions = {
      homeRegion: config.homeRegion,
      governedRegions: config.governedRegions,
      iamEventRegion: IAM_EVENT_REGION[partition],
      forwardRootEvents: config.alerting.rootAccessKeyAlerts,
    };
    // One template and one parameter set for the StackSet and the management account's stacks.
    const templateBody = JSON.stringify(
      memberBaselineTemplate({
        iamEventRegion: regions.iamEventRegion,
        gateReadOnlyPolicy: gateReadOnlyPolicy(),
        gateTrustPolicy: gateTrustPolicy(partition, gateTrustedPrincipalArns(config)),
      }),
    );
    const parameters = (recorderExists: boolean): MemberBaselineParameters => ({
      CreateRecorder: String(!recorderExists),
      CreateConfigServiceLinkedRole: String(awsConfig.createServiceLinkedRole && !recorderExists),
      DeliveryBucketName: awsConfig.deliveryBucketName ?? "",
      DeliveryKeyPrefix: awsConfig.deliveryKeyPrefix ?? "",
      SecurityToolingAccountId: config.securityToolingAccountId,
      GateRoleName: config.gate.roleName,
      ForwardRootEvents: String(config.alerting.rootAccessKeyAlerts),
      CentralEventBusArn: `arn:${partition}:events:${config.homeRegion}:${config.securityToolingAccountId}:event-bus/default`,
    });
    this.memberBaseline = new MemberBaselineStackSet(this, "member-baseline", {
      ...regions,
      templateBody,
      targetOuIds: config.organization.targetOuIds,
      parameters: parameters(awsConfig.recordersExist),
    });
    // Control Tower does not govern its management account: no recorder there from Control Tower either
    // (MCAF config.tf: "as the management account is not managed by Control Tower, AWS Config needs to be
    // enabled for this account separately"; CfCT: the AWSControlTowerExecution role "is not deployed to the
    // management account", https://docs.aws.amazon.com/controltower/latest/userguide/cfct-root-ou.html). So
    // by default the management account gets the whole baseline; with managementRecorderExists it keeps its
    // recorder and still gets the gate role and root-event forwarding.
    this.managementBaseline = new ManagementAccountBaseline(this, "management-baseline", {
      ...regions,
      templateBody,
      parameters: parameters(awsConfig.managementRecorderExists),
    });

    this.promotionPolicyHolders = config.gate.attachPromotionPolicy
      ? promotionPolicyHolders(config.managementAccountId, config.gate.trustedPrincipalArns)
      : { roleNames: [], notAttached: config.gate.trustedPrincipalArns.map((arn) => ({ arn, reason: "gate.attachPromotionPolicy is false" })) };
    new GatePromotionPolicy(this, "gate-promotion", { ...promotionPolicyProps(config), attachToRoleNames: this.promotionPolicyHolders.roleNames });

    // Off by default: a root session can delete a member account's root credentials. Attached to the named
    // incident responders only (validated: exact management-account roles the gate role trusts).
    this.remediationPolicy = config.remediation.enabled
      ? new GateRemediationPolicy(this, "gate-remediation", {
          partition,
          organizationId: config.organization.id,
          gateRoleName: config.gate.roleName,
          attachToRoleNames: config.remediation.responderRoleArns.map((arn) => arn.split("/").pop() ?? arn),
        })
      : null;
  }
}
