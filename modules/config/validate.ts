/**
 * `validateConfig`: pure, no I/O. Two passes, each reporting every problem it finds:
 *  1. structure and field formats (zod), with defaults applied;
 *  2. rules across fields (partition of each region, homeRegion governed, expiring disables, IAM.4).
 * Each error names the field path and the bad value: `governedRegions[2]: "us-east-9" is not an AWS region`.
 */
import type { core } from "zod";
import { CONTROL_IAM3, CONTROL_IAM4, GATE_TAG_KEYS, READY_TAG_KEY } from "../constants";
import type { PromotionPolicyProps } from "../gate-access/policies";
import { guardrailsConfigSchema, type GuardrailsConfig } from "./schema";
import { partitionOfRegion } from "./regions";

export type ValidationResult = { config: GuardrailsConfig } | { errors: string[] };

export interface ValidateOptions {
  /** The clock expiring disables are judged against. @default new Date() */
  now?: Date;
}

type PathSegment = PropertyKey;

export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? String(segment) : `.${String(segment)}`;
  }
  return out === "" ? "(config)" : out;
}

export function formatValue(value: unknown): string {
  if (value === undefined) return "undefined";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function formatIssue(issue: core.$ZodIssue): string[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field (not part of the configuration)`);
  }
  const where = formatPath(issue.path);
  if (issue.input === undefined && issue.code === "invalid_type") return [`${where}: is required`];
  return [`${where}: ${formatValue(issue.input)} ${issue.message}`];
}

export function validateConfig(raw: unknown, options: ValidateOptions = {}): ValidationResult {
  const parsed = guardrailsConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { errors: parsed.error.issues.flatMap(formatIssue) };
  const errors = crossFieldErrors(parsed.data, options.now ?? new Date());
  return errors.length > 0 ? { errors } : { config: parsed.data };
}

/** Like validateConfig, but throws one Error listing every problem (for code paths that build constructs). */
export function parseConfigOrThrow(raw: unknown, options: ValidateOptions = {}): GuardrailsConfig {
  const result = validateConfig(raw, options);
  if ("errors" in result) throw new Error(`invalid guardrails config (${result.errors.length} errors):\n${result.errors.join("\n")}`);
  return result.config;
}

function crossFieldErrors(config: GuardrailsConfig, now: Date): string[] {
  const errors: string[] = [];
  const { partition } = config;
  const checkRegion = (path: string, region: string): void => {
    if (partitionOfRegion(region) !== partition) {
      errors.push(`${path}: ${formatValue(region)} is not a region of partition "${partition}"`);
    }
  };
  checkRegion("homeRegion", config.homeRegion);
  config.governedRegions.forEach((r, i) => checkRegion(`governedRegions[${i}]`, r));
  if (config.backend) checkRegion("backend.region", config.backend.region);
  if (!config.governedRegions.includes(config.homeRegion)) {
    errors.push(`governedRegions: ${formatValue(config.governedRegions)} must include homeRegion "${config.homeRegion}"`);
  }
  config.governedRegions.forEach((r, i) => {
    if (config.governedRegions.indexOf(r) !== i) errors.push(`governedRegions[${i}]: ${formatValue(r)} is listed twice`);
  });
  if (config.managementAccountId === config.securityToolingAccountId) {
    errors.push(`securityToolingAccountId: ${formatValue(config.securityToolingAccountId)} must differ from managementAccountId (delegated administration)`);
  }

  const checkArnPartition = (path: string, arn: string): void => {
    if (arn.split(":")[1] !== partition) errors.push(`${path}: ${formatValue(arn)} is not in partition "${partition}"`);
  };
  config.gate.trustedPrincipalArns.forEach((a, i) => checkArnPartition(`gate.trustedPrincipalArns[${i}]`, a));
  config.scp.breakGlassPrincipalArns.forEach((a, i) => checkArnPartition(`scp.breakGlassPrincipalArns[${i}]`, a));

  config.remediation.responderRoleArns.forEach((a, i) => errors.push(...responderErrors(config, `remediation.responderRoleArns[${i}]`, a)));
  if (!config.remediation.enabled && config.remediation.responderRoleArns.length > 0) {
    errors.push(`remediation.responderRoleArns: lists ${config.remediation.responderRoleArns.length} role(s) but remediation.enabled is false: set it to true, or remove them`);
  }

  const { recordersExist, managementRecorderExists, deliveryBucketName } = config.awsConfig;
  if (deliveryBucketName === undefined && (!recordersExist || !managementRecorderExists)) {
    const who = !recordersExist ? "awsConfig.recordersExist is false (the member accounts' delivery channels need a bucket)" : "awsConfig.managementRecorderExists is false (the management account's delivery channel needs a bucket)";
    errors.push(`awsConfig.deliveryBucketName: is required when ${who}`);
  }

  const expired = (expires: string): boolean => Date.parse(expires) <= now.getTime();
  config.securityHub.disabledControls.forEach((d, i) => {
    const path = `securityHub.disabledControls[${i}]`;
    if (d.controlId === CONTROL_IAM4) {
      errors.push(`${path}.controlId: "IAM.4" can never be disabled (root access keys are the production-readiness gate)`);
    } else if (d.controlId === CONTROL_IAM3) {
      errors.push(`${path}.controlId: "IAM.3" is always enabled; record per-key exceptions in the gate's exceptions register instead`);
    }
    if (expired(d.expires)) errors.push(`${path}.expires: ${formatValue(d.expires)} has passed: renew the disable of ${d.controlId} with a current reason or remove it`);
  });
  config.securityHub.disabledStandards.forEach((d, i) => {
    const path = `securityHub.disabledStandards[${i}]`;
    if (!config.securityHub.cisVersions.includes(d.cisVersion)) {
      errors.push(`${path}.cisVersion: ${formatValue(d.cisVersion)} is not in securityHub.cisVersions`);
    }
    if (expired(d.expires)) errors.push(`${path}.expires: ${formatValue(d.expires)} has passed: renew the disable of CIS ${d.cisVersion} with a current reason or remove it`);
  });
  if (enabledCisVersions(config).length === 0) {
    errors.push(`securityHub.disabledStandards: disables every CIS version in securityHub.cisVersions; at least one must stay enabled`);
  }

  errors.push(...gateServiceErrors(config));

  const scpTargetIds = scpTargets(config);
  for (const key of Object.keys(config.scp.slotsAlreadyUsedByTarget)) {
    if (!scpTargetIds.includes(key)) errors.push(`scp.slotsAlreadyUsedByTarget.${key}: ${formatValue(key)} is not one of the SCP targets`);
  }
  return errors;
}

/**
 * The gate service: vending events are delivered to the management account (Control Tower: "Management account
 * ID" in its lifecycle events, https://docs.aws.amazon.com/controltower/latest/userguide/lifecycle-events.html;
 * Organizations' CloudTrail events are the management account's), so rules starting on them need the service
 * there. Its Control Tower home must be a region of the partition.
 */
function gateServiceErrors(config: GuardrailsConfig): string[] {
  const service = config.gateService;
  if (!service.enabled) return [];
  const errors: string[] = [];
  const account = service.accountId ?? config.managementAccountId;
  if (account !== config.managementAccountId) {
    if (service.promote.onControlTowerAccountCreated) errors.push(`gateService.promote.onControlTowerAccountCreated: Control Tower delivers its lifecycle events to the management account ${config.managementAccountId}, not to gateService.accountId ${formatValue(account)}`);
    if (service.promote.onOrganizationsAccountCreated) errors.push(`gateService.promote.onOrganizationsAccountCreated: Organizations delivers CreateAccountResult to the management account ${config.managementAccountId}, not to gateService.accountId ${formatValue(account)}`);
  }
  const ctRegion = service.promote.controlTowerHomeRegion;
  if (ctRegion !== undefined && partitionOfRegion(ctRegion) !== config.partition) errors.push(`gateService.promote.controlTowerHomeRegion: ${formatValue(ctRegion)} is not a region of partition "${config.partition}"`);
  const eventsOn = service.promote.onControlTowerAccountCreated || service.promote.onOrganizationsAccountCreated;
  // The handler refuses a wait over the service's limit (GuardrailsInvalidInput): every event-started promote would fail.
  if (eventsOn && service.promote.eventWaitMinutes > service.promote.maxWaitHours * 60) {
    errors.push(`gateService.promote.eventWaitMinutes: ${service.promote.eventWaitMinutes} is longer than gateService.promote.maxWaitHours (${service.promote.maxWaitHours} h = ${service.promote.maxWaitHours * 60} min), the longest wait guardrails-promote accepts`);
  }
  if (service.promote.eventMoveToProductionOu && !eventsOn) {
    errors.push(`gateService.promote.eventMoveToProductionOu: is true but no event starts guardrails-promote (onControlTowerAccountCreated, onOrganizationsAccountCreated)`);
  }
  service.promote.callerRoleArns.forEach((arn, i) => {
    const path = `gateService.promote.callerRoleArns[${i}]`;
    // A role delegates across accounts within one partition only
    // (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-access-cross-acct-resources.html).
    if (arn.split(":")[1] !== config.partition) errors.push(`${path}: ${formatValue(arn)} is not in partition "${config.partition}"`);
    if (service.promote.callerRoleArns.indexOf(arn) !== i) errors.push(`${path}: ${formatValue(arn)} is listed twice`);
  });
  return errors;
}

/** IAM ArnLike matching: `*` any run, `?` one character. */
function arnLike(pattern: string, arn: string): boolean {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`).test(arn);
}

/**
 * A responder role gets GuardrailsRootRemediation attached by name, so it must be one exact role of the management
 * account; and it reads through the gate role, whose trust policy allows gate.trustedPrincipalArns only.
 */
function responderErrors(config: GuardrailsConfig, path: string, arn: string): string[] {
  const [, partition, service, , account, resource = ""] = arn.split(":");
  if (partition !== config.partition) return [`${path}: ${formatValue(arn)} is not in partition "${config.partition}"`];
  if (service !== "iam" || account !== config.managementAccountId || !resource.startsWith("role/") || /[*?]/.test(resource)) {
    return [`${path}: ${formatValue(arn)} must be one IAM role of the management account ${config.managementAccountId} (no wildcard): the policy is attached by role name`];
  }
  if (!config.gate.trustedPrincipalArns.some((p) => arnLike(p, arn))) {
    return [`${path}: ${formatValue(arn)} is not allowed by gate.trustedPrincipalArns: remediate reads GetAccountSummary through the gate role, which trusts only those; add it there`];
  }
  return [];
}

/** CIS versions the configuration policy enables: configured minus (unexpired) disables. */
export function enabledCisVersions(config: GuardrailsConfig): GuardrailsConfig["securityHub"]["cisVersions"] {
  const disabled = new Set(config.securityHub.disabledStandards.map((d) => d.cisVersion));
  return config.securityHub.cisVersions.filter((v) => !disabled.has(v));
}

/** Targets of the Security Hub configuration policy: configured, else the organization root. */
export function securityHubTargets(config: GuardrailsConfig): string[] {
  return config.securityHub.targetIds ?? [config.organization.rootId];
}

/** Targets of the SCPs: configured, else the target OUs. */
export function scpTargets(config: GuardrailsConfig): string[] {
  return config.scp.targetIds ?? config.organization.targetOuIds;
}

/** The gate's tag keys with the configured ready tag in place of the default one. */
export function gateTagKeys(config: GuardrailsConfig): string[] {
  return [...new Set(GATE_TAG_KEYS.map((key) => (key === READY_TAG_KEY ? config.gate.readyTagKey : key)))];
}

/** The promotion policy's inputs from the config: the management stack's policy and the gate service's role share them. */
export function promotionPolicyProps(config: GuardrailsConfig): PromotionPolicyProps {
  return {
    partition: config.partition,
    managementAccountId: config.managementAccountId,
    organizationId: config.organization.id,
    rootId: config.organization.rootId,
    sourceOuIds: config.organization.targetOuIds,
    productionOuId: config.organization.productionOuId,
    evidenceBucketName: config.evidence.bucketName,
    gateRoleName: config.gate.roleName,
    tagKeys: gateTagKeys(config),
  };
}
