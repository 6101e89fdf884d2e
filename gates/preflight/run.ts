/**
 * `runPreflight`: reads what the checks need (management credentials; the deployment role in the
 * security-tooling account and in every account whose recorders or Config service-linked role matter) and
 * decides each check with its pure function. Every request is a read. A check whose code throws
 * unexpectedly is `unknown`, never ok.
 */
import type { GuardrailsConfig } from "../../modules/config/schema";
import { Deadline, callAws, type CallPolicy, type RetryPolicy } from "../aws/call";
import { AwsClientFactory } from "../aws/clients";
import { classifyAwsError } from "../aws/errors";
import { DEFAULTS } from "../options";
import { AdaptiveRateLimiter, type AdaptiveLimiterSettings } from "../sweep/limiter";
import { checkCloudTrail } from "./checks/cloudtrail";
import { checkConfigRecorders, recorderTargets, type AccountRecorders, type OrganizationAccounts } from "./checks/config-recorders";
import { checkConfigServiceLinkedRole } from "./checks/config-service-linked-role";
import { checkDelegatedAdmin, checkOrgAllFeatures, checkScpPolicyType, checkTrustedAccess } from "./checks/organization";
import { checkSecurityHubAdminState } from "./checks/securityhub";
import { checkOusExist, checkScpSlots } from "./checks/targets";
import { planFor } from "./plan";
import type { Call } from "./read/call";
import { readTrails } from "./read/cloudtrail";
import { readDelegatedAdmins, readOrgAllFeatures, readOus, readRoots, readScpSlots, readServiceAccess } from "./read/organization";
import { readOrganizationAccounts, readRecorders } from "./read/recorders";
import { readSecurityHubState } from "./read/securityhub";
import { CHECK_IDS, failure, type CheckId, type Outcome, type PreflightCheck, type PreflightReport } from "./types";

export const DEFAULT_PREFLIGHT_CONCURRENCY = 8;

export interface PreflightOptions {
  /** Validated with the modules' schema (validateConfig). */
  config: GuardrailsConfig;
  /** Named in messages and fixes. */
  configFile: string;
  /** Role assumed in other accounts (default deployment.securityToolingRoleName). */
  roleName?: string;
  endpointUrl?: string;
  /** Accounts read at once, recorders and service-linked role (default 8). */
  concurrency?: number;
  /** Deadline of each check, and of each account's reads (default 60 s). */
  timeoutMs?: number;
  /** Timeout of each AWS call (default 10 s). */
  callTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  limiterSettings?: Partial<AdaptiveLimiterSettings>;
  /** config-recorders: accounts read so far. */
  onProgress?: (done: number, total: number) => void;
}

export async function runPreflight(o: PreflightOptions): Promise<PreflightReport> {
  const { config } = o;
  const plan = planFor(config, o.configFile);
  const roleName = o.roleName ?? config.deployment.securityToolingRoleName;
  const callTimeoutMs = o.callTimeoutMs ?? DEFAULTS.callTimeoutMs;
  const timeoutMs = o.timeoutMs ?? DEFAULTS.timeoutMs;
  const aws = new AwsClientFactory({
    region: config.homeRegion,
    partition: config.partition,
    callTimeoutMs,
    roleName,
    sessionName: "guardrails-preflight",
    ...(o.endpointUrl !== undefined ? { endpointUrl: o.endpointUrl } : {}),
  });
  const limiter = new AdaptiveRateLimiter(o.limiterSettings);
  const policy = (): CallPolicy => ({ deadline: new Deadline(timeoutMs), callTimeoutMs, retry: { ...DEFAULTS.retry, ...o.retry }, limiter });
  const callWith = (p: CallPolicy): Call => (api, send) => callAws(api, p, send);
  /** One deadline per check: its reads share it. */
  const checkCall = (): Call => callWith(policy());
  /** Listing thousands of accounts: each call gets its own deadline, as in sweep. */
  const perCall: Call = (api, send) => callAws(api, policy(), send);

  const org = aws.organizations();
  const management = aws.own(config.managementAccountId);
  const roots = readRoots(org, checkCall());

  /**
   * The per-account pass both Config checks decide on: one listing, then one session per account for its
   * recorders and (where the stacks create one) its service-linked role. Started by whichever check asks first.
   */
  let accountPass: Promise<{ accounts: Outcome<OrganizationAccounts>; results: AccountRecorders[] }> | undefined;
  const accountReads = (): NonNullable<typeof accountPass> =>
    (accountPass ??= (async () => {
      const accounts = await readOrganizationAccounts(aws, perCall, config.organization.targetOuIds);
      if (!accounts.ok) return { accounts, results: [] };
      const results = await readRecorders(aws, recorderTargets(plan, accounts.value), {
        managementAccountId: config.managementAccountId,
        governedRegions: config.governedRegions,
        concurrency: o.concurrency ?? DEFAULT_PREFLIGHT_CONCURRENCY,
        policy,
        callWith,
        ...(o.onProgress !== undefined ? { onProgress: o.onProgress } : {}),
      });
      return { accounts, results };
    })());

  const checks: Record<CheckId, () => Promise<PreflightCheck>> = {
    "org-all-features": async () => checkOrgAllFeatures(plan, await readOrgAllFeatures(aws.sts(), org, checkCall())),
    "scp-policy-type": async () => checkScpPolicyType(await roots),
    "trusted-access": async () => checkTrustedAccess(await readServiceAccess(org, checkCall())),
    "delegated-admin": async () => checkDelegatedAdmin(plan, await readDelegatedAdmins(org, management.securityHubIn(config.homeRegion), checkCall())),
    "ous-exist": async () => {
      const ouIds = plan.configuredTargets.map((t) => t.id).filter((id) => id.startsWith("ou-"));
      const [rootsRead, ous] = await Promise.all([roots, readOus(org, checkCall(), ouIds)]);
      return checkOusExist(plan, { roots: rootsRead, ous });
    },
    "scp-slots": async () => checkScpSlots(plan, await readScpSlots(org, checkCall(), plan.scpTargetIds)),
    cloudtrail: async () => {
      if (!plan.rootAccessKeyAlerts) return checkCloudTrail(plan, { ok: true, value: [] });
      return checkCloudTrail(plan, await readTrails((region) => management.cloudTrailIn(region), plan.iamEventRegion, checkCall()));
    },
    "securityhub-admin-state": async () => {
      const p = policy();
      const evidence = await aws.inAccount(config.securityToolingAccountId, p).then(
        (tooling) => readSecurityHubState(tooling.securityHubIn(config.homeRegion), callWith(p)),
        (err: unknown) => ({ hub: failureOf(err), controlFindingGenerator: null, aggregators: null, organizationConfiguration: null, policies: null }),
      );
      return checkSecurityHubAdminState(plan, evidence);
    },
    "config-recorders": async () => {
      const { accounts, results } = await accountReads();
      return checkConfigRecorders(plan, accounts, results, roleName);
    },
    "config-service-linked-role": async () => {
      const { accounts, results } = await accountReads();
      return checkConfigServiceLinkedRole(plan, accounts, results, roleName);
    },
  };

  try {
    const decided = await Promise.all(
      CHECK_IDS.map((id) =>
        checks[id]().catch((err: unknown): PreflightCheck => ({
          id,
          status: "unknown",
          detail: `the check failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`,
          fix: "rerun guardrails preflight; report the error if it persists",
        })),
      ),
    );
    return { schemaVersion: 1, ready: decided.every((c) => c.status === "ok"), checks: decided };
  } finally {
    aws.destroy();
  }
}

/** AssumeRole into the security-tooling account failed: Security Hub there could not be read. */
function failureOf(err: unknown): Outcome<boolean> {
  const c = classifyAwsError(err);
  return failure(c.kind, c.message);
}
