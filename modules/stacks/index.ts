/**
 * `buildApp`: the two stacks from a validated config. Used by main.ts, the tests and the benchmark.
 */
import { App } from "cdktf";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { GuardrailsConfig } from "../config/schema";
import { scpTargets } from "../config/validate";
import { ManagementStack } from "./management";
import { GateServiceStack } from "./gate-service";
import { PROMOTE_CALLER_ROLE_NAME } from "../gate-service/names";
import { FAILED_EXECUTIONS_FORWARD_RULE_NAME } from "../gate-service/failed-executions";
import { DEFAULT_ALERT_TOPIC_NAME } from "../alerting";
import { deployPrerequisites } from "./prerequisites";
import { SecurityToolingStack } from "./security-tooling";

export { ManagementStack } from "./management";
export { GateServiceStack } from "./gate-service";
export { SecurityToolingStack } from "./security-tooling";
export { MANAGEMENT_STACK_NAME, SECURITY_TOOLING_STACK_NAME } from "./common";
export { deployPrerequisites, type DeployPrerequisite } from "./prerequisites";

export interface GuardrailsApp {
  readonly app: App;
  readonly management: ManagementStack;
  readonly securityTooling: SecurityToolingStack;
  /** The gate service's stack when gateService.enabled; null otherwise (nothing of it is synthesized). */
  readonly gateService: GateServiceStack | null;
}

/** Builds both stacks (no synth). Throws when a synth-time check (SCP quotas) fails. */
export function buildApp(config: GuardrailsConfig, outdir = "cdktf.out"): GuardrailsApp {
  const app = new App({ outdir, skipValidation: false });
  const management = new ManagementStack(app, config);
  const securityTooling = new SecurityToolingStack(app, config);
  // Security Hub and Config delegations must exist before the delegated administrator configures them.
  securityTooling.addDependency(management);
  let gateService: GateServiceStack | null = null;
  if (config.gateService.enabled) {
    gateService = new GateServiceStack(app, config);
    // The gate roles (StackSet) and the evidence bucket policy that trust its role come first.
    gateService.addDependency(securityTooling);
  }
  return { app, management, securityTooling, gateService };
}

interface SynthesizedStack {
  resource?: Record<string, Record<string, unknown>>;
}

/** Resource counts by Terraform type per stack, read back from the synthesized cdk.tf.json files. */
export function resourceCounts(outdir: string): Record<string, Record<string, number>> {
  const result: Record<string, Record<string, number>> = {};
  for (const stack of readdirSync(join(outdir, "stacks")).sort()) {
    const json = JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as SynthesizedStack;
    result[stack] = Object.fromEntries(
      Object.entries(json.resource ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([type, byId]) => [type, Object.keys(byId).length]),
    );
  }
  return result;
}

/** What a platform engineer wants to see before `cdktf deploy`. */
export function renderSummary(built: GuardrailsApp, config: GuardrailsConfig, outdir: string): string {
  const lines: string[] = [`Synthesized into ${outdir}/ (partition ${config.partition}, home region ${config.homeRegion})`];
  for (const [stack, counts] of Object.entries(resourceCounts(outdir))) {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    lines.push("", `stack ${stack}: ${total} resources`);
    for (const [type, count] of Object.entries(counts)) lines.push(`  ${String(count).padStart(3)}  ${type}`);
  }
  lines.push("", `SCPs (limit ${config.scp.maxPolicyCharacters} characters, ${config.scp.maxPoliciesPerTarget} per target):`);
  for (const scp of built.management.scps.policies) {
    const pct = Math.round((scp.content.length / config.scp.maxPolicyCharacters) * 100);
    lines.push(`  ${scp.name}: ${scp.content.length} / ${config.scp.maxPolicyCharacters} characters (${pct}%)`);
  }
  lines.push("", "Targets:");
  for (const target of scpTargets(config)) {
    const used = config.scp.slotsAlreadyUsedByTarget[target] ?? config.scp.slotsAlreadyUsed;
    lines.push(`  SCPs on ${target}: ${used + built.management.scps.policies.length} / ${config.scp.maxPoliciesPerTarget} slots (${used} already used)`);
  }
  lines.push(`  Security Hub configuration policy on: ${built.securityTooling.securityHub.targetIds.join(", ")}`);
  lines.push(`  Member baseline StackSet: OUs ${config.organization.targetOuIds.join(", ")} in ${built.management.memberBaseline.regions.join(", ")}`);
  const managementRecorder = config.awsConfig.managementRecorderExists ? "its own recorder kept" : "recorder created";
  lines.push(`  Management account ${config.managementAccountId}: member baseline as stacks in ${built.management.managementBaseline.regions.join(", ")} (${managementRecorder}); no SCP applies there`);
  lines.push(`  CIS standards: ${built.securityTooling.securityHub.enabledStandardArns.join(", ")}`);
  const holders = built.management.promotionPolicyHolders;
  lines.push(`  GuardrailsGatePromotion attached to: ${holders.roleNames.length > 0 ? holders.roleNames.map((r) => `role/${r}`).join(", ") : "nobody"}`);
  for (const { arn, reason } of holders.notAttached) lines.push(`    attach it yourself to ${arn} (${reason})`);
  if (!config.remediation.enabled) lines.push("  GuardrailsRootRemediation: not created (remediation.enabled is false)");
  else {
    const responders = config.remediation.responderRoleArns.map((arn) => `role/${arn.split("/").pop() ?? arn}`);
    lines.push(`  GuardrailsRootRemediation (sts:AssumeRoot to delete member root access keys) attached to: ${responders.length > 0 ? responders.join(", ") : "nobody: attach it to your incident responders' role"}`);
  }
  if (built.gateService !== null) {
    const s = config.gateService;
    const bundle = built.gateService.service.bundle;
    lines.push(`  Gate service in ${s.accountId ?? config.managementAccountId} (${config.homeRegion}): function guardrails-gate (${s.runtime}, arm64, bundle ${(bundle.bytes / 1024 / 1024).toFixed(1)} MB), state machines guardrails-promote and guardrails-sweep`);
    const starts = [s.promote.onControlTowerAccountCreated ? "Control Tower CreateManagedAccount" : null, s.promote.onOrganizationsAccountCreated ? "Organizations CreateAccountResult" : null].filter((x) => x !== null);
    lines.push(`    guardrails-promote started by: ${starts.length > 0 ? starts.join(", ") : "callers only (AFT, pipelines)"}; guardrails-sweep: ${s.sweep.scheduled ? `${s.sweep.schedule} ${s.sweep.scheduleTimezone}` : "schedule disabled"}${s.sweep.revoke ? ", revoking" : ""}`);
    const serviceAccount = s.accountId ?? config.managementAccountId;
    lines.push(`    failed, timed-out or aborted executions page on ${DEFAULT_ALERT_TOPIC_NAME} (security tooling ${config.securityToolingAccountId})${serviceAccount === config.securityToolingAccountId ? "" : `, forwarded from ${serviceAccount} by rule ${FAILED_EXECUTIONS_FORWARD_RULE_NAME}`}`);
    const callers = s.promote.callerRoleArns;
    lines.push(`    ${PROMOTE_CALLER_ROLE_NAME}: ${callers.length > 0 ? `assumable by ${callers.join(", ")}` : "not created (gateService.promote.callerRoleArns is empty: only this account starts executions)"}`);
  }
  lines.push("", "Before deploy (checked by `guardrails preflight --config <file>`):");
  for (const p of deployPrerequisites(config)) lines.push(`  [${p.checkId}] ${p.requirement}`);
  return lines.join("\n");
}
