/**
 * Diff time for two syntheses of a 17-governed-region organization (goal < 1 s).
 * Synth is not timed: only diffGuardrails, which a PR check runs on every push.
 * Until the modules are merged this synthesizes an equivalent resource mix per region through the
 * provider classes; switch `synthOrganization` to the modules' build function once they land.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { App, TerraformStack } from "cdktf";
import {
  AwsProvider, CloudwatchEventRule, CloudwatchEventTarget, ConfigOrganizationManagedRule, OrganizationsPolicy, OrganizationsPolicyAttachment,
  SecurityhubConfigurationPolicy, SecurityhubFindingAggregator, SnsTopic,
} from "../modules/aws";
import { diffGuardrails } from "../gates/diff/index";
import { loadSynthDirectory } from "../gates/diff/load";

const REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
  "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "sa-east-1",
];

function synthOrganization(maxAccessKeyAge: string): string {
  const outdir = mkdtempSync(join(tmpdir(), "guardrails-bench-"));
  const app = new App({ outdir });
  const management = new TerraformStack(app, "management");
  new AwsProvider(management, "aws", { region: REGIONS[0] });
  const actions = ["securityhub:DisableSecurityHub", "securityhub:DisableSecurityHubV2", "securityhub:BatchDisableStandards", "config:StopConfigurationRecorder", "config:DeleteConfigurationRecorder", "organizations:LeaveOrganization"];
  for (const [i, name] of ["deny-root", "protect-security", "protect-config"].entries()) {
    const p = new OrganizationsPolicy(management, `scp-${name}`, {
      name,
      content: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: `S${i}`, Effect: "Deny", Action: actions, Resource: "*", Condition: { ArnNotLike: { "aws:PrincipalArn": ["arn:aws:iam::*:role/BreakGlass"] } } }] }),
    });
    for (const ou of ["ou-aaaa-11111111", "ou-aaaa-22222222", "ou-aaaa-33333333"]) new OrganizationsPolicyAttachment(management, `att-${name}-${ou}`, { policyId: p.id, targetId: ou });
  }
  const tooling = new TerraformStack(app, "security-tooling");
  for (const region of REGIONS) {
    const provider = new AwsProvider(tooling, `aws-${region}`, { region, alias: region });
    const topic = new SnsTopic(tooling, `topic-${region}`, { provider, name: `guardrails-alerts-${region}` });
    for (const control of ["IAM.4", "IAM.3", "root-create-access-key"]) {
      const rule = new CloudwatchEventRule(tooling, `rule-${region}-${control}`, {
        provider, name: `guardrails-${control}`, eventPattern: JSON.stringify({ source: ["aws.securityhub"], detail: { findings: { Compliance: { SecurityControlId: [control], Status: ["FAILED"] } } } }),
      });
      new CloudwatchEventTarget(tooling, `target-${region}-${control}`, { provider, rule: rule.name, targetId: "sns", arn: topic.arn });
    }
  }
  const home = new AwsProvider(tooling, "aws", { region: REGIONS[0] });
  new SecurityhubFindingAggregator(tooling, "aggregator", { provider: home, linkingMode: "SPECIFIED_REGIONS", specifiedRegions: REGIONS.slice(1) });
  new SecurityhubConfigurationPolicy(tooling, "policy", { provider: home, name: "guardrails-cis", configurationPolicy: { serviceEnabled: true, enabledStandardArns: ["arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0"], securityControlsConfiguration: { disabledControlIdentifiers: [] } } });
  new ConfigOrganizationManagedRule(tooling, "rotated", { provider: home, name: "access-keys-rotated", ruleIdentifier: "ACCESS_KEYS_ROTATED", inputParameters: JSON.stringify({ maxAccessKeyAge }) });
  new ConfigOrganizationManagedRule(tooling, "root-key", { provider: home, name: "iam-root-access-key-check", ruleIdentifier: "IAM_ROOT_ACCESS_KEY_CHECK" });
  app.synth();
  return outdir;
}

const baseDir = synthOrganization("90");
const headDir = synthOrganization("120");
const runs: number[] = [];
const loads: number[] = [];
let resources = 0;
let changes = 0;
for (let i = 0; i < 5; i++) {
  const loadStart = performance.now();
  const base = loadSynthDirectory(baseDir);
  const head = loadSynthDirectory(headDir);
  loads.push(performance.now() - loadStart);
  const start = performance.now();
  const report = diffGuardrails(base, head);
  runs.push(performance.now() - start);
  resources = base.resources.length;
  changes = report.changes.length;
}
const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const median = medianOf(runs);
console.log(`${REGIONS.length} governed regions, ${resources} resources per side, ${changes} change(s) found`);
console.log(`diff ${median.toFixed(1)} ms (goal < 1000 ms; median of ${runs.length} runs, diffGuardrails only)`);
console.log(`load both synth dirs ${medianOf(loads).toFixed(1)} ms (reported, not part of the goal)`);
rmSync(baseDir, { recursive: true, force: true });
rmSync(headDir, { recursive: true, force: true });
process.exit(median < 1000 && changes === 1 ? 0 : 1);
