/**
 * The security-tooling (delegated administrator) stack: Security Hub central configuration, Config
 * organization rules and aggregator, alerting, the evidence bucket and the gate's role there. Its
 * provider assumes a role in the security-tooling account from the management credentials.
 */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { Alerting } from "../alerting";
import { ConfigOrganizationRules } from "../aws-config";
import type { GuardrailsConfig } from "../config/schema";
import { enabledCisVersions, securityHubTargets } from "../config/validate";
import { EvidenceBucket } from "../evidence-bucket";
import { GateReadOnlyRole } from "../gate-access";
import { SecurityHubCentral } from "../security-hub";
import { gateTrustedPrincipalArns } from "../gate-service/names";
import { gateServiceFailures } from "../gate-service/failed-executions";
import { configureBackend, configureProvider, SECURITY_TOOLING_STACK_NAME } from "./common";

export class SecurityToolingStack extends TerraformStack {
  readonly securityHub: SecurityHubCentral;

  constructor(scope: Construct, config: GuardrailsConfig) {
    super(scope, SECURITY_TOOLING_STACK_NAME);
    const { partition } = config;
    const deployRoleArn = `arn:${partition}:iam::${config.securityToolingAccountId}:role/${config.deployment.securityToolingRoleName}`;
    configureProvider(this, config, deployRoleArn);
    configureBackend(this, SECURITY_TOOLING_STACK_NAME, config);

    this.securityHub = new SecurityHubCentral(this, "security-hub", {
      partition,
      homeRegion: config.homeRegion,
      governedRegions: config.governedRegions,
      cisVersions: enabledCisVersions(config),
      disabledControlIds: config.securityHub.disabledControls.map((d) => d.controlId),
      disabledControlNotes: config.securityHub.disabledControls,
      targetIds: securityHubTargets(config),
    });
    new ConfigOrganizationRules(this, "aws-config", {
      partition,
      governedRegions: config.governedRegions,
      maxAccessKeyAgeDays: config.awsConfig.maxAccessKeyAgeDays,
      excludedAccountIds: config.awsConfig.excludedAccountIds,
    });
    new Alerting(this, "alerting", {
      partition,
      accountId: config.securityToolingAccountId,
      homeRegion: config.homeRegion,
      email: config.alerting.email,
      organizationId: config.alerting.rootAccessKeyAlerts ? config.organization.id : undefined,
      gateServiceFailures: gateServiceFailures(config),
    });
    new EvidenceBucket(this, "evidence", {
      partition,
      bucketName: config.evidence.bucketName,
      retentionDays: config.evidence.retentionDays,
      writerPrincipalArns: gateTrustedPrincipalArns(config),
    });
    new GateReadOnlyRole(this, "gate-read-only", {
      partition,
      trustedPrincipalArns: gateTrustedPrincipalArns(config),
      roleName: config.gate.roleName,
    });
  }
}
