/**
 * The guardrails configuration: one JSON file, typed, every field documented, defaults applied here and
 * nowhere else (the constructs receive a fully resolved {@link GuardrailsConfig}). Modelled on LZA's and
 * MCAF's config-as-data: the schema is the documentation; validation collects every error at once.
 *
 * Field names read by the gate too (keep them stable): partition, managementAccountId,
 * securityToolingAccountId, homeRegion, governedRegions, organization.*, awsConfig.maxAccessKeyAgeDays,
 * awsConfig.recordersExist, evidence.*, gate.*, remediation.*.
 */
import { z } from "zod";
import {
  DEFAULT_MAX_ACCESS_KEY_AGE_DAYS,
  GATE_READ_ONLY_ROLE_NAME,
  READY_TAG_KEY,
} from "../constants";
import { isAwsRegion, PARTITIONS } from "./regions";

const accountId = z.string().regex(/^\d{12}$/, "is not a 12-digit AWS account id");
const region = z.string().refine(isAwsRegion, "is not an AWS region");
const organizationId = z.string().regex(/^o-[a-z0-9]{10,32}$/, "is not an organization id (o-xxxxxxxxxx)");
const rootId = z.string().regex(/^r-[0-9a-z]{4,32}$/, "is not an organization root id (r-xxxx)");
const ouId = z.string().regex(/^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/, "is not an organizational unit id (ou-xxxx-xxxxxxxx)");
const targetId = z.union([rootId, ouId], { error: "is neither an organization root id (r-xxxx) nor an OU id (ou-xxxx-xxxxxxxx)" });
const principalArn = z
  .string()
  .regex(/^arn:aws(-us-gov|-cn)?:(iam|sts)::(\d{12}|\*):[\w+=,.@/*-]+$/, "is not an IAM principal ARN (wildcards allowed)");
const isoDate = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(s) && !Number.isNaN(Date.parse(s)), "is not an ISO 8601 date");

/** CIS AWS Foundations Benchmark versions Security Hub offers (1.2.0 is the global `ruleset` one). */
export const CIS_VERSIONS = ["1.2.0", "1.4.0", "3.0.0", "5.0.0"] as const;
export type CisVersion = (typeof CIS_VERSIONS)[number];

const expiringDisable = {
  /** Why the control or standard is disabled (auditors read this). */
  reason: z.string().trim().min(10, "needs a reason of at least 10 characters"),
  /** ISO 8601 date after which synth fails until the disable is renewed or removed. */
  expires: isoDate,
};

const securityHub = z.strictObject({
  /**
   * CIS AWS Foundations versions enabled by the central configuration policy.
   * @default ["5.0.0"]
   */
  cisVersions: z.array(z.enum(CIS_VERSIONS)).min(1, "needs at least one CIS version").default(["5.0.0"]),
  /** Standards switched off temporarily: subtracted from cisVersions while not expired. @default [] */
  disabledStandards: z.array(z.strictObject({ cisVersion: z.enum(CIS_VERSIONS), ...expiringDisable })).default([]),
  /** Security controls disabled in the configuration policy. IAM.4 and IAM.3 are refused. @default [] */
  disabledControls: z
    .array(z.strictObject({ controlId: z.string().regex(/^[A-Za-z0-9]+\.\d+$/, "is not a security control id (e.g. CloudTrail.7)"), ...expiringDisable }))
    .default([]),
  /** Organization roots / OUs the configuration policy is associated with. @default [organization.rootId] */
  targetIds: z.array(targetId).min(1).optional(),
});

const awsConfig = z.strictObject({
  /** maxAccessKeyAge of ACCESS_KEYS_ROTATED (IAM.3), in days. @default 90 */
  maxAccessKeyAgeDays: z.number().int().min(1).max(365).default(DEFAULT_MAX_ACCESS_KEY_AGE_DAYS),
  /** True when recorders already exist (e.g. Control Tower): the StackSet then deploys the gate role only. @default false */
  recordersExist: z.boolean().default(false),
  /**
   * S3 bucket (usually in the log-archive account) the delivery channels write to. Required unless both
   * recordersExist and managementRecorderExists (the management account's recorder delivers here too).
   */
  deliveryBucketName: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "is not an S3 bucket name").optional(),
  /**
   * Key prefix of the delivery channels' objects. Control Tower's log-archive bucket accepts Config
   * deliveries only under `<organization id>/`: set it to the organization id to deliver there. @default none
   */
  deliveryKeyPrefix: z.string().regex(/^[\w.!*'()/-]{1,200}$/, "is not an S3 key prefix").optional(),
  /**
   * Accounts the organization Config rules skip (`excluded_accounts`). Organization rules evaluate every
   * account of the organization except these, and fail to create while any evaluated account has no
   * recorder: list accounts outside the target OUs that have no recorder of their own. @default []
   */
  excludedAccountIds: z.array(accountId).default([]),
  /**
   * True when the management account already records AWS Config in every governed region. Service-managed
   * StackSets never deploy to the management account, so by default the management stack gives it the
   * member baseline (recorder, delivery channel, gate role, root-event forwarding) itself. @default false
   */
  managementRecorderExists: z.boolean().default(false),
  /** Create the Config service-linked role in each account's home region (false if it already exists). @default true */
  createServiceLinkedRole: z.boolean().default(true),
});

const evidence = z.strictObject({
  /** Name of the evidence bucket created in the security-tooling account (globally unique). */
  bucketName: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "is not an S3 bucket name"),
  /** Object-lock retention in COMPLIANCE mode: nobody, root included, can delete evidence earlier. @default 365 */
  retentionDays: z.number().int().min(1).max(36500).default(365),
});

const gate = z.strictObject({
  /** @default "GuardrailsGateReadOnly" */
  roleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, "is not an IAM role name").default(GATE_READ_ONLY_ROLE_NAME),
  /** @default READY_TAG_KEY */
  readyTagKey: z.string().min(1).max(128).default(READY_TAG_KEY),
  /** Principals allowed to assume the gate role (e.g. the vending pipeline's role). */
  trustedPrincipalArns: z.array(principalArn).min(1, "needs at least one principal"),
  /** Path of the gate's exceptions register (read by the gate only). */
  exceptionsFile: z.string().min(1).optional(),
  /** @default 90 */
  exceptionMaxWindowDays: z.number().int().min(1).max(365).default(90),
  /** @default "owner" */
  ownerTagKey: z.string().min(1).max(128).default("owner"),
  /** @default ["IAM.4"] */
  require: z.array(z.enum(["IAM.4", "IAM.3"])).min(1).default(["IAM.4"]),
  /**
   * Attach the GuardrailsGatePromotion policy to every trusted principal that is an exact IAM role of the
   * management account (by role name). False when another tool owns those roles' attachments
   * exclusively; then attach it yourself. Other principals always need it attached by their owner.
   * @default true
   */
  attachPromotionPolicy: z.boolean().default(true),
});

const remediation = z.strictObject({
  /**
   * Create the GuardrailsRootRemediation policy in the management account for `guardrails remediate`:
   * sts:AssumeRoot into this organization's member accounts, limited to the root-task policies that audit
   * (dry run) and delete (--apply) root credentials, plus the reads remediate makes. Powerful: a root session
   * can delete root credentials. Requires the organization's centralized root access (RootCredentialsManagement,
   * RootSessions) to be enabled. @default false
   */
  enabled: z.boolean().default(false),
  /**
   * The incident responders: exact IAM role ARNs of the management account the policy is attached to. Each must
   * also be allowed by gate.trustedPrincipalArns (remediate reads GetAccountSummary through the gate role).
   * Empty: attach the policy yourself. @default []
   */
  responderRoleArns: z.array(principalArn).default([]),
});

const scp = z.strictObject({
  /** Also deny every action to the root user (centralized-root sessions still allowed). @default false */
  denyAllRootActions: z.boolean().default(false),
  /** Principals (role ARN patterns) exempt from the Security Hub / Config / organization protections. @default [] */
  breakGlassPrincipalArns: z.array(principalArn).default([]),
  /** Roots / OUs the SCPs are attached to. @default organization.targetOuIds */
  targetIds: z.array(targetId).min(1).optional(),
  /** AWS quota on SCP size in characters (10,240 since May 2026; 5,120 before). @default 10240 */
  maxPolicyCharacters: z.number().int().min(1).max(10240).default(10240),
  /** AWS quota on SCPs attached per root / OU / account (10 since May 2026; 5 before). @default 10 */
  maxPoliciesPerTarget: z.number().int().min(1).max(10).default(10),
  /** Slots already used on every target by others (FullAWSAccess, Control Tower's). @default 1 */
  slotsAlreadyUsed: z.number().int().min(0).max(10).default(1),
  /** Per-target override of slotsAlreadyUsed, keyed by root / OU id. @default {} */
  slotsAlreadyUsedByTarget: z.record(z.string(), z.number().int().min(0).max(10)).default({}),
});

const alerting = z.strictObject({
  /** E-mail subscribed to the alert topic (confirmation needed once). */
  email: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "is not an e-mail address"),
  /** Forward root CreateAccessKey calls from every account to the alert topic. @default true */
  rootAccessKeyAlerts: z.boolean().default(true),
});

const backend = z.strictObject({
  /** S3 bucket holding the Terraform state of both stacks. */
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "is not an S3 bucket name"),
  /** Key prefix; each stack's state is `<keyPrefix>/<stack>.tfstate`. @default "guardrails" */
  keyPrefix: z.string().min(1).default("guardrails"),
  /** Region of the state bucket. */
  region: region,
  /** Use S3 native state locking (lockfile). @default true */
  useLockfile: z.boolean().default(true),
});

/** CloudWatch Logs retention values (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/**
 * Lambda's Node.js runtimes the gate service may use (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html):
 * the bundle targets Node.js 22, so both run it.
 */
export const GATE_SERVICE_RUNTIMES = ["nodejs24.x", "nodejs22.x"] as const;

/**
 * Why a `gateService.promote.callerRoleArns` entry is refused, or undefined when it names one IAM role exactly.
 * Roles only: an account id (or `:root`) would trust every principal its administrators allow, and the Principal
 * element of a trust policy matches no wildcard in an ARN
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
 */
export function promoteCallerArnProblem(value: string): string | undefined {
  if (/^\d{12}$/.test(value) || /^arn:[^:]*:iam::\d{12}:root$/.test(value)) {
    return "names a whole account: name the caller's role (arn:<partition>:iam::<account>:role/<name>); trusting an account lets every principal its administrators allow start guardrails-promote";
  }
  if (/[*?]/.test(value)) return "has a wildcard: a trust policy's Principal names exact roles (IAM matches no wildcard in a principal ARN)";
  if (/^arn:[^:]*:sts::\d{12}:assumed-role\//.test(value)) return "is a role session, which ends: name its role (arn:<partition>:iam::<account>:role/<name>)";
  if (/^arn:[^:]*:iam::\d{12}:user\//.test(value)) return "is an IAM user: callers are roles (an AFT customizations state machine's role, a pipeline's role), not long-lived keys";
  if (!/^arn:aws(-us-gov|-cn)?:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/.test(value)) return "is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)";
  return undefined;
}

const promoteCallerRoleArn = z.string().superRefine((value, ctx) => {
  const problem = promoteCallerArnProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem, input: value });
});

const gateServicePromote = z.strictObject({
  /**
   * Longest `wait` a `guardrails-promote` execution accepts, in hours. Each re-check adds 9 events to the
   * execution's history, which holds at most 25,000: beyond 16 h the re-checks are spaced further than 60 s so
   * that one wait makes at most PROMOTE_MAX_RECHECKS (modules/constants.ts). @default 24
   */
  maxWaitHours: z.number().int().min(0).max(72).default(24),
  /** Start `guardrails-promote` on Control Tower's `CreateManagedAccount` lifecycle event (SUCCEEDED). @default false */
  onControlTowerAccountCreated: z.boolean().default(false),
  /** Start `guardrails-promote` on Organizations' `CreateAccountResult` event (SUCCEEDED). With Control Tower use the one above only: both fire for one account. @default false */
  onOrganizationsAccountCreated: z.boolean().default(false),
  /** Region of Control Tower's home (where its lifecycle events are delivered). @default homeRegion */
  controlTowerHomeRegion: region.optional(),
  /** The `wait` of executions started by those events, in minutes: a new account's first IAM.4 finding takes a while. @default 240 */
  eventWaitMinutes: z.number().int().min(0).max(4320).default(240),
  /** Executions started by those events also move a PASSing account into organization.productionOuId. @default false */
  eventMoveToProductionOu: z.boolean().default(false),
  /**
   * IAM roles in other accounts of the organization allowed to start `guardrails-promote` and follow its executions,
   * through the role GuardrailsPromoteCaller the service creates when this list is not empty: an AFT
   * provisioning-customizations state machine's role (Task `Credentials.RoleArn`), a pipeline's role. Exact role
   * ARNs; each must exist before deploy. @default [] (no caller role)
   */
  callerRoleArns: z.array(promoteCallerRoleArn).default([]),
});

const gateServiceSweep = z.strictObject({
  /** Run `guardrails-sweep` on the schedule below. @default true */
  scheduled: z.boolean().default(true),
  /** EventBridge Scheduler expression (`cron(...)`, `rate(...)`). @default "cron(0 6 * * ? *)" (daily 06:00) */
  schedule: z.string().regex(/^(cron|rate)\(.+\)$/, "is not a cron(...) or rate(...) expression").default("cron(0 6 * * ? *)"),
  /** IANA time zone of the schedule. @default "UTC" */
  scheduleTimezone: z.string().min(1).default("UTC"),
  /** Remove the ready tag from every account that is not PASS (`sweep --revoke`). @default false */
  revoke: z.boolean().default(false),
  /** Sweep only these OUs (nested OUs included). @default [] (the whole organization) */
  ouIds: z.array(targetId).default([]),
  /** Accounts per Distributed Map child execution (ItemBatcher MaxItemsPerBatch). @default 50 */
  batchSize: z.number().int().min(1).max(200).default(50),
  /** Child executions at once (MaxConcurrency): bounds the calls the organization sees. @default 10 */
  maxConcurrency: z.number().int().min(1).max(100).default(10),
  /** Accounts a child execution checks at once. @default 8 */
  accountConcurrency: z.number().int().min(1).max(32).default(8),
});

const gateService = z.strictObject({
  /** Deploy the gate as a service (Lambda + Step Functions) in the organization. @default false */
  enabled: z.boolean().default(false),
  /** Account the service is deployed in. @default managementAccountId (Organizations tagging and moving need it) */
  accountId: accountId.optional(),
  /** @default "nodejs24.x" */
  runtime: z.enum(GATE_SERVICE_RUNTIMES).default("nodejs24.x"),
  /** Lambda memory in MB (CPU grows with it). @default 1024 */
  memoryMb: z.number().int().min(256).max(10240).default(1024),
  /** Retention of the function's and state machines' logs. @default 365 */
  logRetentionDays: z
    .number()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), `is not a CloudWatch Logs retention (${LOG_RETENTION_DAYS.join(", ")})`)
    .default(365),
  /** Bucket (created in the service's account) for the sweep's work files. @default guardrails-gate-service-<accountId>-<homeRegion> */
  workBucketName: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "is not an S3 bucket name").optional(),
  /** Days the work files are kept. @default 14 */
  workRetentionDays: z.number().int().min(1).max(365).default(14),
  /** Key prefix of the service's bundles and indexes in the evidence bucket. @default "gate-service" */
  evidencePrefix: z.string().regex(/^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]{0,100}$/, "is not an S3 key prefix").default("gate-service"),
  promote: gateServicePromote.prefault({}),
  sweep: gateServiceSweep.prefault({}),
});

const deployment = z.strictObject({
  /** Role assumed in the security-tooling account by the security-tooling stack's provider. @default "OrganizationAccountAccessRole" */
  securityToolingRoleName: z.string().regex(/^[\w+=,.@/-]{1,64}$/, "is not an IAM role name").default("OrganizationAccountAccessRole"),
});

export const guardrailsConfigSchema = z.strictObject({
  /** @default "aws" */
  partition: z.enum(PARTITIONS).default("aws"),
  managementAccountId: accountId,
  securityToolingAccountId: accountId,
  /** Region where findings are aggregated and global resources (IAM) are recorded. */
  homeRegion: region,
  /** Regions where recorders run and Security Hub is aggregated from; must include homeRegion. */
  governedRegions: z.array(region).min(1, "needs at least one region"),
  organization: z.strictObject({
    /**
     * The organization's id (`aws organizations describe-organization`). Organization-scoped resource
     * policies pin it with `aws:PrincipalOrgID` / `aws:ResourceOrgID`: a root id alone does not identify
     * an organization (every organization's ARNs match `o-*`).
     */
    id: organizationId,
    rootId,
    /** OUs whose accounts receive the member baseline (StackSet) and, by default, the SCPs. */
    targetOuIds: z.array(ouId).min(1, "needs at least one OU"),
    /** The only OU the gate's promotion policy may move accounts into. */
    productionOuId: ouId,
  }),
  securityHub: securityHub.prefault({}),
  awsConfig: awsConfig.prefault({}),
  evidence,
  gate,
  /** `guardrails remediate` permissions (off by default). */
  remediation: remediation.prefault({}),
  scp: scp.prefault({}),
  alerting,
  /** Omit to keep state in local files `terraform.<stack>.tfstate`. */
  backend: backend.optional(),
  deployment: deployment.prefault({}),
  /** The gate as a service in the organization (DESIGN.md section 10; off by default). */
  gateService: gateService.prefault({}),
});

/** Fully resolved configuration (defaults applied) handed to the constructs. */
export type GuardrailsConfig = z.output<typeof guardrailsConfigSchema>;
/** What a user writes in the JSON file (defaults optional). */
export type GuardrailsConfigInput = z.input<typeof guardrailsConfigSchema>;
