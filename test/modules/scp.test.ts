import { GuardrailPolicies, guardrailScps, scpBudgetErrors, SECURITY_HUB_DISABLING_ACTIONS, CONFIG_DISABLING_ACTIONS } from "../../modules/scp";
import { resourcesOf, synth } from "./helpers";

const rootCondition = (partition: string) => ({
  ArnLike: { "aws:PrincipalArn": [`arn:${partition}:iam::*:root`] },
  Null: { "aws:AssumedRoot": "true" },
});

describe("guardrail SCP statements", () => {
  it.each(["aws", "aws-us-gov", "aws-cn"] as const)("denies root CreateAccessKey in %s, letting centralized-root sessions through", (partition) => {
    const [root] = guardrailScps({ partition });
    expect(root!.document.Statement).toEqual([
      { Sid: "DenyRootCreateAccessKey", Effect: "Deny", Action: "iam:CreateAccessKey", Resource: "*", Condition: rootCondition(partition) },
    ]);
    expect(root!.content).not.toContain("${");
  });

  it("optionally denies every root action", () => {
    const [root] = guardrailScps({ partition: "aws", denyAllRootActions: true });
    expect(root!.document.Statement[1]).toEqual({ Sid: "DenyRootAllActions", Effect: "Deny", Action: "*", Resource: "*", Condition: rootCondition("aws") });
  });

  it("protects Security Hub (v1 and V2), Config and membership, exempting break-glass principals and AWS's deployment roles", () => {
    const breakGlass = ["arn:aws:iam::*:role/BreakGlass"];
    const [, protect] = guardrailScps({ partition: "aws", breakGlassPrincipalArns: breakGlass });
    const controlTower = "arn:aws:iam::*:role/AWSControlTowerExecution";
    const stackSets = "arn:aws:iam::*:role/stacksets-exec-*";
    expect(protect!.document.Statement).toEqual([
      { Sid: "DenyDisablingSecurityHub", Effect: "Deny", Action: [...SECURITY_HUB_DISABLING_ACTIONS], Resource: "*", Condition: { ArnNotLike: { "aws:PrincipalArn": [controlTower, ...breakGlass] } } },
      { Sid: "DenyDisablingConfig", Effect: "Deny", Action: [...CONFIG_DISABLING_ACTIONS], Resource: "*", Condition: { ArnNotLike: { "aws:PrincipalArn": [stackSets, controlTower, ...breakGlass] } } },
      { Sid: "DenyLeavingOrganization", Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*", Condition: { ArnNotLike: { "aws:PrincipalArn": breakGlass } } },
    ]);
    expect(SECURITY_HUB_DISABLING_ACTIONS).toEqual(expect.arrayContaining(["securityhub:DisableSecurityHub", "securityhub:DisableSecurityHubV2", "securityhub:BatchDisableStandards"]));
    expect(CONFIG_DISABLING_ACTIONS).toEqual(expect.arrayContaining(["config:StopConfigurationRecorder", "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel"]));
  });

  it("leaves leaving the organization denied for everyone when there is no break-glass principal", () => {
    const [, protect] = guardrailScps({ partition: "aws-cn" });
    expect(protect!.document.Statement.find((s) => s.Sid === "DenyLeavingOrganization")!.Condition).toBeUndefined();
    expect(protect!.document.Statement.find((s) => s.Sid === "DenyDisablingConfig")!.Condition).toEqual({
      ArnNotLike: { "aws:PrincipalArn": ["arn:aws-cn:iam::*:role/stacksets-exec-*", "arn:aws-cn:iam::*:role/AWSControlTowerExecution"] },
    });
  });

  it("measures the minified JSON that becomes the policy content", () => {
    for (const scp of guardrailScps({ partition: "aws", denyAllRootActions: true })) {
      expect(scp.content).toBe(JSON.stringify(JSON.parse(scp.content)));
      expect(scp.content).not.toMatch(/\n|": /);
    }
  });
});

describe("SCP quota check", () => {
  const policies = guardrailScps({ partition: "aws" });
  const sizes = policies.map((p) => p.content.length);

  it("names the policy and its size when it exceeds the character limit", () => {
    expect(scpBudgetErrors(policies, ["ou-ab12-11111111"], { maxPolicyCharacters: 300, maxPoliciesPerTarget: 10, slotsAlreadyUsed: 1 })).toEqual([
      `SCP "GuardrailsProtectSecurityServices" is ${sizes[1]} characters minified, over the limit of 300 (scp.maxPolicyCharacters)`,
    ]);
  });

  it("names the target when it would carry more SCPs than allowed, counting slots already used", () => {
    expect(scpBudgetErrors(policies, ["ou-ab12-11111111", "ou-ab12-22222222"], {
      maxPolicyCharacters: 10240, maxPoliciesPerTarget: 5, slotsAlreadyUsed: 1, slotsAlreadyUsedByTarget: { "ou-ab12-22222222": 4 },
    })).toEqual([
      'target "ou-ab12-22222222" would carry 6 SCPs (2 guardrails + 4 already attached), over the limit of 5 (scp.maxPoliciesPerTarget)',
    ]);
  });

  it("fails synth of the construct with every violation", () => {
    expect(() => synth((scope) => new GuardrailPolicies(scope, "scp", {
      partition: "aws", targetIds: ["ou-ab12-11111111"], budget: { maxPolicyCharacters: 200, maxPoliciesPerTarget: 2 },
    }))).toThrow([
      "SCP quota check failed:",
      `SCP "GuardrailsRootUser" is ${sizes[0]} characters minified, over the limit of 200 (scp.maxPolicyCharacters)`,
      `SCP "GuardrailsProtectSecurityServices" is ${sizes[1]} characters minified, over the limit of 200 (scp.maxPolicyCharacters)`,
      'target "ou-ab12-11111111" would carry 3 SCPs (2 guardrails + 1 already attached), over the limit of 2 (scp.maxPoliciesPerTarget)',
    ].join("\n"));
  });
});

describe("GuardrailPolicies", () => {
  const json = synth((scope) => new GuardrailPolicies(scope, "scp", { partition: "aws-us-gov", targetIds: ["ou-ab12-11111111", "r-ab12"] }));

  it("creates each SCP with its minified, partition-rendered content", () => {
    const [protect, root] = resourcesOf(json, "aws_organizations_policy");
    expect(root).toEqual({
      name: "GuardrailsRootUser",
      description: "Deny root access key creation (centralized root sessions allowed)",
      type: "SERVICE_CONTROL_POLICY",
      content: '{"Version":"2012-10-17","Statement":[{"Sid":"DenyRootCreateAccessKey","Effect":"Deny","Action":"iam:CreateAccessKey","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":["arn:aws-us-gov:iam::*:root"]},"Null":{"aws:AssumedRoot":"true"}}}]}',
    });
    expect(protect).toMatchObject({ name: "GuardrailsProtectSecurityServices", type: "SERVICE_CONTROL_POLICY" });
  });

  it("attaches every SCP to every target", () => {
    const attachments = resourcesOf(json, "aws_organizations_policy_attachment").map((a) => [a.policy_id.split(".")[1], a.target_id]);
    expect(attachments).toEqual([
      ["scp_GuardrailsProtectSecurityServices_29DC6651", "ou-ab12-11111111"],
      ["scp_GuardrailsProtectSecurityServices_29DC6651", "r-ab12"],
      ["scp_GuardrailsRootUser_3000B807", "ou-ab12-11111111"],
      ["scp_GuardrailsRootUser_3000B807", "r-ab12"],
    ]);
  });
});
