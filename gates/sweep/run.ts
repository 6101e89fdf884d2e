/**
 * The real sweep: gate-io's per-account check (runCheck + evidence) wired into the engine, with one
 * shared adaptive limiter in front of every AWS call of every worker (CallPolicy.limiter), the
 * credential report requested ahead of each check through the same per-account client factory the
 * check then uses (one AssumeRole per account, and the check finds a fresh or generating report),
 * --revoke through the gate's Organizations credentials, and evidence to a directory and the bucket.
 */
import { GenerateCredentialReportCommand } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Deadline, callAws, type CallPolicy } from "../aws/call";
import type { AwsClientFactory } from "../aws/clients";
import { clientFactoryFor, runCheck, type CheckOutcome } from "../check";
import { writeEvidence } from "../evidence-io";
import { DEFAULTS, validateCheckOptions, type CheckAccountOptions } from "../options";
import type { KeyInventoryRow } from "../decide/iam3";
import { removeReadyTagSet } from "../ready-tag";
import { summarizeSweep } from "../summary";
import type { AccountVerdict, Marked, SweepError } from "../types";
import { exitCodeFor } from "../verdict";
import { DEFAULT_SWEEP_CONCURRENCY, RevokeError, sweepOrganization, type SweepOptions, type SweepOutcome } from "./index";
import { AdaptiveRateLimiter, type AdaptiveLimiterSettings } from "./limiter";
import { listOrganizationAccounts, type OrgAccount, type OrgCall } from "./organization";
import { writeSweepEvidence, type SweepEvidence } from "./evidence";
import { remediationHints } from "../remediate/sweep-hints";
import type { EvidenceBucketTarget } from "./evidence-bucket";

/** Everything checkAccount takes except the account, plus the sweep's own settings. */
export interface SweepRunOptions extends Omit<CheckAccountOptions, "accountId" | "evidenceDir" | "waitMs" | "onProgress" | "limiter" | "signal"> {
  ouIds?: readonly string[];
  concurrency?: number;
  revoke?: boolean;
  tagKey?: string;
  /** Bundles and the index go here (a temporary directory when only a bucket is given). */
  evidenceDir?: string;
  evidenceBucket?: EvidenceBucketTarget;
  /** Tuning of the shared adaptive limiter (tests, benchmark). */
  limiterSettings?: Partial<AdaptiveLimiterSettings>;
  reportLookahead?: number;
  /**
   * The options the printed `guardrails remediate <account>` command carries for accounts failing IAM.4
   * (default: --home-region, and --role-name when not the default).
   */
  remediateArgs?: readonly string[];
  signal?: AbortSignal;
  onListed?: SweepOptions["onListed"];
  onAccountDone?: SweepOptions["onAccountDone"];
}

export interface SweepRunResult extends SweepOutcome {
  evidence: SweepEvidence | null;
  /** IAM.3 key inventory over every checked account (ids masked), for --output csv. */
  inventory: KeyInventoryRow[];
  limiter: AdaptiveRateLimiter;
}

export async function runSweep(opts: SweepRunOptions): Promise<SweepRunResult> {
  // Exit 2 before any request: the per-account options are validated once, with a placeholder account.
  const { limiterSettings: _limiterSettings, signal: _signal, ...shared } = opts;
  validateCheckOptions({ ...shared, accountId: opts.securityHubAccountId });
  const limiter = new AdaptiveRateLimiter(opts.limiterSettings);
  const evidenceDir = opts.evidenceDir ?? (opts.evidenceBucket !== undefined ? mkdtempSync(join(tmpdir(), "guardrails-sweep-")) : undefined);
  const checkOptions = (accountId: string): CheckAccountOptions => {
    const o: CheckAccountOptions = { ...shared, accountId, limiter };
    if (evidenceDir !== undefined) o.evidenceDir = evidenceDir;
    return o;
  };
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  const policy = (signal?: AbortSignal): CallPolicy => {
    const p: CallPolicy = { deadline: new Deadline(timeoutMs), callTimeoutMs: opts.callTimeoutMs ?? DEFAULTS.callTimeoutMs, retry: { ...DEFAULTS.retry, ...opts.retry }, limiter };
    if (signal !== undefined) p.signal = signal;
    return p;
  };
  // The gate's own credentials (management account): listing, untagging, evidence bucket.
  const management = clientFactoryFor(checkOptions(opts.managementAccountId ?? opts.securityHubAccountId));
  const callWith = (signal?: AbortSignal): OrgCall => (api, send) => callAws(api, policy(signal), send);
  const outcomes = new Map<string, CheckOutcome>();
  const inventory: KeyInventoryRow[] = [];
  const tagKey = opts.tagKey ?? DEFAULTS.tagKey;

  try {
    const sweepOptions: SweepOptions = {
      concurrency: opts.concurrency ?? DEFAULT_SWEEP_CONCURRENCY,
      require: opts.require ?? DEFAULTS.require,
      revoke: opts.revoke ?? false,
      tagKey,
      // A check ends by its own deadline; the watchdog only catches one that never settles.
      accountWatchdogMs: 2 * timeoutMs + 5_000,
    };
    if (opts.signal !== undefined) sweepOptions.signal = opts.signal;
    if (opts.reportLookahead !== undefined) sweepOptions.reportLookahead = opts.reportLookahead;
    if (opts.onListed !== undefined) sweepOptions.onListed = opts.onListed;
    if (opts.onAccountDone !== undefined) sweepOptions.onAccountDone = opts.onAccountDone;

    const result = await sweepOrganization<AwsClientFactory>(
      {
        // Each account's status comes with the listing: the checks need no DescribeAccount call.
        listAccounts: (signal) =>
          listOrganizationAccounts(management.organizations(), callWith(signal), opts.ouIds ?? [], {
            accountId: opts.managementAccountId ?? "management",
            region: opts.homeRegion,
            ...(opts.clock !== undefined ? { clock: opts.clock } : {}),
          }),
        requestCredentialReport: async (account, signal) => {
          const aws = clientFactoryFor(checkOptions(account.id));
          try {
            const p = policy(signal);
            const { iam } = await aws.inAccount(account.id, p);
            // Real AWS answers COMPLETE at once when a report under 4 h old exists; else generation starts now.
            await callAws("iam:GenerateCredentialReport", p, (abortSignal) => iam.send(new GenerateCredentialReportCommand({}), { abortSignal }));
          } catch {
            // The check reads (and if needed generates) the report itself; nothing is lost.
          }
          return aws;
        },
        release: (aws) => aws.destroy(),
        checkAccount: async (account: OrgAccount, prepared, signal) => {
          const o: CheckAccountOptions = { ...checkOptions(account.id), signal };
          if (account.statusRead !== undefined) o.knownAccountStatus = account.statusRead;
          const aws = prepared ?? clientFactoryFor(o);
          try {
            const outcome = await runCheck(o, aws);
            outcomes.set(account.id, outcome);
            inventory.push(...outcome.decisions.iam3.inventory);
            return outcome.verdict;
          } finally {
            if (prepared === undefined) aws.destroy();
          }
        },
        revokeReadyTag: async (accountId, signal): Promise<Marked> => {
          const removal = await removeReadyTagSet(management, policy(signal), accountId, tagKey);
          if (removal.error !== null) throw new RevokeError(removal.marked, removal.error);
          return removal.marked;
        },
        recordEvidence: async (account, verdict): Promise<AccountVerdict> => {
          const outcome = outcomes.get(account.id);
          outcomes.delete(account.id);
          return outcome === undefined ? verdict : writeEvidence(checkOptions(account.id), outcome, verdict);
        },
      },
      sweepOptions,
    );

    let evidence: SweepEvidence | null = null;
    if (evidenceDir !== undefined) {
      const bucket = opts.evidenceBucket;
      let s3: S3Client | undefined;
      if (bucket !== undefined) {
        // Path-style only against a custom endpoint (local or VPC): bucket names with dots break virtual hosts there.
        const endpoint = opts.endpointUrl ?? process.env["AWS_ENDPOINT_URL_S3"] ?? process.env["AWS_ENDPOINT_URL"];
        s3 = new S3Client({ region: opts.homeRegion, maxAttempts: 1, ...(endpoint !== undefined ? { endpoint, forcePathStyle: true } : {}) });
      }
      try {
        const upload = s3 === undefined || bucket === undefined ? undefined : { s3, target: bucket, call: callWith() };
        evidence = await writeSweepEvidence(result.accounts, evidenceDir, result.finishedAt, upload, { skipped: result.skipped, errors: result.summary.errors });
      } finally {
        s3?.destroy();
      }
    }
    const accounts = evidence?.accounts ?? result.accounts;
    // Evidence promised to the bucket but not stored: the sweep did not prove what it was asked to (fail closed).
    const evidenceErrors: SweepError[] = (evidence?.uploadErrors ?? []).map((reason) => ({ kind: "evidence", accountId: null, reason }));
    const summarized = summarizeSweep(accounts, result.skipped, [...result.summary.errors, ...evidenceErrors]);
    const roleName = opts.roleName ?? DEFAULTS.roleName;
    const remediateArgs = opts.remediateArgs ?? ["--home-region", opts.homeRegion, ...(roleName !== DEFAULTS.roleName ? ["--role-name", roleName] : [])];
    // The sweep only says what to run; deleting is `guardrails remediate --apply`, by a responder.
    const remediation = remediationHints(accounts, remediateArgs);
    return { ...result, ...summarized, remediation, exitCode: exitCodeFor(summarized.summary.verdict), evidence, limiter, inventory };
  } finally {
    management.destroy();
  }
}
