/**
 * A local organization that meets every prerequisite, the config that describes it, and the plan the
 * pure checks take. Tests break one thing at a time from here.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { GuardrailsConfigInput } from "../../modules/config/schema";
import { validateConfig } from "../../modules/config/validate";
import { planFor, SERVICE_PRINCIPALS, type PreflightPlan } from "../../gates/preflight/plan";
import { addOrganizationalUnit, exampleWorld, type World } from "../endpoint";

export const IDS = { management: "111111111111", tooling: "222222222222", payments: "333333333333", legacy: "444444444444", sandbox: "555555555555" } as const;
export const OUS = { security: "ou-ex01-security", workloads: "ou-ex01-workloads", sandbox: "ou-ex01-sandbox", production: "ou-ex01-production" } as const;
export const DEPLOY_ROLE = "OrganizationAccountAccessRole";
export const REGIONS = ["us-east-1", "eu-west-1"] as const;

/**
 * Management 111…, security tooling 222… (Security OU, outside the target OUs, recording in both Regions),
 * members 333… and 444… in Workloads and 555… in Workloads > Sandbox (the target OU tree, no recorders:
 * the StackSet creates them), all trusted access enabled, an organization trail logging, nothing delegated.
 */
export function readyWorld(): World {
  const world = exampleWorld();
  addOrganizationalUnit(world, OUS.production, "Production");
  world.trustedServices = Object.values(SERVICE_PRINCIPALS);
  world.trails = [{ name: "organization-trail", homeRegion: "us-east-1", isMultiRegion: true, includeGlobalServiceEvents: true, isOrganizationTrail: true, isLogging: true }];
  for (const account of Object.values(world.accounts)) if (account.id !== IDS.management) account.roles.push(DEPLOY_ROLE);
  world.accounts[IDS.tooling]!.configRecorders = Object.fromEntries(REGIONS.map((r) => [r, [{ name: "default", recording: true }]]));
  return world;
}

export function readyConfig(): GuardrailsConfigInput {
  return {
    partition: "aws",
    managementAccountId: IDS.management,
    securityToolingAccountId: IDS.tooling,
    homeRegion: "us-east-1",
    governedRegions: [...REGIONS],
    organization: { id: "o-exampleorg1", rootId: "r-ex01", targetOuIds: [OUS.workloads], productionOuId: OUS.production },
    awsConfig: { deliveryBucketName: "example-org-config-delivery" },
    evidence: { bucketName: "example-org-guardrails-evidence" },
    gate: { trustedPrincipalArns: ["arn:aws:iam::111111111111:role/AccountVendingPipeline"] },
    alerting: { email: "security-alerts@example.com" },
  };
}

/** Deep-merges `patch` into the ready config (arrays and scalars replace). */
export function configWith(patch: Record<string, unknown>): GuardrailsConfigInput {
  const merge = (base: unknown, p: unknown): unknown => {
    if (typeof base !== "object" || base === null || Array.isArray(base) || typeof p !== "object" || p === null || Array.isArray(p)) return p;
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(p)) out[k] = merge(out[k], v);
    return out;
  };
  return merge(readyConfig(), patch) as GuardrailsConfigInput;
}

export function planOf(config: GuardrailsConfigInput = readyConfig(), file = "guardrails.config.json"): PreflightPlan {
  const result = validateConfig(config);
  if ("errors" in result) throw new Error(result.errors.join("\n"));
  return planFor(result.config, file);
}

export function writeConfig(dir: string, config: unknown, name = "guardrails.config.json"): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
