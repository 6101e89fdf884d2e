/**
 * Library options of checkAccount / promoteAccount, their defaults, and the validation that runs
 * before anything touches the network (a GateUsageError is the CLI's exit 2).
 */
import { CONTROL_IAM4, DEFAULT_MAX_ACCESS_KEY_AGE_DAYS, GATE_CONTROLS, GATE_READ_ONLY_ROLE_NAME, READY_TAG_KEY, type ControlId } from "../modules/constants";
import { partitionOfRegion } from "../modules/config/regions";
import type { CallRateLimiter, RetryPolicy } from "./aws/call";
import { DEFAULT_RETRY } from "./aws/call";
import type { CollectRequest } from "./collect/account";
import type { AccessKeyException, AccountStatusEvidence, Read } from "./types";

export interface CheckAccountOptions {
  accountId: string;
  /** Region where IAM.4 (a global-resource control) is recorded and findings are read. */
  homeRegion: string;
  /** Account that aggregates the organization's Security Hub findings. */
  securityHubAccountId: string;
  /** Partition for role ARNs (default "aws"). */
  partition?: string;
  /** Role assumed in the target and security-hub accounts (default GuardrailsGateReadOnly). */
  roleName?: string;
  /** Controls that decide the verdict. IAM.4 always does; list IAM.3 to make it decide too. IAM.3 is always evaluated and listed. */
  require?: readonly ControlId[];
  maxAccessKeyAgeDays?: number;
  acceptNoRootCredentials?: boolean;
  /** Management account id, for the evidence of ListOrganizationsFeatures (informative). */
  managementAccountId?: string;
  /** Validated exceptions register entries (IAM.3). */
  exceptions?: readonly AccessKeyException[];
  /** IAM user tag naming the key owner (default "owner"); null skips ListUserTags. */
  ownerTagKey?: string | null;
  /** Write a JSON + Markdown evidence bundle here. */
  evidenceDir?: string;
  /**
   * Where each bundle written to `evidenceDir` is stored for good (the gate service: the evidence bucket).
   * A bundle counts as written only once this resolved, and the location it returns is the one the output
   * and the evidence-digest tag name. Without it the bundle in `evidenceDir` is the stored one.
   */
  evidenceStore?: EvidenceStore;
  /** Account deadline in ms (default 60 s): retries and report polling end by then. */
  timeoutMs?: number;
  /** Per-call timeout in ms (default 10 s). */
  callTimeoutMs?: number;
  /** Explicit endpoint; otherwise the SDK's AWS_ENDPOINT_URL handling applies. */
  endpointUrl?: string;
  /** --wait: re-evaluate the Config rule and re-check until PASS, a live-data FAIL, or this many ms. */
  waitMs?: number;
  /** sha256 of the config file, recorded in the evidence bundle. */
  configDigest?: string;
  /** Where --wait reports progress (one line per attempt). */
  onProgress?: (line: string) => void;
  /** Tuning for tests and the benchmark. */
  retry?: Partial<RetryPolicy>;
  reportPoll?: { baseDelayMs: number; maxDelayMs: number };
  /** Backoff between --wait re-checks (default 5 s doubling to 60 s). */
  waitBackoff?: { baseDelayMs: number; maxDelayMs: number };
  /** Users whose keys are read in parallel for IAM.3 (default 8). */
  iamConcurrency?: number;
  /**
   * Also read when each access key was last used (iam:GetAccessKeyLastUsed, one call per key): only the
   * key inventory (sweep --output csv) shows it; no decision depends on it. Default false.
   */
  readKeyLastUsed?: boolean;
  /** The gate's clock (default the system clock). */
  clock?: () => Date;
  /** Sweep: the rate limiter shared by every worker's calls. */
  limiter?: CallRateLimiter;
  /** Sweep: Ctrl-C cancels the calls in flight. */
  signal?: AbortSignal;
  /** Sweep: the account's Organizations status from the listing; without it the check calls DescribeAccount. */
  knownAccountStatus?: Read<AccountStatusEvidence>;
  /** Sweep: the account's share of the organization-wide reads (findings, root credentials management). */
  sweepReads?: Pick<CollectRequest, "findings" | "onOwnReadsDone" | "rootCredentialsManagement">;
}

/** A bundle just written to the evidence directory (JSON and its Markdown companion). */
export interface WrittenBundle {
  jsonPath: string;
  markdownPath: string;
  sha256: string;
}

export interface EvidenceStore {
  /** Stores the bundle's two files; resolves with the location to report (e.g. s3://bucket/key). Throws when not stored. */
  store(bundle: WrittenBundle): Promise<string>;
  /**
   * Removes a stored bundle that no longer tells what happened, or throws saying why it cannot (an
   * object-locked bucket keeps every version until its retention ends).
   */
  remove(location: string): Promise<void>;
}

export interface PromoteAccountOptions extends CheckAccountOptions {
  /** Tag key that marks the account production-ready (default guardrails:production-ready). */
  tagKey?: string;
  /** Move the account into this OU on PASS. */
  moveToOuId?: string;
}

export const DEFAULTS = {
  partition: "aws",
  roleName: GATE_READ_ONLY_ROLE_NAME,
  require: [CONTROL_IAM4] as readonly ControlId[],
  maxAccessKeyAgeDays: DEFAULT_MAX_ACCESS_KEY_AGE_DAYS,
  ownerTagKey: "owner",
  timeoutMs: 60_000,
  callTimeoutMs: 10_000,
  tagKey: READY_TAG_KEY,
  retry: DEFAULT_RETRY,
  reportPoll: { baseDelayMs: 500, maxDelayMs: 4_000 },
  waitBackoff: { baseDelayMs: 5_000, maxDelayMs: 60_000 },
  iamConcurrency: 8,
} as const;

/** Invalid arguments: nothing was sent. The CLI maps it to exit 2. */
export class GateUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GateUsageError";
  }
}

export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
export const OU_ID_PATTERN = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;

export function isControlId(id: string): id is ControlId {
  return (GATE_CONTROLS as readonly string[]).includes(id);
}

/**
 * The home region must be a region AWS has (the modules' list, so a typo fails here with exit 2 instead
 * of a DNS error later) and belong to the partition the role ARNs are built for.
 */
export function homeRegionProblems(region: string, partition: string, label = "home region"): string[] {
  const regionPartition = partitionOfRegion(region);
  if (regionPartition === undefined) return [`${label} ${JSON.stringify(region)} is not an AWS region (e.g. us-east-1; the known regions are listed in modules/config/regions.ts)`];
  if (regionPartition !== partition) return [`${label} ${JSON.stringify(region)} is a region of partition "${regionPartition}", not of "${partition}" (config partition)`];
  return [];
}

/** Throws GateUsageError with every problem found, one per line. */
export function validateCheckOptions(o: PromoteAccountOptions): void {
  const problems: string[] = [];
  const account = (label: string, v: string): void => {
    if (!ACCOUNT_ID_PATTERN.test(v)) problems.push(`${label} ${JSON.stringify(v)} is not a 12-digit AWS account id`);
  };
  account("account id", o.accountId);
  account("security hub account", o.securityHubAccountId);
  if (o.managementAccountId !== undefined) account("management account", o.managementAccountId);
  problems.push(...homeRegionProblems(o.homeRegion, o.partition ?? DEFAULTS.partition));
  if (o.roleName !== undefined && !ROLE_NAME_PATTERN.test(o.roleName)) problems.push(`role name ${JSON.stringify(o.roleName)} is not a valid IAM role name`);
  for (const id of o.require ?? []) if (!isControlId(id)) problems.push(`unknown control ${JSON.stringify(id)} in require (valid: ${GATE_CONTROLS.join(", ")})`);
  if (o.require !== undefined && o.require.length === 0) problems.push("require lists no control");
  if (o.moveToOuId !== undefined && !OU_ID_PATTERN.test(o.moveToOuId)) problems.push(`--move-to-ou ${JSON.stringify(o.moveToOuId)} is not an OU id like ou-ab12-cdef3456`);
  const positive = (label: string, v: number | undefined): void => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) problems.push(`${label} must be a positive number, got ${String(v)}`);
  };
  positive("timeout", o.timeoutMs);
  positive("call timeout", o.callTimeoutMs);
  positive("wait", o.waitMs);
  positive("max access key age", o.maxAccessKeyAgeDays);
  if (o.tagKey !== undefined && (o.tagKey.length === 0 || o.tagKey.length > 128)) problems.push("tag key must be 1-128 characters");
  if (problems.length > 0) throw new GateUsageError(problems.join("\n"));
}
