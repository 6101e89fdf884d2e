/**
 * The management-account stack: delegations, SCPs, the member-baseline StackSet and the gate's
 * promotion policy. Runs with management-account credentials.
 */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { ConfigDelegation, MemberBaselineStackSet } from "../aws-config";
import type { GuardrailsConfig } from "../config/schema";
import { IAM_EVENT_REGION } from "../config/regions";
import { scpTargets } from "../config/validate";
import { GatePromotionPolicy, gateReadOnlyPolicy, gateTrustPolicy } from "../gate-access";
import { GuardrailPolicies } from "../scp";
import { SecurityHubDelegation } from "../security-hub";
import { GATE_TAG_KEYS, READY_TAG_KEY } from "../constants";
import { configureBackend, configureProvider, MANAGEMENT_STACK_NAME } from "./common";

export class ManagementStack extends TerraformStack {
  readonly scps: GuardrailPolicies;
  readonly memberBaseline: MemberBaselineStackSet;

  constructor(scope: Construct, config: GuardrailsConfig) {
    super(scope, MANAGEMENT_STACK_NAME);
    configureProvider(this, config);
    configureBackend(this, MANAGEMENT_STACK_NAME, config);
    const { partition } = config;

    // With central configuration, designating the administrator in the home region covers linked regions.
    new SecurityHubDelegation(this, "security-hub-delegation", { adminAccountId: config.securityToolingAccountId });
    new ConfigDelegation(this, "config-delegation", { adminAccountId: config.securityToolingAccountId });

    this.scps = new GuardrailPolicies(this, "scp", {
      partition,
      denyAllRootActions: config.scp.denyAllRootActions,
      breakGlassPrincipalArns: config.scp.breakGlassPrincipalArns,
      targetIds: scpTargets(config),
      budget: config.scp,
    });

    const forwardRootEvents = config.alerting.rootAccessKeyAlerts;
    this.memberBaseline = new MemberBaselineStackSet(this, "member-baseline", {
      homeRegion: config.homeRegion,
      governedRegions: config.governedRegions,
      targetOuIds: config.organization.targetOuIds,
      iamEventRegion: IAM_EVENT_REGION[partition],
      gateReadOnlyPolicy: gateReadOnlyPolicy(),
      gateTrustPolicy: gateTrustPolicy(partition, config.gate.trustedPrincipalArns),
      parameters: {
        CreateRecorder: String(!config.awsConfig.recordersExist),
        CreateConfigServiceLinkedRole: String(config.awsConfig.createServiceLinkedRole && !config.awsConfig.recordersExist),
        DeliveryBucketName: config.awsConfig.deliveryBucketName ?? "",
        SecurityToolingAccountId: config.securityToolingAccountId,
        GateRoleName: config.gate.roleName,
        ForwardRootEvents: String(forwardRootEvents),
        CentralEventBusArn: `arn:${partition}:events:${config.homeRegion}:${config.securityToolingAccountId}:event-bus/default`,
      },
    });

    new GatePromotionPolicy(this, "gate-promotion", {
      partition,
      managementAccountId: config.managementAccountId,
      rootId: config.organization.rootId,
      sourceOuIds: config.organization.targetOuIds,
      productionOuId: config.organization.productionOuId,
      evidenceBucketName: config.evidence.bucketName,
      gateRoleName: config.gate.roleName,
      tagKeys: tagKeysFor(config),
    });
  }
}

/** The readiness tag keys the gate writes (GATE_TAG_KEYS); a renamed ready tag replaces the default one. */
function tagKeysFor(config: GuardrailsConfig): string[] {
  return [...new Set(GATE_TAG_KEYS.map((key) => (key === READY_TAG_KEY ? config.gate.readyTagKey : key)))];
}
