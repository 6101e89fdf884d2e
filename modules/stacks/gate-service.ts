/**
 * The gate service's stack (DESIGN.md section 10), synthesized only when `gateService.enabled`: in the account the
 * config names (the management account by default, with the management stack's credentials; another account
 * through deployment.securityToolingRoleName there, the role Organizations creates in every account it vends).
 */
import { TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "../aws";
import type { GuardrailsConfig } from "../config/schema";
import { MANAGED_BY_TAG_KEY, MANAGED_BY_TAG_VALUE } from "../constants";
import { GateService, GATE_SERVICE_STACK_NAME, gateServiceAccountId } from "../gate-service";
import { configureBackend } from "./common";

export class GateServiceStack extends TerraformStack {
  readonly service: GateService;

  constructor(scope: Construct, config: GuardrailsConfig) {
    super(scope, GATE_SERVICE_STACK_NAME);
    const accountId = gateServiceAccountId(config);
    const assumeRoleArn = accountId === config.managementAccountId ? undefined : `arn:${config.partition}:iam::${accountId}:role/${config.deployment.securityToolingRoleName}`;
    new AwsProvider(this, "aws", {
      region: config.homeRegion,
      allowedAccountIds: [accountId],
      assumeRole: assumeRoleArn ? [{ roleArn: assumeRoleArn, sessionName: "cis-guardrails" }] : undefined,
      defaultTags: [{ tags: { [MANAGED_BY_TAG_KEY]: MANAGED_BY_TAG_VALUE } }],
    });
    configureBackend(this, GATE_SERVICE_STACK_NAME, config);
    this.service = new GateService(this, "gate-service", config);
  }
}
