/**
 * Issue 9, items 8-10: organization-scoped policies, least privilege and alert noise, asserted on the
 * synthesized stacks. Each test names the AWS rule it encodes and its source.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { acknowledgeFindingDefinition } from "../../modules/alerting";
import { addressOf, exampleConfig, removeSynthDirs, resourcesOf, synthStacks, type Json } from "./helpers";
import { patternMatches } from "./policy-eval";

afterAll(removeSynthDirs);

const example = synthStacks(exampleConfig());
const st = example.securityTooling;
const statements = (policy: string): Json[] => JSON.parse(policy).Statement as Json[];
const actionsOf = (policy: Json): string[] => (policy.Statement as Json[]).flatMap((s) => s.Action as string | string[]).sort();

describe("8. an organization-scoped resource policy pins aws:PrincipalOrgID (EventBridge PutPermission: Principal * with the organization id)", () => {
  it("the alert bus accepts PutEvents from the configured organization only", () => {
    const policy = JSON.parse(resourcesOf(st, "aws_cloudwatch_event_bus_policy")[0]!.policy);
    expect(policy.Statement).toEqual([expect.objectContaining({ Principal: "*", Action: "events:PutEvents", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-ab12cd34ef" } } })]);
  });

  it("no policy in either stack relies on an organization path pattern", () => {
    expect(JSON.stringify([example.management, st])).not.toContain("PrincipalOrgPaths");
  });
});

/** `service:Action` for every AWS SDK v3 command the gate's code sends (gates/**.ts imports). */
function actionsTheGateSends(): Set<string> {
  const prefix: Record<string, string> = {
    "config-service": "config", iam: "iam", organizations: "organizations", securityhub: "securityhub", s3: "s3", sts: "sts", cloudtrail: "cloudtrail",
  };
  const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith(".ts") ? [join(dir, f)] : []));
  const actions = new Set<string>();
  for (const file of files(join(__dirname, "..", "..", "gates"))) {
    for (const [, names, client] of readFileSync(file, "utf8").matchAll(/import\s*\{([^}]*)\}\s*from\s*"@aws-sdk\/client-([a-z0-9-]+)"/g)) {
      for (const name of names!.split(",").map((n) => n.trim())) {
        if (name.endsWith("Command") && !name.startsWith("type ")) actions.add(`${prefix[client!]}:${name.slice(0, -"Command".length)}`);
      }
    }
  }
  return actions;
}

describe("9. least privilege: the gate's roles grant exactly what the gate calls (DESIGN 4-5); service trust and keys name their source account (EventBridge cross-service-confused-deputy-prevention)", () => {
  const sent = actionsTheGateSends();
  const readOnly = JSON.parse(resourcesOf(st, "aws_iam_role_policy").find((p) => p.name === "GuardrailsGateReadOnly")!.policy) as Json;
  const promotion = JSON.parse(resourcesOf(example.management, "aws_iam_policy")[0]!.policy) as Json;

  it("the read-only role (security-tooling and every member through the StackSet) grants these actions and no others", () => {
    expect(actionsOf(readOnly)).toEqual([
      "config:DescribeConfigRules", "config:StartConfigRulesEvaluation",
      "iam:GenerateCredentialReport", "iam:GetAccessKeyLastUsed", "iam:GetAccountSummary", "iam:GetCredentialReport", "iam:ListAccessKeys", "iam:ListUserTags", "iam:ListUsers",
      "securityhub:DescribeHub", "securityhub:GetFindings",
    ]);
    const template = JSON.parse(resourcesOf(example.management, "aws_cloudformation_stack_set")[0]!.template_body);
    expect(template.Resources.GateReadOnlyRole.Properties.Policies[0].PolicyDocument).toEqual(readOnly);
  });

  it("every action of the read-only role and the promotion policy is one the gate sends", () => {
    for (const action of [...actionsOf(readOnly), ...actionsOf(promotion)]) {
      expect({ action, sent: sent.has(action) }).toEqual({ action, sent: true });
    }
  });

  it("the promotion policy grants only promote's and sweep's calls, AssumeRole only into this organization's gate roles", () => {
    expect(actionsOf(promotion)).toEqual([
      "iam:ListOrganizationsFeatures",
      "organizations:DescribeAccount", "organizations:ListAccounts", "organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent",
      "organizations:ListParents", "organizations:ListTagsForResource", "organizations:MoveAccount", "organizations:TagResource", "organizations:UntagResource",
      "s3:PutObject", "sts:AssumeRole",
    ]);
    expect(promotion.Statement.find((s: Json) => s.Sid === "AssumeGateReadOnlyRole").Condition).toEqual({ StringEquals: { "aws:ResourceOrgID": "o-ab12cd34ef" } });
    expect(JSON.stringify(promotion)).not.toContain("o-*");
  });

  it("GuardrailsRootRemediation (remediation.enabled) grants only remediate's own calls; the root session's deletions come from AWS's task policy, not from the modules", () => {
    const responder = "arn:aws:iam::111111111111:role/IncidentResponder";
    const stacks = synthStacks(exampleConfig({ remediation: { enabled: true, responderRoleArns: [responder] }, gate: { trustedPrincipalArns: ["arn:aws:iam::111111111111:role/AccountVendingPipeline", responder] } }));
    const remediation = JSON.parse(resourcesOf(stacks.management, "aws_iam_policy").find((p) => p.name === "GuardrailsRootRemediation")!.policy) as Json;
    expect(actionsOf(remediation)).toEqual(["iam:ListOrganizationsFeatures", "organizations:DescribeAccount", "organizations:DescribeOrganization", "sts:AssumeRole", "sts:AssumeRoot"]);
    for (const action of actionsOf(remediation)) expect({ action, sent: sent.has(action) }).toEqual({ action, sent: true });
    expect(sent.has("iam:DeleteAccessKey")).toBe(true);
    expect(JSON.stringify([stacks.management, stacks.securityTooling])).not.toContain("iam:DeleteAccessKey");
  });

  it("the KMS key lets EventBridge use it for this account's rules only", () => {
    const key = statements(resourcesOf(st, "aws_kms_key")[0]!.policy).find((s) => s.Sid === "EventBridgePublishesEncrypted")!;
    expect(key.Condition).toEqual({ StringEquals: { "aws:SourceAccount": "222222222222" } });
  });

  it("the forwarding role trusts EventBridge for its own account only", () => {
    const template = JSON.parse(resourcesOf(example.management, "aws_cloudformation_stack_set")[0]!.template_body);
    expect(template.Resources.RootEventForwardingRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
    });
  });

  it("GuardrailsGatePromotion is attached to the management-account pipeline role among gate.trustedPrincipalArns", () => {
    const policy = addressOf(example.management, "aws_iam_policy");
    expect(resourcesOf(example.management, "aws_iam_role_policy_attachment")).toEqual([{ role: "AccountVendingPipeline", policy_arn: `\${${policy}.arn}` }]);
  });

  it("reports principals it cannot attach to by name, and attaches nothing when told not to", () => {
    const trusted = ["arn:aws:iam::111111111111:role/ci/deploy/Pipeline", "arn:aws:iam::111111111111:role/ci-*", "arn:aws:iam::333333333333:role/Pipeline"];
    const many = synthStacks(exampleConfig({ gate: { trustedPrincipalArns: trusted } }));
    expect(resourcesOf(many.management, "aws_iam_role_policy_attachment").map((a) => a.role)).toEqual(["Pipeline"]);
    expect(many.summary).toContain("attach it yourself to arn:aws:iam::111111111111:role/ci-* (a pattern, not one role)");
    expect(many.summary).toContain("attach it yourself to arn:aws:iam::333333333333:role/Pipeline (not in the management account)");
    const off = synthStacks(exampleConfig({ gate: { trustedPrincipalArns: trusted, attachPromotionPolicy: false } }));
    expect(resourcesOf(off.management, "aws_iam_role_policy_attachment")).toEqual([]);
  });
});

describe("10. one alert per opening of an IAM.4 / IAM.3 failure: every import is an event (securityhub-cwe-integration-types); Security Hub resets Workflow to NEW on each opening (API Workflow)", () => {
  const rule = resourcesOf(st, "aws_cloudwatch_event_rule").find((r) => r.name === "guardrails-gate-control-failed")!;
  const pattern = JSON.parse(rule.event_pattern) as Json;
  const sample = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "aws-samples", "eventbridge-asff-cis120-rule1.12-iam4-PASSED-auditmanager-doc.json"), "utf8")) as Json;
  /** The real "Findings - Imported" event, its IAM.4 finding in the home region with the given fields. */
  const imported = (finding: { status: string; workflow: string; record?: string; region?: string; control?: string }): Json => {
    const event = structuredClone(sample);
    const f = event.detail.findings[0];
    f.Compliance = { ...f.Compliance, Status: finding.status, SecurityControlId: finding.control ?? "IAM.4" };
    f.Workflow = { Status: finding.workflow };
    f.RecordState = finding.record ?? "ACTIVE";
    f.Region = finding.region ?? "eu-west-1";
    return event;
  };

  it.each<[string, Parameters<typeof imported>[0], boolean]>([
    ["a new FAILED finding (starts NEW)", { status: "FAILED", workflow: "NEW" }, true],
    ["an IAM.3 finding opening FAILED", { status: "FAILED", workflow: "NEW", control: "IAM.3" }, true],
    ["a reopened finding (PASSED -> FAILED resets NOTIFIED / RESOLVED to NEW)", { status: "FAILED", workflow: "NEW" }, true],
    ["the re-import of a still-FAILED finding already alerted (NOTIFIED)", { status: "FAILED", workflow: "NOTIFIED" }, false],
    ["a PASSED finding (RESOLVED)", { status: "PASSED", workflow: "RESOLVED" }, false],
    ["an archived finding", { status: "FAILED", workflow: "NEW", record: "ARCHIVED" }, false],
    ["the same failure aggregated from another region", { status: "FAILED", workflow: "NEW", region: "us-east-1" }, false],
    ["another control", { status: "FAILED", workflow: "NEW", control: "S3.1" }, false],
  ])("%s alerts: %s", (_name, finding, alerts) => {
    expect(patternMatches(pattern, imported(finding))).toBe(alerts);
  });

  it("the alert also starts the acknowledgement, which marks exactly that finding NOTIFIED", () => {
    const ruleAddress = addressOf(st, "aws_cloudwatch_event_rule", (r) => r.name === "guardrails-gate-control-failed");
    const targets = resourcesOf(st, "aws_cloudwatch_event_target").filter((t) => t.rule === `\${${ruleAddress}.name}`);
    const machine = addressOf(st, "aws_sfn_state_machine");
    expect(targets.map((t) => [t.target_id, t.arn])).toEqual([
      ["acknowledge", `\${${machine}.arn}`],
      ["alert-topic", expect.stringContaining("aws_sns_topic.")],
    ]);
    expect(targets[0]!.role_arn).toMatch(/^\$\{aws_iam_role\.\S+\.arn\}$/);
    const definition = JSON.parse(resourcesOf(st, "aws_sfn_state_machine")[0]!.definition);
    expect(definition).toEqual(acknowledgeFindingDefinition("aws"));
    expect(definition.States.MarkNotified.Resource).toBe("arn:aws:states:::aws-sdk:securityhub:batchUpdateFindings");
    expect(definition.States.MarkNotified.Parameters).toEqual({
      FindingIdentifiers: [{ "Id.$": "$.detail.findings[0].Id", "ProductArn.$": "$.detail.findings[0].ProductArn" }],
      Workflow: { Status: "NOTIFIED" },
    });
    // The event the state machine receives has those fields.
    expect(sample.detail.findings[0]).toEqual(expect.objectContaining({ Id: expect.any(String), ProductArn: expect.any(String) }));
  });

  it("the acknowledgement can set NOTIFIED and nothing else, and only this account's services assume its roles", () => {
    const rolePolicy = statements(resourcesOf(st, "aws_iam_role_policy").find((p) => p.name === "MarkFindingsNotified")!.policy);
    expect(rolePolicy).toEqual([{
      Sid: "SetWorkflowNotifiedOnly", Effect: "Allow", Action: "securityhub:BatchUpdateFindings", Resource: "*",
      Condition: { StringEquals: { "securityhub:ASFFSyntaxPath/Workflow.Status": "NOTIFIED" } },
    }]);
    const trusts = resourcesOf(st, "aws_iam_role").filter((r) => r.name.startsWith("Guardrails") && r.name.includes("Acknowledgement"));
    trusts.sort((a, b) => a.name.localeCompare(b.name));
    expect(trusts.map((r) => [r.name, statements(r.assume_role_policy)[0]!.Principal.Service, statements(r.assume_role_policy)[0]!.Condition])).toEqual([
      ["GuardrailsFindingAcknowledgement", "states.amazonaws.com", { StringEquals: { "aws:SourceAccount": "222222222222" } }],
      ["GuardrailsStartFindingAcknowledgement", "events.amazonaws.com", { StringEquals: { "aws:SourceAccount": "222222222222" } }],
    ]);
  });
});
