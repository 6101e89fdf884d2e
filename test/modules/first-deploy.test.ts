/**
 * Issue 9: what a first `cdktf deploy` on a real organization runs into, asserted on the synthesized
 * stacks of the embedded example (the JSON `cdktf deploy` applies). Each test names the AWS or provider
 * rule it encodes and where that rule is written down.
 */
import { TRUSTED_ACCESS_REQUIREMENTS } from "../../modules/constants";
import { CONFIG_DISABLING_ACTIONS } from "../../modules/scp";
import { addressOf, exampleConfig, removeSynthDirs, resourcesOf, synthStacks, type Json } from "./helpers";
import { denyingStatements } from "./policy-eval";

afterAll(removeSynthDirs);

const example = synthStacks(exampleConfig());
const stackSetTemplate = (stacks: Json): Json => JSON.parse(resourcesOf(stacks, "aws_cloudformation_stack_set")[0]!.template_body) as Json;

describe("1. designation enables Security Hub in the delegated administrator (Security Hub user guide, securityhub-accounts.html); EnableSecurityHub again fails with ResourceConflictException (terraform-provider-aws #31875)", () => {
  const st = example.securityTooling;

  it("the security-tooling stack never enables Security Hub: no aws_securityhub_account", () => {
    expect(resourcesOf(st, "aws_securityhub_account")).toEqual([]);
    expect(resourcesOf(example.management, "aws_securityhub_account")).toEqual([]);
  });

  it("designation lives in the management stack, which deploys first", () => {
    expect(resourcesOf(example.management, "aws_securityhub_organization_admin_account")).toEqual([{ admin_account_id: "222222222222" }]);
    expect(example.manifest.stacks["security-tooling"].dependencies).toEqual(["management"]);
  });

  it("keeps the central-configuration order without the hub: aggregator -> CENTRAL -> policy -> associations (provider #42259)", () => {
    const aggregator = addressOf(st, "aws_securityhub_finding_aggregator");
    const organization = addressOf(st, "aws_securityhub_organization_configuration");
    const policy = addressOf(st, "aws_securityhub_configuration_policy");
    expect(resourcesOf(st, "aws_securityhub_finding_aggregator")[0]!.depends_on).toBeUndefined();
    expect(resourcesOf(st, "aws_securityhub_organization_configuration")[0]!.depends_on).toEqual([aggregator]);
    expect(resourcesOf(st, "aws_securityhub_configuration_policy")[0]!.depends_on).toEqual([organization]);
    expect(resourcesOf(st, "aws_securityhub_configuration_policy_association").map((a) => a.policy_id)).toEqual([`\${${policy}.id}`]);
  });

  it("leaves consolidated control findings to the administrator's default and names the preflight check that proves it", () => {
    expect(example.summary).toContain("[securityhub-admin-state] Security Hub in the security-tooling account is the one designation enables (not re-enabled by the stacks), with consolidated control findings");
  });
});

describe("2. organization Config rules evaluate every account except excluded_accounts and fail to create while one has no recorder (provider docs, config_organization_managed_rule)", () => {
  it("passes awsConfig.excludedAccountIds to both rules", () => {
    const { securityTooling } = synthStacks(exampleConfig({ awsConfig: { ...exampleConfig().awsConfig, excludedAccountIds: ["999999999999", "888888888888"] } }));
    expect(resourcesOf(securityTooling, "aws_config_organization_managed_rule").map((r) => [r.rule_identifier, r.excluded_accounts])).toEqual([
      ["ACCESS_KEYS_ROTATED", ["999999999999", "888888888888"]],
      ["IAM_ROOT_ACCESS_KEY_CHECK", ["999999999999", "888888888888"]],
    ]);
  });

  it("excludes nobody by default: the management account, which the rules include, gets a recorder from the management stack", () => {
    expect(resourcesOf(example.securityTooling, "aws_config_organization_managed_rule").every((r) => r.excluded_accounts === undefined)).toBe(true);
    expect(resourcesOf(example.management, "aws_cloudformation_stack").map((s) => s.parameters.CreateRecorder)).toEqual(["true", "true", "true"]);
  });
});

describe("3. SCPs apply to the StackSet execution role stacksets-exec-* (a service role, not service-linked: CloudFormation stacksets-orgs-activate-trusted-access) and to AWSControlTowerExecution (Organizations orgs_manage_policies_scps)", () => {
  const protect = resourcesOf(example.management, "aws_organizations_policy").find((p) => p.name === "GuardrailsProtectSecurityServices")!.content as string;
  // What the StackSet does to the member baseline's recorder over its life: create, update, delete.
  const recorderLifecycle = ["config:PutConfigurationRecorder", "config:PutDeliveryChannel", "config:StopConfigurationRecorder", "config:DeleteDeliveryChannel", "config:DeleteConfigurationRecorder"];

  it.each(recorderLifecycle)("lets the StackSet execution role call %s", (action) => {
    expect(CONFIG_DISABLING_ACTIONS).toContain(action);
    expect(denyingStatements(protect, { action, principalArn: "arn:aws:iam::444455556666:role/stacksets-exec-0f8e2a71c4d94be1a0e5" })).toEqual([]);
    expect(denyingStatements(protect, { action, principalArn: "arn:aws:iam::444455556666:role/AWSControlTowerExecution" })).toEqual([]);
  });

  it.each(recorderLifecycle)("still denies %s to every other principal", (action) => {
    expect(denyingStatements(protect, { action, principalArn: "arn:aws:iam::444455556666:role/Admin" })).toEqual(["DenyDisablingConfig"]);
  });

  it("never exempts anyone but break-glass from leaving the organization", () => {
    for (const principalArn of ["arn:aws:iam::444455556666:role/stacksets-exec-0f8e2a71", "arn:aws:iam::444455556666:role/AWSControlTowerExecution"]) {
      expect(denyingStatements(protect, { action: "organizations:LeaveOrganization", principalArn })).toEqual(["DenyLeavingOrganization"]);
    }
    expect(denyingStatements(protect, { action: "organizations:LeaveOrganization", principalArn: "arn:aws:iam::444455556666:role/BreakGlassAdministrator" })).toEqual([]);
  });
});

describe("4. registering Config delegated administrators needs trusted access for config and config-multiaccountsetup first (Config guide, aggregated-register-delegated-administrator); the stacks cannot own it", () => {
  const ownerEnabled = TRUSTED_ACCESS_REQUIREMENTS.filter((t) => t.enabledBy === "organization-owner").map((t) => t.servicePrincipal);

  it("every delegated administrator and the service-managed StackSet have their trusted access listed as a prerequisite", () => {
    const delegated = resourcesOf(example.management, "aws_organizations_delegated_administrator").map((d) => d.service_principal);
    expect(delegated.length).toBeGreaterThan(0);
    for (const principal of delegated) expect(ownerEnabled).toContain(principal);
    expect(resourcesOf(example.management, "aws_cloudformation_stack_set")[0]!.permission_model).toBe("SERVICE_MANAGED");
    expect(ownerEnabled).toContain("member.org.stacksets.cloudformation.amazonaws.com");
    expect(example.summary).toContain(`[trusted-access] trusted access enabled by the organization's owner for ${ownerEnabled.join(", ")}`);
  });

  it("Security Hub's trusted access comes with its designation (designate-orgs-admin-account)", () => {
    expect(TRUSTED_ACCESS_REQUIREMENTS.find((t) => t.servicePrincipal === "securityhub.amazonaws.com")?.enabledBy).toBe("designation");
  });

  it("neither stack manages the organization itself (its service-access list belongs to the organization's owner)", () => {
    expect(resourcesOf(example.management, "aws_organizations_organization")).toEqual([]);
    expect(resourcesOf(example.securityTooling, "aws_organizations_organization")).toEqual([]);
  });
});

describe("5. before you can create a delivery channel you must create a configuration recorder (CloudFormation AWS::Config::DeliveryChannel)", () => {
  it("the deployed template orders the delivery channel after the recorder, under the same condition", () => {
    const { ConfigDeliveryChannel, ConfigRecorder } = stackSetTemplate(example.management).Resources;
    expect(ConfigDeliveryChannel.DependsOn).toBe("ConfigRecorder");
    expect(ConfigDeliveryChannel.Condition).toBe(ConfigRecorder.Condition);
  });

  it("the recorder waits for the service-linked role the same stack creates (home region)", () => {
    const { ConfigRecorder, ConfigServiceLinkedRole } = stackSetTemplate(example.management).Resources;
    expect(ConfigServiceLinkedRole.Condition).toBe("CreateServiceLinkedRole");
    expect(ConfigRecorder.Properties.RoleARN["Fn::If"][0]).toBe("CreateServiceLinkedRole");
    expect(ConfigRecorder.Properties.RoleARN["Fn::If"][1]["Fn::Sub"]).toContain("${ConfigServiceLinkedRole}");
  });
});

describe("6. service-managed StackSets never deploy to the management account (CloudFormation stacksets-orgs-associate-stackset-with-org); SCPs never apply to it (orgs_manage_policies_scps)", () => {
  const baselineStacks = (stacks: Json): Json[] => resourcesOf(stacks, "aws_cloudformation_stack");

  it("the management stack deploys the same template and parameters as the StackSet, one stack per StackSet region", () => {
    const stackSet = resourcesOf(example.management, "aws_cloudformation_stack_set")[0]!;
    const instanceRegions = resourcesOf(example.management, "aws_cloudformation_stack_set_instance").map((i) => i.stack_set_instance_region).sort();
    const stacks = baselineStacks(example.management);
    expect(stacks.map((s) => s.region).sort()).toEqual(instanceRegions);
    for (const stack of stacks) {
      expect(stack.template_body).toBe(stackSet.template_body);
      expect(stack.parameters).toEqual(stackSet.parameters);
      expect(stack.capabilities).toEqual(["CAPABILITY_NAMED_IAM"]);
    }
  });

  it("creates the recorder, gate role and root-event forwarding there by default, home region first", () => {
    const stacks = baselineStacks(example.management);
    const home = addressOf(example.management, "aws_cloudformation_stack", (s) => s.region === "eu-west-1");
    expect(stacks.filter((s) => s.region !== "eu-west-1").map((s) => s.depends_on)).toEqual([[home], [home]]);
    expect(stacks.every((s) => s.parameters.CreateRecorder === "true" && s.parameters.ForwardRootEvents === "true")).toBe(true);
    // The gate role's condition does not depend on the recorder: the management account always gets it.
    expect(stackSetTemplate(example.management).Conditions.CreateGateRole["Fn::And"][0]).toEqual({ Condition: "IsHomeRegion" });
  });

  it("with managementRecorderExists keeps the existing recorder and still deploys the gate role and forwarding", () => {
    const { management } = synthStacks(exampleConfig({ awsConfig: { ...exampleConfig().awsConfig, managementRecorderExists: true } }));
    const stacks = baselineStacks(management);
    expect(stacks.map((s) => [s.region, s.parameters.CreateRecorder, s.parameters.CreateConfigServiceLinkedRole, s.parameters.ForwardRootEvents])).toEqual([
      ["eu-central-1", "false", "false", "true"],
      ["eu-west-1", "false", "false", "true"],
      ["us-east-1", "false", "false", "true"],
    ]);
    // Members are unaffected.
    expect(resourcesOf(management, "aws_cloudformation_stack_set")[0]!.parameters.CreateRecorder).toBe("true");
  });

  it("a region deployed only for root-event forwarding gets no recorder there either", () => {
    const { management } = synthStacks(exampleConfig({ governedRegions: ["eu-west-1"] }));
    expect(baselineStacks(management).map((s) => [s.region, s.parameters.CreateRecorder])).toEqual([["eu-west-1", "true"], ["us-east-1", "false"]]);
  });

  it("says the management account is covered by the stacks and not by SCPs", () => {
    expect(example.summary).toContain("Management account 111111111111: member baseline as stacks in eu-west-1, eu-central-1, us-east-1 (recorder created); no SCP applies there");
  });
});

describe("7. AWS API Call via CloudTrail events reach EventBridge only when a CloudTrail trail logs them (EventBridge eb-service-event-cloudtrail)", () => {
  it("root CreateAccessKey alerts are CloudTrail events, so a trail is a deploy prerequisite (preflight check cloudtrail)", () => {
    const rule = resourcesOf(example.securityTooling, "aws_cloudwatch_event_rule").find((r) => r.name === "guardrails-root-create-access-key")!;
    expect(JSON.parse(rule.event_pattern)["detail-type"]).toEqual(["AWS API Call via CloudTrail"]);
    expect(example.summary).toContain("[cloudtrail] a CloudTrail trail logging management events from every account (an organization trail), so root CreateAccessKey reaches EventBridge in us-east-1");
  });

  it("without root-key alerts no trail is required and nothing forwards", () => {
    const off = synthStacks(exampleConfig({ alerting: { email: "security-alerts@example.com", rootAccessKeyAlerts: false } }));
    expect(off.summary).not.toContain("[cloudtrail]");
    expect(resourcesOf(off.securityTooling, "aws_cloudwatch_event_bus_policy")).toEqual([]);
  });
});
