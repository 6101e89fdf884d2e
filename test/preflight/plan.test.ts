/**
 * Preflight names what the stacks create without importing the constructs (they pull in cdktf); these
 * tests pin those names to the modules, and the plan to the config's defaults.
 */
import { Testing } from "cdktf";
import { CONFIG_SERVICE_LINKED_ROLE, CONFIGURATION_POLICY_NAME, GUARDRAIL_SCP_NAMES, SECURITY_TOOLING_STACK_DIR } from "../../gates/preflight/plan";
import { memberBaselineTemplate } from "../../modules/aws-config/member-baseline-template";
import { gateReadOnlyPolicy, gateTrustPolicy } from "../../modules/gate-access/policies";
import { guardrailScps } from "../../modules/scp/policies";
import { SECURITY_TOOLING_STACK_NAME } from "../../modules/stacks/common";
import { SecurityToolingStack } from "../../modules/stacks/security-tooling";
import { exampleConfig, TEST_OUTDIR } from "../modules/helpers";
import { configWith, OUS, planOf } from "./helpers";

describe("names shared with the modules", () => {
  test("the guardrail SCPs are the ones the management stack creates, whatever the options", () => {
    for (const denyAllRootActions of [false, true]) {
      expect(guardrailScps({ partition: "aws", denyAllRootActions }).map((p) => p.name)).toEqual([...GUARDRAIL_SCP_NAMES]);
    }
  });

  test("the security-tooling stack has exactly one finding aggregator and one configuration policy named as preflight expects", () => {
    const json = JSON.parse(Testing.synth(new SecurityToolingStack(Testing.app({ outdir: TEST_OUTDIR }), exampleConfig()))) as { resource: Record<string, Record<string, { name?: string }>> };
    // The import commands preflight prints pick the only resource of each type in the synthesized stack.
    expect(Object.keys(json.resource["aws_securityhub_finding_aggregator"] ?? {})).toHaveLength(1);
    const policies = Object.values(json.resource["aws_securityhub_configuration_policy"] ?? {});
    expect(policies.map((p) => p.name)).toEqual([CONFIGURATION_POLICY_NAME]);
    expect(SECURITY_TOOLING_STACK_DIR).toBe(`cdktf.out/stacks/${SECURITY_TOOLING_STACK_NAME}`);
  });
});

test("the Config service-linked role preflight reads is the one the member baseline creates and its recorder names", () => {
  const template = memberBaselineTemplate({ iamEventRegion: "us-east-1", gateReadOnlyPolicy: gateReadOnlyPolicy(), gateTrustPolicy: gateTrustPolicy("aws", ["arn:aws:iam::111111111111:role/P"]) }) as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const slr = Object.values(template.Resources).filter((r) => r.Type === "AWS::IAM::ServiceLinkedRole");
  expect(slr.map((r) => r.Properties["AWSServiceName"])).toEqual([CONFIG_SERVICE_LINKED_ROLE.servicePrincipal]);
  const recorderRole = JSON.stringify(template.Resources["ConfigRecorder"]?.Properties["RoleARN"]);
  expect(recorderRole).toContain(`:role${CONFIG_SERVICE_LINKED_ROLE.path}${CONFIG_SERVICE_LINKED_ROLE.name}`);
});

describe("planFor", () => {
  test("defaults: SCPs on the target OUs, the policy on the root, the deployment role, IAM events in us-east-1", () => {
    const plan = planOf();
    expect(plan.scpTargetIds).toEqual([OUS.workloads]);
    expect(plan.securityHubTargetIds).toEqual(["r-ex01"]);
    expect(plan.securityToolingRoleName).toBe("OrganizationAccountAccessRole");
    expect(plan.iamEventRegion).toBe("us-east-1");
    expect(plan.createServiceLinkedRole).toBe(true);
    expect(plan.slotsAlreadyUsed(OUS.workloads)).toBe(1);
    expect(plan.configuredTargets.map((t) => t.field)).toEqual(["organization.rootId", "organization.targetOuIds[0]", "organization.productionOuId"]);
  });

  test("explicit targets and per-target slots; the GovCloud IAM event Region", () => {
    const plan = planOf(
      configWith({
        scp: { targetIds: ["r-ex01", OUS.security], slotsAlreadyUsedByTarget: { "r-ex01": 3 } },
        securityHub: { targetIds: [OUS.workloads] },
        deployment: { securityToolingRoleName: "AWSControlTowerExecution" },
      }),
    );
    expect(plan.scpTargetIds).toEqual(["r-ex01", OUS.security]);
    expect(plan.slotsAlreadyUsed("r-ex01")).toBe(3);
    expect(plan.slotsAlreadyUsed(OUS.security)).toBe(1);
    expect(plan.configuredTargets.map((t) => t.field)).toContain("securityHub.targetIds[0]");
    expect(plan.securityToolingRoleName).toBe("AWSControlTowerExecution");
    const gov = planOf(configWith({ partition: "aws-us-gov", homeRegion: "us-gov-west-1", governedRegions: ["us-gov-west-1"], gate: { trustedPrincipalArns: ["arn:aws-us-gov:iam::111111111111:role/P"] } }));
    expect(gov.iamEventRegion).toBe("us-gov-west-1");
  });
});
