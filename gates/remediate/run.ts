/**
 * `guardrails remediate <account>`: preconditions -> state before -> (--apply) deletions -> re-check ->
 * decision -> one evidence bundle. The AWS I/O is in read.ts, every decision in decide.ts / preconditions.ts.
 *
 * Each phase (checks and state before, deletions, re-check) has its own deadline of --timeout, so a slow
 * deletion never leaves the re-check without time: the after state is always read and recorded.
 */
import { ROOT_TASK_POLICY_AUDIT, ROOT_TASK_POLICY_DELETE } from "../../modules/constants";
import { Deadline, sleep, type CallPolicy, type RetryPolicy } from "../aws/call";
import { AwsClientFactory, gateSessionName } from "../aws/clients";
import { readAccountStatus } from "../collect/account-status";
import type { CollectContext } from "../collect/context";
import { readAccountSummary, readCredentialReport } from "../collect/iam4";
import { ACCOUNT_ID_PATTERN, DEFAULTS, GateUsageError, homeRegionProblems } from "../options";
import type { Read, ReadFailure } from "../types";
import { decideRemediation } from "./decide";
import { writeRemediationBundle } from "./evidence";
import { decidePreconditions, preconditionsHold } from "./preconditions";
import { deleteRootKey, failedWithoutSession, listRootKeys, openRootSession, readCredentialReportAsServed, readKeyLastUsed, readManagementAccount, readOrganizationFeatures, requestCredentialReport, type RootSession } from "./read";
import { presenceOf } from "./state";
import type { DeletionAttempt, KeyLastUsed, RemediationEvidence, RemediationReport, RootAccessKey, RootKeyState, RootSessionRecord } from "./types";

export interface RemediateOptions {
  accountId: string;
  /** Region of the regional STS endpoint AssumeRoot is sent to, and of every other call. */
  homeRegion: string;
  partition?: string;
  /** The gate's read-only role (GetAccountSummary, credential report). Default GuardrailsGateReadOnly. */
  roleName?: string;
  /** The management account from the config: refused as a target before anything is sent. */
  managementAccountId?: string;
  /** false: dry run (reads only, the audit root-task policy); true: delete the root user's access keys. */
  apply: boolean;
  /** Write the evidence bundle (JSON + Markdown) here. */
  evidenceDir?: string;
  /** Deadline of each phase (default 60 s). */
  timeoutMs?: number;
  callTimeoutMs?: number;
  endpointUrl?: string;
  /** sha256 of the config file, recorded in the bundle. */
  configDigest?: string;
  retry?: Partial<RetryPolicy>;
  reportPoll?: { baseDelayMs: number; maxDelayMs: number };
  /** Backoff between re-checks while GetAccountSummary still counts a deleted key (default 1 s doubling to 8 s). */
  recheckBackoff?: { baseDelayMs: number; maxDelayMs: number };
  clock?: () => Date;
}

export interface RemediationOutcome {
  report: RemediationReport;
  evidence: RemediationEvidence;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const DEFAULT_RECHECK = { baseDelayMs: 1_000, maxDelayMs: 8_000 };

/** Everything wrong with the options, at once (GateUsageError: the CLI's exit 2, nothing sent). */
export function validateRemediateOptions(o: RemediateOptions): void {
  const problems: string[] = [];
  if (!ACCOUNT_ID_PATTERN.test(o.accountId)) problems.push(`account id ${JSON.stringify(o.accountId)} is not a 12-digit AWS account id`);
  problems.push(...homeRegionProblems(o.homeRegion, o.partition ?? DEFAULTS.partition));
  if (o.roleName !== undefined && !ROLE_NAME.test(o.roleName)) problems.push(`role name ${JSON.stringify(o.roleName)} is not a valid IAM role name`);
  if (o.managementAccountId !== undefined && o.managementAccountId === o.accountId) {
    // Known without a request: AssumeRoot opens sessions in member accounts only.
    problems.push(`${o.accountId} is the organization's management account (managementAccountId in the config): sts:AssumeRoot cannot target it; delete its root access keys signed in as its root user`);
  }
  for (const [label, v] of [["timeout", o.timeoutMs], ["call timeout", o.callTimeoutMs]] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) problems.push(`${label} must be a positive number, got ${String(v)}`);
  }
  if (problems.length > 0) throw new GateUsageError(problems.join("\n"));
}

/** The root user's keys, and when each was last used (read concurrently). */
async function readRootKeys(ctx: CollectContext, session: RootSession): Promise<{ keys: Read<RootAccessKey[]>; lastUsed: Record<string, Read<KeyLastUsed>> }> {
  const keys = await listRootKeys(ctx, session);
  if (!keys.ok) return { keys, lastUsed: {} };
  const used = await Promise.all(keys.value.map(async (k) => [k.accessKeyId, await readKeyLastUsed(ctx, session, k.accessKeyId)] as const));
  return { keys, lastUsed: Object.fromEntries(used) };
}

/**
 * Re-reads both live sources until they agree (IAM is eventually consistent: GetAccountSummary may count a key
 * deleted a moment ago), or until the phase's deadline leaves no time for another round after the backoff; then,
 * in a phase of its own, asks IAM for a new credential report and reads the one IAM serves (collect
 * polls while one is being generated; a report younger than 4 h IAM hands back as it is).
 * A round started without the time to finish would end in reads cut off by the deadline, and the last answer
 * ("the sources disagree after N re-checks") would become "could not be proven".
 */
async function recheck(
  phase: () => CollectContext,
  session: RootSession,
  deleted: boolean,
  backoff: { baseDelayMs: number; maxDelayMs: number },
): Promise<{ state: RootKeyState; rounds: number }> {
  const ctx = phase();
  let delay = backoff.baseDelayMs;
  for (let rounds = 1; ; rounds++) {
    const roundStarted = Date.now();
    const [keys, accountSummary] = await Promise.all([listRootKeys(ctx, session), readAccountSummary(ctx)]);
    const state: RootKeyState = { keys, lastUsed: {}, accountSummary, credentialReport: null };
    // Another round only with time for it after the backoff: twice what this one took.
    const nextRoundNeedsMs = delay + 2 * (Date.now() - roundStarted);
    if (presenceOf(state, deleted).kind !== "disagree" || ctx.policy.deadline.remainingMs() <= nextRoundNeedsMs) {
      const reporting = phase();
      const reportGeneration = await requestCredentialReport(reporting);
      return { state: { ...state, reportGeneration, credentialReport: await readCredentialReport(reporting) }, rounds };
    }
    await sleep(delay);
    delay = Math.min(backoff.maxDelayMs, delay * 2);
  }
}

export async function runRemediation(o: RemediateOptions): Promise<RemediationOutcome> {
  validateRemediateOptions(o);
  const clock = o.clock ?? (() => new Date());
  const partition = o.partition ?? DEFAULTS.partition;
  const timeoutMs = o.timeoutMs ?? DEFAULTS.timeoutMs;
  const callTimeoutMs = o.callTimeoutMs ?? DEFAULTS.callTimeoutMs;
  const settings = { region: o.homeRegion, partition, callTimeoutMs, roleName: o.roleName ?? DEFAULTS.roleName, sessionName: gateSessionName(o.accountId) };
  const aws = new AwsClientFactory(o.endpointUrl === undefined ? settings : { ...settings, endpointUrl: o.endpointUrl });
  /** A fresh deadline for each phase. */
  const phase = (): CollectContext => {
    const policy: CallPolicy = { deadline: new Deadline(timeoutMs), callTimeoutMs, retry: { ...DEFAULTS.retry, ...o.retry } };
    return { aws, policy, clock, accountId: o.accountId, homeRegion: o.homeRegion, partition, securityHubAccountId: "", reportPoll: o.reportPoll ?? DEFAULTS.reportPoll };
  };
  try {
    const startedAt = clock().toISOString();
    const caller = o.managementAccountId ?? "caller";
    const checks = phase();
    const [features, managementAccount, accountStatus, accountSummary, credentialReport] = await Promise.all([
      readOrganizationFeatures(checks, caller),
      readManagementAccount(checks, caller),
      readAccountStatus(checks, o.managementAccountId ?? null),
      readAccountSummary(checks),
      readCredentialReportAsServed(checks),
    ]);
    const preconditions = decidePreconditions({ accountId: o.accountId, features, managementAccount, accountStatus });

    let session: RootSessionRecord | null = null;
    let root: RootSession | null = null;
    let before: RootKeyState = { keys: null, lastUsed: {}, accountSummary, credentialReport };
    if (preconditionsHold(preconditions)) {
      // A dry run's session can only read (the audit task policy); --apply's lasts through deletion and re-check.
      const opened = await openRootSession(checks, o.apply ? ROOT_TASK_POLICY_DELETE : ROOT_TASK_POLICY_AUDIT, ((o.apply ? 3 : 1) * timeoutMs) / 1000);
      session = opened.record;
      root = opened.session;
      const read = root !== null ? await readRootKeys(checks, root) : { keys: failedWithoutSession<RootAccessKey[]>(opened.record.opened as ReadFailure, "iam:ListAccessKeys"), lastUsed: {} };
      before = { ...before, ...read };
    }

    const deletions: DeletionAttempt[] = [];
    let after: RootKeyState | null = null;
    let recheckRounds = 0;
    if (o.apply && root !== null && before.keys !== null && before.keys.ok) {
      const deleting = phase();
      // One at a time, in listing order: each deletion is recorded with its own time and result.
      for (const key of before.keys.value) deletions.push(await deleteRootKey(deleting, root, key));
      const re = await recheck(phase, root, deletions.length > 0, o.recheckBackoff ?? DEFAULT_RECHECK);
      after = re.state;
      recheckRounds = re.rounds;
    }

    const evidence: RemediationEvidence = {
      accountId: o.accountId,
      partition,
      homeRegion: o.homeRegion,
      mode: o.apply ? "apply" : "dry-run",
      startedAt,
      features,
      managementAccount,
      accountStatus,
      session,
      before,
      deletions,
      after,
      recheckRounds,
      finishedAt: clock().toISOString(),
    };
    let report = decideRemediation(evidence);
    if (o.evidenceDir !== undefined) {
      const settingsDigested = { homeRegion: o.homeRegion, partition, roleName: settings.roleName, mode: evidence.mode, configFileDigest: o.configDigest ?? null };
      try {
        const written = await writeRemediationBundle(o.evidenceDir, report, settingsDigested);
        report = { ...report, evidence: { path: written.jsonPath, sha256: written.sha256 } };
      } catch (err) {
        // The proof an auditor needs is missing: not proven (fail closed), whatever was done.
        const why = err instanceof Error ? err.message : String(err);
        report = {
          ...report,
          exitCode: 3,
          reasons: [...report.reasons, `The evidence bundle could not be written to ${o.evidenceDir} (${why}): keep this output as the record, and run guardrails remediate ${o.accountId} --evidence-dir <dir> (dry run) to document the state.`],
        };
      }
    }
    return { report, evidence };
  } finally {
    aws.destroy();
  }
}
