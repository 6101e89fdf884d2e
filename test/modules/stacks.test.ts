import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_ENABLED_COMMERCIAL_REGIONS } from "../../modules/config";
import { buildApp, renderSummary, resourceCounts } from "../../modules/stacks";
import { exampleConfig, type Json } from "./helpers";
import type { GuardrailsConfig } from "../../modules/config";

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function synthApp(config: GuardrailsConfig): { outdir: string; stacks: Record<string, Json>; summary: string } {
  const outdir = mkdtempSync(join(tmpdir(), "guardrails-"));
  outdirs.push(outdir);
  const built = buildApp(config, outdir);
  built.app.synth();
  const read = (name: string): Json => JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8")) as Json;
  return { outdir, stacks: { management: read("management"), "security-tooling": read("security-tooling") }, summary: renderSummary(built, config, outdir) };
}

describe("the two stacks", () => {
  const example = synthApp(exampleConfig());

  it("use a relative local backend per stack when no backend is configured", () => {
    expect(example.stacks.management!.terraform.backend).toEqual({ local: { path: "terraform.management.tfstate" } });
    expect(example.stacks["security-tooling"]!.terraform.backend).toEqual({ local: { path: "terraform.security-tooling.tfstate" } });
  });

  it("use the S3 backend with one key per stack when configured", () => {
    const { stacks } = synthApp(exampleConfig({ backend: { bucket: "tf-state", region: "eu-west-1", keyPrefix: "org/guardrails" } }));
    expect(stacks.management!.terraform.backend).toEqual({ s3: { bucket: "tf-state", key: "org/guardrails/management.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true } });
    expect(stacks["security-tooling"]!.terraform.backend.s3.key).toBe("org/guardrails/security-tooling.tfstate");
  });

  it("configure each provider for its account; security-tooling assumes the deployment role", () => {
    expect(example.stacks.management!.provider.aws).toEqual([{
      region: "eu-west-1", allowed_account_ids: ["111111111111"], default_tags: [{ tags: { "guardrails:managed-by": "cis-guardrails" } }],
    }]);
    expect(example.stacks["security-tooling"]!.provider.aws[0]).toMatchObject({
      allowed_account_ids: ["222222222222"],
      assume_role: [{ role_arn: "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole", session_name: "cis-guardrails" }],
    });
  });

  it("split the resources between management and security-tooling as designed", () => {
    expect(resourceCounts(example.outdir)).toEqual({
      management: {
        aws_cloudformation_stack: 3,
        aws_cloudformation_stack_set: 1,
        aws_cloudformation_stack_set_instance: 3,
        aws_iam_policy: 1,
        aws_iam_role_policy_attachment: 1,
        aws_organizations_delegated_administrator: 2,
        aws_organizations_policy: 2,
        aws_organizations_policy_attachment: 4,
        aws_securityhub_organization_admin_account: 1,
      },
      "security-tooling": expect.objectContaining({
        aws_securityhub_configuration_policy: 1, aws_securityhub_configuration_policy_association: 1,
        aws_config_organization_managed_rule: 2, aws_config_configuration_aggregator: 1, aws_s3_bucket: 1, aws_sns_topic: 1, aws_iam_role: 4,
        aws_sfn_state_machine: 1,
      }),
    });
  });

  it("passes recordersExist to the StackSet so only the gate role is deployed", () => {
    const { stacks } = synthApp(exampleConfig({ awsConfig: { recordersExist: true, deliveryBucketName: "org-config" } }));
    const stackSet = Object.values(stacks.management!.resource.aws_cloudformation_stack_set)[0] as Json;
    expect(stackSet.parameters).toMatchObject({ CreateRecorder: "false", CreateConfigServiceLinkedRole: "false" });
  });

  // The README runbook's import and teardown commands name these addresses: they must not drift.
  it("keeps the resource addresses the README's import commands use", () => {
    const addresses = (stack: Json, type: string): string[] => Object.keys(stack.resource[type] ?? {}).map((id) => `${type}.${id}`);
    expect(addresses(example.stacks.management!, "aws_securityhub_organization_admin_account")).toEqual(["aws_securityhub_organization_admin_account.security-hub-delegation_admin_6C54BC5F"]);
    expect(addresses(example.stacks.management!, "aws_organizations_delegated_administrator").sort()).toEqual([
      "aws_organizations_delegated_administrator.config-delegation_config-multiaccountsetup_AA9EB0F3",
      "aws_organizations_delegated_administrator.config-delegation_config_99824054",
    ]);
    const st = example.stacks["security-tooling"]!;
    expect(addresses(st, "aws_securityhub_finding_aggregator")).toEqual(["aws_securityhub_finding_aggregator.security-hub_aggregator_6506A734"]);
    expect(addresses(st, "aws_securityhub_organization_configuration")).toEqual(["aws_securityhub_organization_configuration.security-hub_organization-configuration_9550CB46"]);
    // Teardown keeps the evidence bucket by matching `aws_s3_bucket*.evidence_*`: every bucket resource, nothing else.
    const kept = Object.keys(st.resource).flatMap((type) => addresses(st, type)).filter((a) => /^aws_s3_bucket[a-z_]*\.evidence_/.test(a));
    expect(kept.map((a) => a.split(".")[0]).sort()).toEqual([
      "aws_s3_bucket", "aws_s3_bucket_object_lock_configuration", "aws_s3_bucket_ownership_controls", "aws_s3_bucket_policy",
      "aws_s3_bucket_public_access_block", "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning",
    ]);
  });

  it("prints the summary a platform engineer wants before deploy", () => {
    expect(example.summary).toContain("stack management: 18 resources");
    expect(example.summary).toMatch(/GuardrailsRootUser: \d+ \/ 10240 characters/);
    expect(example.summary).toContain("SCPs on ou-ab12-11111111: 3 / 10 slots (1 already used)");
    expect(example.summary).toContain("Member baseline StackSet: OUs ou-ab12-11111111, ou-ab12-22222222 in eu-west-1, eu-central-1, us-east-1");
    expect(example.summary).toContain("Management account 111111111111: member baseline as stacks in eu-west-1, eu-central-1, us-east-1 (recorder created); no SCP applies there");
    expect(example.summary).toContain("GuardrailsGatePromotion attached to: role/AccountVendingPipeline");
    expect(example.summary).toContain("[trusted-access] trusted access enabled by the organization's owner for config-multiaccountsetup.amazonaws.com, config.amazonaws.com, member.org.stacksets.cloudformation.amazonaws.com");
  });
});

describe("synth cost", () => {
  const totals = (config: GuardrailsConfig): Record<string, number> => {
    const { outdir } = synthApp(config);
    return Object.fromEntries(Object.entries(resourceCounts(outdir)).map(([s, c]) => [s, Object.values(c).reduce((a, b) => a + b, 0)]));
  };

  // Accounts are not a config input; the only list that may hold one entry per account is the gate's trusted
  // principals (e.g. one pipeline role per workload account). Break-glass entries are role patterns and are
  // bounded by the SCP size check instead.
  it("does not grow with per-account data: 1 vs 1,000 trusted principals give the same resources", () => {
    const principals = (n: number) => Array.from({ length: n }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:role/Pipeline`);
    const one = synthApp(exampleConfig({ gate: { trustedPrincipalArns: principals(1) } }));
    const many = synthApp(exampleConfig({ gate: { trustedPrincipalArns: principals(1000) } }));
    expect(resourceCounts(many.outdir)).toEqual(resourceCounts(one.outdir));
  });

  it("grows only with regions (one StackSet instance and one management-account stack each) and targets, never with accounts", () => {
    const base = exampleConfig();
    const seventeen = exampleConfig({ homeRegion: "us-east-1", governedRegions: [...DEFAULT_ENABLED_COMMERCIAL_REGIONS] });
    const [a, b] = [totals(base), totals(seventeen)];
    expect(b["management"]! - a["management"]!).toBe(2 * (17 - 3));
    expect(b["security-tooling"]).toBe(a["security-tooling"]);
  });
});
