/**
 * Names and settings of the gate service (DESIGN.md section 10), derived from the config alone so that the
 * other stacks can name its role without a cross-stack reference: the gate's read-only role and the evidence
 * bucket trust the service's role by its ARN, as they trust gate.trustedPrincipalArns.
 */
import { PROMOTE_MAX_RECHECKS } from "../constants";
import type { GuardrailsConfig } from "../config/schema";
import type { ServiceSettings } from "../../gates/service/settings";

export const GATE_SERVICE_STACK_NAME = "gate-service";
export const GATE_SERVICE_FUNCTION_NAME = "guardrails-gate";
export const GATE_SERVICE_ROLE_NAME = "GuardrailsGateService";
export const PROMOTE_STATE_MACHINE_NAME = "guardrails-promote";
export const SWEEP_STATE_MACHINE_NAME = "guardrails-sweep";
/** Assumed by gateService.promote.callerRoleArns to start guardrails-promote from other accounts (callers.ts). */
export const PROMOTE_CALLER_ROLE_NAME = "GuardrailsPromoteCaller";

/** Where the service runs: gateService.accountId, else the management account. */
export function gateServiceAccountId(config: GuardrailsConfig): string {
  return config.gateService.accountId ?? config.managementAccountId;
}

/** The Lambda function's role: what assumes the gate's read-only role and writes evidence. */
export function gateServiceRoleArn(config: GuardrailsConfig): string {
  return `arn:${config.partition}:iam::${gateServiceAccountId(config)}:role/${GATE_SERVICE_ROLE_NAME}`;
}

/** The role callers in other accounts assume (exists only when gateService.promote.callerRoleArns is not empty). */
export function promoteCallerRoleArn(config: GuardrailsConfig): string {
  return `arn:${config.partition}:iam::${gateServiceAccountId(config)}:role/${PROMOTE_CALLER_ROLE_NAME}`;
}

export function gateServiceWorkBucket(config: GuardrailsConfig): string {
  return config.gateService.workBucketName ?? `guardrails-gate-service-${gateServiceAccountId(config)}-${config.homeRegion}`;
}

export function stateMachineArn(config: GuardrailsConfig, name: string): string {
  return `arn:${config.partition}:states:${config.homeRegion}:${gateServiceAccountId(config)}:stateMachine:${name}`;
}

/**
 * Who the gate's read-only role and the evidence bucket trust: gate.trustedPrincipalArns, plus the service's role
 * when the service is enabled. Off: exactly the configured list (the synth output does not change).
 */
export function gateTrustedPrincipalArns(config: GuardrailsConfig): string[] {
  const trusted = [...config.gate.trustedPrincipalArns];
  if (config.gateService.enabled && !trusted.includes(gateServiceRoleArn(config))) trusted.push(gateServiceRoleArn(config));
  return trusted;
}

/** The function's settings (its GUARDRAILS_GATE_SERVICE variable): the CLI's flags and config, fixed at synth. */
export function gateServiceSettings(config: GuardrailsConfig): ServiceSettings {
  const s = config.gateService;
  return {
    partition: config.partition,
    homeRegion: config.homeRegion,
    managementAccountId: config.managementAccountId,
    securityHubAccountId: config.securityToolingAccountId,
    roleName: config.gate.roleName,
    require: [...config.gate.require],
    maxAccessKeyAgeDays: config.awsConfig.maxAccessKeyAgeDays,
    acceptNoRootCredentials: false,
    ownerTagKey: config.gate.ownerTagKey,
    tagKey: config.gate.readyTagKey,
    productionOuId: config.organization.productionOuId,
    evidenceBucket: config.evidence.bucketName,
    evidencePrefix: s.evidencePrefix,
    workBucket: gateServiceWorkBucket(config),
    batchSize: s.sweep.batchSize,
    concurrency: s.sweep.accountConcurrency,
    // The CLI's defaults (DESIGN.md section 4): 60 s per account, 10 s per call.
    timeoutMs: 60_000,
    callTimeoutMs: 10_000,
    maxWaitSeconds: s.promote.maxWaitHours * 3600,
    // The CLI's --wait backoff: 5 s doubling to 60 s, and longer between re-checks when the longest wait would
    // otherwise take more than PROMOTE_MAX_RECHECKS of them (an execution's history is bounded).
    waitBackoff: { baseSeconds: 5, maxSeconds: Math.max(60, Math.ceil((s.promote.maxWaitHours * 3600) / PROMOTE_MAX_RECHECKS)) },
  };
}
