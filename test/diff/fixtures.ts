/**
 * Builds small guardrail configurations and synthesizes them with cdktf into temp dirs, and turns
 * synth output into `terraform show -json`-shaped plans (resource_changes with before/after = the
 * resource's config), so every case runs through both input kinds.
 * Stands in for the real modules until they are merged; resource shapes follow modules/ on branch `modules`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import {
  AwsProvider, ConfigOrganizationManagedRule, OrganizationsPolicy, OrganizationsPolicyAttachment, SecurityhubConfigurationPolicy,
  SecurityhubFindingAggregator,
} from "../../modules/aws";
import { loadSynthDirectory } from "../../gates/diff/load";
import { scratchDir } from "./scratch";

export interface MiniConfig {
  maxAccessKeyAge: string;
  scpActions: string[];
  breakGlass: string[];
  /** Reverse statement order and key order: a formatting-only change. */
  reorder: boolean;
  standards: string[];
  disabledControls: { controlId: string; reason: string; expires: string }[];
  /** Record disables as the structured cdktf comment instead of in the description. */
  annotateDisables?: boolean;
  /** Construct-id suffix: renaming must not be a change. */
  idSuffix: string;
}

export const BASE: MiniConfig = {
  maxAccessKeyAge: "90",
  scpActions: ["securityhub:DisableSecurityHub", "securityhub:BatchDisableStandards", "config:StopConfigurationRecorder"],
  breakGlass: ["arn:aws:iam::*:role/BreakGlass"],
  reorder: false,
  standards: ["arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0"],
  disabledControls: [],
  idSuffix: "",
};

function scpContent(c: MiniConfig): string {
  const statements: Record<string, unknown>[] = [
    { Sid: "DenyRootAccessKeys", Effect: "Deny", Action: "iam:CreateAccessKey", Resource: "*", Condition: { ArnLike: { "aws:PrincipalArn": ["arn:aws:iam::*:root"] }, Null: { "aws:AssumedRoot": "true" } } },
    { Sid: "ProtectSecurityServices", Effect: "Deny", Action: c.scpActions, Resource: "*", Condition: { ArnNotLike: { "aws:PrincipalArn": c.breakGlass } } },
  ];
  const ordered = c.reorder
    ? statements.reverse().map((s) => Object.fromEntries(Object.entries(s).reverse().map(([k, v]) => [k, Array.isArray(v) ? [...v].reverse() : v])))
    : statements;
  return JSON.stringify({ Version: "2012-10-17", Statement: ordered });
}

export function synthMini(c: MiniConfig): string {
  const outdir = scratchDir("synth-");
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "security-tooling");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  const s = c.idSuffix;
  const scp = new OrganizationsPolicy(stack, `scp${s}`, { name: "guardrails-protect", content: scpContent(c) });
  new OrganizationsPolicyAttachment(stack, `scp-root${s}`, { policyId: scp.id, targetId: "r-abcd" });
  new ConfigOrganizationManagedRule(stack, `rotated${s}`, { name: "access-keys-rotated", ruleIdentifier: "ACCESS_KEYS_ROTATED", inputParameters: JSON.stringify({ maxAccessKeyAge: c.maxAccessKeyAge }) });
  new SecurityhubFindingAggregator(stack, `aggregator${s}`, { linkingMode: "SPECIFIED_REGIONS", specifiedRegions: ["eu-west-1"] });
  const policy = new SecurityhubConfigurationPolicy(stack, `policy${s}`, {
    name: "guardrails-cis",
    description: ["CIS", ...(c.annotateDisables ? [] : c.disabledControls).map((d) => `${d.controlId} disabled until ${d.expires}: ${d.reason}`)].join("; "),
    configurationPolicy: { serviceEnabled: true, enabledStandardArns: c.standards, securityControlsConfiguration: { disabledControlIdentifiers: c.disabledControls.map((d) => d.controlId) } },
  });
  if (c.annotateDisables) policy.addOverride("//.guardrails", { disabledControls: c.disabledControls });
  app.synth();
  return outdir;
}

/** A plan in the documented format: before = base config, after = head config, matched by address. */
export function planFromSynth(baseDir: string, headDir: string): string {
  const side = (dir: string) => new Map(loadSynthDirectory(dir).resources.map((r) => [`${r.type}.${r.name}`, r]));
  const [b, h] = [side(baseDir), side(headDir)];
  const resourceChanges = [...new Set([...b.keys(), ...h.keys()])].map((address) => {
    const before = b.get(address);
    const after = h.get(address);
    const actions = !before ? ["create"] : !after ? ["delete"] : JSON.stringify(before.values) === JSON.stringify(after.values) ? ["no-op"] : ["update"];
    const values = (r: typeof before) => (r ? { ...r.values, region: r.region } : null);
    const [type, name] = address.split(".") as [string, string];
    return { address, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/aws", change: { actions, before: values(before), after: values(after), after_unknown: {} } };
  });
  const path = join(scratchDir("plan-"), "plan.json");
  writeFileSync(path, JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", resource_changes: resourceChanges, unknown_top_level: true }));
  return path;
}

export const readText = (p: string): string => readFileSync(p, "utf8");
