/**
 * The real sweep: gate-io's per-account check (runCheck + evidence) wired into the engine.
 *
 * - One organization-wide Security Hub read (gates/collect/findings-bulk.ts) starts before the
 *   listing; each account's check takes its share of it instead of sending its own GetFindings, and
 *   parks (releasing its session and worker) while that read is still going.
 * - One set of connections and one STS client for the whole sweep: each account gets a sibling client
 *   factory that only holds its own assumed session, dropped as soon as its own reads are done.
 * - One adaptive limiter in front of every call of every worker (CallPolicy.limiter): shared buckets for
 *   the APIs the sweep calls from one account, per-account buckets released with the account.
 * - The credential report is requested ahead of each check through the account's factory (one
 *   AssumeRole per account, and the check finds a fresh or generating report).
 * - --revoke through the gate's Organizations credentials; bundles written and entered in the streamed
 *   index as each account finishes; bundles and index copied to the evidence bucket at the end.
 */
import { GenerateCredentialReportCommand } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { setMaxListeners } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Deadline, callAws, type CallPolicy } from "../aws/call";
import { gateSessionName, type AwsClientFactory } from "../aws/clients";
import { clientFactoryFor, runCheck, type CheckOutcome } from "../check";
import type { CollectContext } from "../collect/context";
import { readControlFindings } from "../collect/findings";
import { OrganizationFindings, type OrganizationFindingsStats } from "../collect/findings-bulk";
import { readRootCredentialsManagement } from "../collect/iam4";
import { writeEvidence } from "../evidence-io";
import { DEFAULTS, validateCheckOptions, type CheckAccountOptions } from "../options";
import type { KeyInventoryRow } from "../decide/iam3";
import { removeReadyTagSet } from "../ready-tag";
import { summarizeSweep } from "../summary";
import type { AccountVerdict, Marked, Read, SweepError } from "../types";
import { exitCodeFor } from "../verdict";
import { DEFAULT_SWEEP_CONCURRENCY, RevokeError, sweepOrganization, type SweepOptions, type SweepOutcome } from "./index";
import { AdaptiveRateLimiter, type AdaptiveLimiterSettings } from "./limiter";
import { listOrganizationAccounts, type OrgAccount, type OrgCall } from "./organization";
import { SweepEvidenceWriter, type SweepEvidence } from "./evidence";
import { remediationHints } from "../remediate/sweep-hints";
import type { EvidenceBucketTarget } from "./evidence-bucket";

/** How long the organization-wide findings read may take (it pages at GetFindings' 3 requests per second). */
export const DEFAULT_FINDINGS_TIMEOUT_MS = 30 * 60_000;

/** Everything checkAccount takes except the account, plus the sweep's own settings. */
export interface SweepRunOptions extends Omit<CheckAccountOptions, "accountId" | "evidenceDir" | "waitMs" | "onProgress" | "limiter" | "signal" | "sweepReads"> {
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
  /** Deadline of the organization-wide findings read (default 30 min). */
  findingsTimeoutMs?: number;
  /**
   * "organization" (default): the findings are read once for the organization; "per-account": each check
   * sends its own three queries (3 GetFindings per account: cheaper only for a handful of accounts in a
   * large organization).
   */
  findingsRead?: "organization" | "per-account";
  /** Evidence parked accounts may hold while the findings read goes on (default 128 MiB). */
  parkingBudgetBytes?: number;
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
  /** The organization-wide findings read: requests, findings, per-account fallbacks. */
  findings: OrganizationFindingsStats;
}

export async function runSweep(opts: SweepRunOptions): Promise<SweepRunResult> {
  // Exit 2 before any request: the per-account options are validated once, with a placeholder account.
  const { limiterSettings: _limiterSettings, signal: _signal, findingsTimeoutMs: _findingsTimeout, parkingBudgetBytes: _parking, findingsRead: _findingsRead, ...shared } = opts;
  const bulk = opts.findingsRead !== "per-account";
  validateCheckOptions({ ...shared, accountId: opts.securityHubAccountId });
  const limiter = new AdaptiveRateLimiter(opts.limiterSettings);
  const concurrency = opts.concurrency ?? DEFAULT_SWEEP_CONCURRENCY;
  const evidenceDir = opts.evidenceDir ?? (opts.evidenceBucket !== undefined ? mkdtempSync(join(tmpdir(), "guardrails-sweep-")) : undefined);
  const checkOptions = (accountId: string): CheckAccountOptions => {
    const o: CheckAccountOptions = { ...shared, accountId, limiter };
    if (evidenceDir !== undefined) o.evidenceDir = evidenceDir;
    return o;
  };
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  const clock = opts.clock ?? ((): Date => new Date());
  // Ends the findings read when the sweep ends early (listing failure) or is interrupted.
  const lifetime = new AbortController();
  setMaxListeners(0, lifetime.signal);
  const endSweep = (): void => lifetime.abort();
  opts.signal?.addEventListener("abort", endSweep, { once: true });
  const policy = (signal: AbortSignal | undefined, budgetMs: number = timeoutMs): CallPolicy => {
    const p: CallPolicy = { deadline: new Deadline(budgetMs), callTimeoutMs: opts.callTimeoutMs ?? DEFAULTS.callTimeoutMs, retry: { ...DEFAULTS.retry, ...opts.retry }, limiter };
    if (signal !== undefined) p.signal = signal;
    return p;
  };
  // The gate's own credentials (management account): listing, every AssumeRole, untagging, the findings
  // read (its session in the aggregating account is kept), evidence bucket. Sockets: a few calls in
  // flight per account, plus the findings read, the listing and the report requests ahead.
  const management = clientFactoryFor(checkOptions(opts.managementAccountId ?? opts.securityHubAccountId), { maxSockets: Math.max(50, 8 * concurrency + 16) });
  const accountFactory = (accountId: string): AwsClientFactory => management.sibling(gateSessionName(accountId));
  const callWith = (signal?: AbortSignal): OrgCall => (api, send) => callAws(api, policy(signal), send);
  const findings = new OrganizationFindings({
    aws: management,
    policy: policy(lifetime.signal, opts.findingsTimeoutMs ?? DEFAULT_FINDINGS_TIMEOUT_MS),
    securityHubAccountId: opts.securityHubAccountId,
    homeRegion: opts.homeRegion,
    partition: opts.partition ?? DEFAULTS.partition,
    clock,
  });
  const managementCtx = (signal: AbortSignal): CollectContext => ({
    aws: management,
    policy: policy(signal),
    clock,
    accountId: opts.managementAccountId ?? opts.securityHubAccountId,
    homeRegion: opts.homeRegion,
    partition: opts.partition ?? DEFAULTS.partition,
    securityHubAccountId: opts.securityHubAccountId,
    reportPoll: opts.reportPoll ?? DEFAULTS.reportPoll,
  });
  // An organization-level fact: read once for the sweep, recorded in every account's evidence.
  let rootCredentialsManagement: Promise<Read<boolean>> | undefined;
  const outcomes = new Map<string, CheckOutcome>();
  const inventory: KeyInventoryRow[] = [];
  const tagKey = opts.tagKey ?? DEFAULTS.tagKey;
  let writer: SweepEvidenceWriter | null = null;

  try {
    if (bulk) void findings.start();
    if (evidenceDir !== undefined) writer = await SweepEvidenceWriter.open(evidenceDir);
    const sweepOptions: SweepOptions = {
      concurrency,
      require: opts.require ?? DEFAULTS.require,
      revoke: opts.revoke ?? false,
      tagKey,
      // A check ends by its own deadline; the watchdog (paused while parked) only catches one that never settles.
      accountWatchdogMs: 2 * timeoutMs + 5_000,
      clock,
    };
    if (opts.signal !== undefined) sweepOptions.signal = opts.signal;
    if (opts.reportLookahead !== undefined) sweepOptions.reportLookahead = opts.reportLookahead;
    if (opts.parkingBudgetBytes !== undefined) sweepOptions.parkingBudgetBytes = opts.parkingBudgetBytes;
    if (opts.onListed !== undefined) sweepOptions.onListed = opts.onListed;
    if (opts.onAccountDone !== undefined) sweepOptions.onAccountDone = opts.onAccountDone;

    const result = await sweepOrganization<AwsClientFactory>(
      {
        // Each account's status comes with the listing: the checks need no DescribeAccount call.
        listAccounts: (signal, onPage) =>
          listOrganizationAccounts(
            management.organizations(),
            callWith(signal),
            opts.ouIds ?? [],
            { accountId: opts.managementAccountId ?? "management", region: opts.homeRegion, clock },
            onPage,
          ),
        requestCredentialReport: async (account, signal) => {
          const aws = accountFactory(account.id);
          try {
            const p = { ...policy(signal), limiterScope: account.id };
            const { iam } = await aws.inAccount(account.id, p);
            // Real AWS answers COMPLETE at once when a report under 4 h old exists; else generation starts now.
            await callAws("iam:GenerateCredentialReport", p, (abortSignal) => iam.send(new GenerateCredentialReportCommand({}), { abortSignal }));
          } catch {
            // The check reads (and if needed generates) the report itself; nothing is lost.
          }
          return aws;
        },
        release: (aws) => aws.destroy(),
        checkAccount: async (account: OrgAccount, prepared, signal, slot) => {
          const aws = prepared ?? accountFactory(account.id);
          const reads: NonNullable<CheckAccountOptions["sweepReads"]> = {};
          if (bulk) {
            // The account's share of the organization-wide read; its own three queries when the bulk
            // read cannot prove it covered (through the aggregating account's kept session).
            reads.findings = (ctx) => findings.takeForAccount(ctx.accountId, () => readControlFindings({ ...ctx, aws: management, policy: { ...policy(signal), limiterScope: ctx.accountId } }));
            reads.onOwnReadsDone = (bytes) => {
              aws.destroy();
              slot.park(bytes);
            };
          }
          if (opts.acceptNoRootCredentials === true) {
            rootCredentialsManagement ??= readRootCredentialsManagement(managementCtx(lifetime.signal), opts.managementAccountId ?? null);
            reads.rootCredentialsManagement = rootCredentialsManagement;
          }
          const o: CheckAccountOptions = { ...checkOptions(account.id), signal, sweepReads: reads };
          if (account.statusRead !== undefined) o.knownAccountStatus = account.statusRead;
          try {
            const outcome = await runCheck(o, aws);
            await slot.resume();
            outcomes.set(account.id, outcome);
            inventory.push(...outcome.decisions.iam3.inventory);
            return outcome.verdict;
          } finally {
            if (prepared === undefined) aws.destroy();
            limiter.releaseScope(account.id);
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
          if (writer === null) return verdict;
          const withBundle = outcome === undefined ? verdict : await writeEvidence(checkOptions(account.id), outcome, verdict);
          return writer.add(withBundle);
        },
      },
      sweepOptions,
    );

    let evidence: SweepEvidence | null = null;
    if (writer !== null && evidenceDir !== undefined) {
      const bucket = opts.evidenceBucket;
      let s3: S3Client | undefined;
      if (bucket !== undefined) {
        // Path-style only against a custom endpoint (local or VPC): bucket names with dots break virtual hosts there.
        const endpoint = opts.endpointUrl ?? process.env["AWS_ENDPOINT_URL_S3"] ?? process.env["AWS_ENDPOINT_URL"];
        s3 = new S3Client({ region: opts.homeRegion, maxAttempts: 1, ...(endpoint !== undefined ? { endpoint, forcePathStyle: true } : {}) });
      }
      try {
        const upload = s3 === undefined || bucket === undefined ? undefined : { s3, target: bucket, call: callWith() };
        const written = await writer.finish(result.finishedAt, { skipped: result.skipped, errors: result.summary.errors }, upload);
        writer = null;
        evidence = { accounts: result.accounts, ...written };
      } finally {
        s3?.destroy();
      }
    }
    // Evidence promised to the bucket but not stored: the sweep did not prove what it was asked to (fail closed).
    const evidenceErrors: SweepError[] = (evidence?.uploadErrors ?? []).map((reason) => ({ kind: "evidence", accountId: null, reason }));
    const summarized = summarizeSweep(result.accounts, result.skipped, [...result.summary.errors, ...evidenceErrors]);
    const roleName = opts.roleName ?? DEFAULTS.roleName;
    const remediateArgs = opts.remediateArgs ?? ["--home-region", opts.homeRegion, ...(roleName !== DEFAULTS.roleName ? ["--role-name", roleName] : [])];
    // The sweep only says what to run; deleting is `guardrails remediate --apply`, by a responder.
    const remediation = remediationHints(result.accounts, remediateArgs);
    return { ...result, ...summarized, remediation, exitCode: exitCodeFor(summarized.summary.verdict), evidence, limiter, inventory, findings: findings.stats() };
  } finally {
    endSweep();
    opts.signal?.removeEventListener("abort", endSweep);
    await writer?.discard();
    management.destroy();
  }
}
