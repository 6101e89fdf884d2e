/** Per-resource-type semantics, on hand-written plan resource_changes (before → after). */
import { diffGuardrails, planResourceSet, parsePlan } from "../../gates/diff/index";

type Values = Record<string, unknown> | null;
const rc = (type: string, name: string, before: Values, after: Values) => ({
  address: `${type}.${name}`, mode: "managed", type, name,
  change: { actions: !before ? ["create"] : !after ? ["delete"] : ["update"], before, after, after_unknown: {} },
});
const diffOf = (changes: ReturnType<typeof rc>[]) => {
  const plan = parsePlan("test.json", { format_version: "1.2", resource_changes: changes });
  return diffGuardrails(planResourceSet("test.json", plan, "before"), planResourceSet("test.json", plan, "after"));
};

const lock = (mode: string, days?: number, years?: number) => ({ bucket: "evidence", rule: [{ default_retention: [{ mode, days, years }] }] });
const scp = { name: "protect", content: JSON.stringify({ Statement: [{ Effect: "Deny", Action: "a:x", Resource: "*" }] }), id: "p-1" };

// [name, resource changes, expected classification, explanation substring]
const CASES: [string, ReturnType<typeof rc>[], string, string][] = [
  ["SCP detached", [rc("aws_organizations_policy", "p", scp, scp), rc("aws_organizations_policy_attachment", "a", { policy_id: "p-1", target_id: "ou-1" }, null)], "weakened", "SCP detached from target"],
  ["SCP removed", [rc("aws_organizations_policy", "p", scp, null)], "weakened", "SCP removed"],
  ["object lock retention shortened", [rc("aws_s3_bucket_object_lock_configuration", "l", lock("COMPLIANCE", 400), lock("COMPLIANCE", 30))], "weakened", "retention days 400 → 30"],
  ["object lock years → more days", [rc("aws_s3_bucket_object_lock_configuration", "l", lock("COMPLIANCE", undefined, 1), lock("COMPLIANCE", 400))], "strengthened", "retention days 365 → 400"],
  ["object lock compliance → governance", [rc("aws_s3_bucket_object_lock_configuration", "l", lock("COMPLIANCE", 400), lock("GOVERNANCE", 400))], "weakened", "mode COMPLIANCE → GOVERNANCE"],
  ["object lock removed", [rc("aws_s3_bucket_object_lock_configuration", "l", lock("COMPLIANCE", 400), null)], "weakened", "object lock removed"],
  ["bucket object lock disabled", [rc("aws_s3_bucket", "b", { bucket: "evidence", object_lock_enabled: true }, { bucket: "evidence", object_lock_enabled: false })], "weakened", "object_lock_enabled true → false"],
  ["Config aggregator removed", [rc("aws_config_configuration_aggregator", "g", { name: "org", organization_aggregation_source: [{ all_regions: true }] }, null)], "weakened", "Config aggregator removed"],
  ["Config aggregator all regions → some", [rc("aws_config_configuration_aggregator", "g", { name: "org", organization_aggregation_source: [{ all_regions: true }] }, { name: "org", organization_aggregation_source: [{ all_regions: false, regions: ["us-east-1"] }] })], "weakened", "all_regions true → false"],
  ["finding aggregator removed", [rc("aws_securityhub_finding_aggregator", "f", { linking_mode: "ALL_REGIONS" }, null)], "weakened", "finding aggregator removed"],
  ["finding aggregator narrowed", [rc("aws_securityhub_finding_aggregator", "f", { linking_mode: "ALL_REGIONS" }, { linking_mode: "SPECIFIED_REGIONS", specified_regions: ["eu-west-1"] })], "weakened", "linking_mode ALL_REGIONS → SPECIFIED_REGIONS"],
  ["organization configuration CENTRAL → LOCAL", [rc("aws_securityhub_organization_configuration", "o", { organization_configuration: [{ configuration_type: "CENTRAL" }] }, { organization_configuration: [{ configuration_type: "LOCAL" }] })], "weakened", "configuration_type CENTRAL → LOCAL"],
  ["alert rule disabled", [rc("aws_cloudwatch_event_rule", "r", { name: "iam4", state: "ENABLED", event_pattern: "{}" }, { name: "iam4", state: "DISABLED", event_pattern: "{}" })], "weakened", "state ENABLED → DISABLED"],
  ["alert rule pattern reformatted only", [rc("aws_cloudwatch_event_rule", "r", { name: "iam4", event_pattern: '{"a":[1],"b":[2]}' }, { name: "iam4", event_pattern: '{ "b": [2], "a": [1] }' })], "none", ""],
  ["alert target removed", [rc("aws_cloudwatch_event_target", "t", { rule: "iam4", target_id: "sns", arn: "arn:sns" }, null)], "weakened", "event target removed"],
  ["SNS subscription removed", [rc("aws_sns_topic_subscription", "s", { topic_arn: "arn:sns", protocol: "email", endpoint: "sec@example.com" }, null)], "weakened", "alert subscription removed"],
  ["control disabled via association", [rc("aws_securityhub_standards_control_association", "c", { standards_arn: "s", security_control_id: "CloudTrail.7", association_status: "ENABLED" }, { standards_arn: "s", security_control_id: "CloudTrail.7", association_status: "DISABLED", updated_reason: "bucket elsewhere, expires 2027-01-31" })], "weakened", "control disabled: bucket elsewhere, expires 2027-01-31"],
  ["standard subscription removed", [rc("aws_securityhub_standards_subscription", "s", { standards_arn: "arn:cis" }, null)], "weakened", "standard removed"],
  ["unknown rule parameter changed", [rc("aws_config_organization_managed_rule", "r", { name: "x", rule_identifier: "X", input_parameters: '{"foo":"1"}' }, { name: "x", rule_identifier: "X", input_parameters: '{"foo":"2"}' })], "weakened", "foo 1 → 2 (cannot rank; review)"],
  ["accounts excluded from a rule", [rc("aws_config_organization_managed_rule", "r", { name: "x", rule_identifier: "X" }, { name: "x", rule_identifier: "X", excluded_accounts: ["111111111111"] })], "weakened", "now excludes accounts 111111111111"],
  ["gate role policy widened", [rc("aws_iam_role_policy", "p", { name: "promote", role: "gate", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "organizations:TagResource", Resource: "*" }] }) }, { name: "promote", role: "gate", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "organizations:*", Resource: "*" }] }) })], "weakened", "now allows organizations:*"],
  ["gate role trust widened", [rc("aws_iam_role", "r", { name: "gate", assume_role_policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: "arn:aws:iam::111111111111:root" } }] }) }, { name: "gate", assume_role_policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: "*" }] }) })], "weakened", "now allows principals *"],
  ["management baseline stack removed", [rc("aws_cloudformation_stack", "m", { name: "guardrails-management-baseline", region: "eu-west-1", template_body: "{}" }, null)], "weakened", "baseline stack removed"],
  ["management baseline stops creating the recorder", [rc("aws_cloudformation_stack", "m", { name: "b", parameters: { CreateRecorder: "true", ForwardRootEvents: "true" } }, { name: "b", parameters: { CreateRecorder: "false", ForwardRootEvents: "true" } })], "weakened", "parameter CreateRecorder true → false"],
  ["StackSet stops forwarding root events", [rc("aws_cloudformation_stack_set", "s", { name: "b", parameters: { CreateRecorder: "true", ForwardRootEvents: "true" } }, { name: "b", parameters: { CreateRecorder: "true", ForwardRootEvents: "false" } })], "weakened", "parameter ForwardRootEvents true → false"],
  ["StackSet template loses the recorder", [rc("aws_cloudformation_stack_set", "s", { name: "b", template_body: JSON.stringify({ Resources: { R: { Type: "AWS::Config::ConfigurationRecorder" }, G: { Type: "AWS::IAM::Role" } } }) }, { name: "b", template_body: JSON.stringify({ Resources: { G: { Type: "AWS::IAM::Role" } } }) })], "weakened", "template resources: removed R:AWS::Config::ConfigurationRecorder"],
  ["non-guardrail resource ignored", [rc("aws_kms_alias", "a", { name: "alias/x" }, null)], "none", ""],
];

describe("per-resource-type semantics", () => {
  it.each(CASES)("%s", (_name, changes, classification, text) => {
    const report = diffOf(changes);
    if (classification === "none") {
      expect(report.changes).toEqual([]);
      return;
    }
    expect(report.changes).toContainEqual(expect.objectContaining({ classification, explanation: expect.stringContaining(text) }));
  });
});

describe("ordering", () => {
  it("puts weakenings before strengthenings and neutral changes", () => {
    const report = diffOf([
      rc("aws_securityhub_standards_subscription", "added", null, { standards_arn: "arn:new" }),
      rc("aws_securityhub_organization_configuration", "o", { auto_enable: false }, { auto_enable: true }),
      rc("aws_securityhub_standards_subscription", "removed", { standards_arn: "arn:old" }, null),
    ]);
    expect(report.changes.map((c) => c.classification)).toEqual(["weakened", "strengthened", "neutral"]);
    expect(report.verdict).toBe("weakened");
  });
});

describe("finding aggregator regions depend on the linking mode", () => {
  const agg = (mode: string, regions: string[]) => ({ linking_mode: mode, specified_regions: regions });
  it.each([
    ["SPECIFIED_REGIONS", ["eu-west-1", "us-east-1"], ["eu-west-1"], "weakened", "linked regions: removed us-east-1"],
    ["SPECIFIED_REGIONS", ["eu-west-1"], ["eu-west-1", "us-east-1"], "strengthened", "linked regions: added us-east-1"],
    ["ALL_REGIONS_EXCEPT_SPECIFIED", ["eu-west-1"], ["eu-west-1", "us-east-1"], "weakened", "excluded regions: added us-east-1"],
    ["ALL_REGIONS_EXCEPT_SPECIFIED", ["eu-west-1", "us-east-1"], ["eu-west-1"], "strengthened", "excluded regions: removed us-east-1"],
  ])("%s %j → %j is %s", (mode, before, after, classification, text) => {
    const report = diffOf([rc("aws_securityhub_finding_aggregator", "f", agg(mode, before), agg(mode, after))]);
    expect(report.changes).toEqual([expect.objectContaining({ classification, explanation: text })]);
  });
});
