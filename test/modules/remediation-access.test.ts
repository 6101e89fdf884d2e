/**
 * GuardrailsRootRemediation, asserted on the synthesized management stack: absent unless remediation.enabled;
 * sts:AssumeRoot only with the audit and delete root-task policies and only into this organization; attached
 * to the named incident responders only; the config refuses responders it could not attach or the gate role
 * would not trust.
 */
import { validateConfig } from "../../modules/config";
import { GateRemediationPolicy, gateRemediationPolicy } from "../../modules/gate-access";
import { EXAMPLE_CONFIG } from "../../modules/config";
import { exampleConfig, onlyResource, removeSynthDirs, resourcesOf, synth, synthStacks, type Json } from "./helpers";

afterAll(removeSynthDirs);

const RESPONDER = "arn:aws:iam::111111111111:role/IncidentResponder";
const PIPELINE = "arn:aws:iam::111111111111:role/AccountVendingPipeline";
const enabled = { remediation: { enabled: true, responderRoleArns: [RESPONDER] }, gate: { trustedPrincipalArns: [PIPELINE, RESPONDER] } };

describe("the remediation policy document", () => {
  it("AssumeRoot with exactly the audit and delete root-task policies, into this organization's accounts; the reads remediate makes; the gate role", () => {
    expect(gateRemediationPolicy({ partition: "aws-us-gov", organizationId: "o-ab12cd34ef", gateRoleName: "OrgGateReader" }).Statement).toEqual([
      {
        Sid: "AssumeRootToDeleteRootAccessKeys",
        Effect: "Allow",
        Action: "sts:AssumeRoot",
        Resource: "arn:aws-us-gov:iam::*:root",
        Condition: {
          StringEquals: {
            "sts:TaskPolicyArn": ["arn:aws-us-gov:iam::aws:policy/root-task/IAMAuditRootUserCredentials", "arn:aws-us-gov:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"],
          },
          StringEqualsIfExists: { "aws:ResourceOrgID": "o-ab12cd34ef" },
        },
      },
      { Sid: "ReadRemediationPreconditions", Effect: "Allow", Action: ["iam:ListOrganizationsFeatures", "organizations:DescribeAccount", "organizations:DescribeOrganization"], Resource: "*" },
      { Sid: "AssumeGateReadOnlyRole", Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws-us-gov:iam::*:role/OrgGateReader", Condition: { StringEquals: { "aws:ResourceOrgID": "o-ab12cd34ef" } } },
    ]);
  });

  it("the construct names the policy and attaches it by role name", () => {
    const json = synth((scope) => new GateRemediationPolicy(scope, "remediation", { partition: "aws", organizationId: "o-ab12cd34ef", attachToRoleNames: ["IncidentResponder"] }));
    const policy = onlyResource(json, "aws_iam_policy");
    expect(policy.name).toBe("GuardrailsRootRemediation");
    expect(JSON.parse(policy.policy)).toEqual(gateRemediationPolicy({ partition: "aws", organizationId: "o-ab12cd34ef" }));
    expect(onlyResource(json, "aws_iam_role_policy_attachment")).toEqual({ role: "IncidentResponder", policy_arn: expect.stringMatching(/^\$\{aws_iam_policy\.\S+\.arn\}$/) });
  });
});

describe("the management stack", () => {
  const policies = (json: Json) => resourcesOf(json, "aws_iam_policy").map((p) => p.name as string);

  it("by default creates no remediation policy (nothing can AssumeRoot through the modules) and says so", () => {
    const example = synthStacks(exampleConfig());
    expect(policies(example.management)).toEqual(["GuardrailsGatePromotion"]);
    expect(JSON.stringify(example.management)).not.toContain("sts:AssumeRoot");
    expect(example.summary).toContain("GuardrailsRootRemediation: not created (remediation.enabled is false)");
  });

  it("with remediation.enabled: the policy, pinned to organization.id, attached to the responder role only", () => {
    const stacks = synthStacks(exampleConfig(enabled));
    expect(policies(stacks.management).sort()).toEqual(["GuardrailsGatePromotion", "GuardrailsRootRemediation"]);
    const policy = resourcesOf(stacks.management, "aws_iam_policy").find((p) => p.name === "GuardrailsRootRemediation")!;
    expect(JSON.parse(policy.policy)).toEqual(gateRemediationPolicy({ partition: "aws", organizationId: EXAMPLE_CONFIG.organization.id, gateRoleName: "GuardrailsGateReadOnly" }));
    const attachments = resourcesOf(stacks.management, "aws_iam_role_policy_attachment").map((a) => [a.role, a.policy_arn]);
    expect(attachments).toEqual(expect.arrayContaining([["IncidentResponder", expect.stringContaining("gate-remediation")]]));
    // The pipeline gets the promotion policy only, the responder the remediation policy only.
    expect(attachments.filter(([role]) => role === "AccountVendingPipeline").map(([, arn]) => arn)).not.toContainEqual(expect.stringContaining("gate-remediation"));
    expect(stacks.summary).toContain("GuardrailsRootRemediation (sts:AssumeRoot to delete member root access keys) attached to: role/IncidentResponder");
  });
});

describe("config: responders the policy can be attached to and the gate role trusts", () => {
  it.each<[string, Record<string, unknown>, string]>([
    ["a responder the gate role does not trust", { remediation: { enabled: true, responderRoleArns: [RESPONDER] } }, `remediation.responderRoleArns[0]: "${RESPONDER}" is not allowed by gate.trustedPrincipalArns`],
    ["a wildcard", { remediation: { enabled: true, responderRoleArns: ["arn:aws:iam::111111111111:role/IR-*"] }, gate: { trustedPrincipalArns: [PIPELINE, "arn:aws:iam::111111111111:role/IR-*"] } }, "must be one IAM role of the management account 111111111111 (no wildcard)"],
    ["another account's role", { remediation: { enabled: true, responderRoleArns: ["arn:aws:iam::222222222222:role/IR"] }, gate: { trustedPrincipalArns: [PIPELINE, "arn:aws:iam::222222222222:role/IR"] } }, "must be one IAM role of the management account"],
    ["responders listed while disabled", { remediation: { responderRoleArns: [RESPONDER] }, gate: { trustedPrincipalArns: [PIPELINE, RESPONDER] } }, "remediation.responderRoleArns: lists 1 role(s) but remediation.enabled is false"],
    ["an unknown field", { remediation: { enabled: true, taskPolicies: ["x"] } }, "remediation.taskPolicies: unknown field"],
  ])("%s", (_name, over, message) => {
    const result = validateConfig({ ...EXAMPLE_CONFIG, ...over });
    expect("errors" in result ? result.errors.join("\n") : "valid").toContain(message);
  });

  it("a responder covered by a trusted pattern is accepted", () => {
    const result = validateConfig({ ...EXAMPLE_CONFIG, ...enabled, gate: { trustedPrincipalArns: [PIPELINE, "arn:aws:iam::111111111111:role/Incident*"] } });
    expect("errors" in result ? result.errors : []).toEqual([]);
  });
});
