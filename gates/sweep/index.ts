/**
 * `guardrails sweep` engine: list the accounts in scope and check each as soon as its listing page
 * arrives, request credential reports a bounded number of accounts ahead of the checks, check at most
 * `concurrency` accounts at once, turn anything that is not a completed check into INCONCLUSIVE with
 * the reason (fail closed: an account not checked is never PASS), optionally remove the ready tag from
 * every account that is not PASS, record each account's evidence as it finishes, and summarize (exit
 * code = worst account's).
 *
 * Ordering (DESIGN.md section 9). The organization-wide findings read (run.ts starts it before the
 * listing) and the listing run side by side from the start. A check's own reads (AssumeRole,
 * GetAccountSummary, credential report, DescribeHub, IAM.3 live data) run in a worker slot; an account
 * cannot be decided before the findings read has ended, so a check whose own reads are done PARKS
 * (AccountSlot.park): it releases its session and gives its worker slot to the next account while it
 * waits, holding only its collected evidence, within a parking budget in bytes. When the findings read
 * ends, parked accounts are decided and their evidence written through a bounded number of finishing
 * slots. So the sweep takes about the longest of (findings read, listing, per-account work), not their
 * sum, while the budget holds the accounts collected during the findings read; past it, workers wait
 * with their account instead (memory stays bounded, time grows).
 *
 * The AWS work is injected (SweepDeps) so the engine is tested without AWS and wired to the gate's
 * real per-account check by run.ts.
 */
import { setMaxListeners } from "node:events";
import { CONTROL_IAM4, READY_TAG_KEY, type ControlId } from "../../modules/constants";
import type { AccountVerdict, ExitCodeValue, Marked, SkippedAccountResult, SweepError, SweepResult } from "../types";
import { summarizeSweep } from "../summary";
import { exitCodeFor } from "../verdict";
import { INTERRUPTED_REASON, SweepInterruptedError, whenAborted } from "./abort";
import type { AccountListing, OrgAccount, SkippedAccount } from "./organization";
import { runPool } from "./scheduler";
import { Semaphore, TaskSlot, Watchdog, type AccountSlot } from "./slots";
import { errorText, notCheckedVerdict, revokeFailure, withEvidenceFailure, withRevokeFailure } from "./verdicts";

export { AdaptiveRateLimiter, DEFAULT_LIMITER_SETTINGS, type CallLimiter, type CallOutcome } from "./limiter";
export { listOrganizationAccounts, type AccountListing, type OrgAccount, type SkippedAccount } from "./organization";
export { INTERRUPTED_REASON } from "./abort";
export { notCheckedVerdict, RevokeError } from "./verdicts";
export type { AccountSlot } from "./slots";

/**
 * Default worker count. Per account a check makes ~8 calls in the account itself (IAM, DescribeHub:
 * that account's own quotas) after one AssumeRole (the gate account's STS quota, 600/s); the findings
 * come from one organization-wide read. 8 workers keep a machine's CPU comfortably busy at ~50 ms per
 * call (see bench/sweep.bench.ts); Organizations is only used to list accounts and, with --revoke, to untag.
 */
export const DEFAULT_SWEEP_CONCURRENCY = 8;

/** Collected evidence parked accounts may hold while the findings read is still going. */
export const DEFAULT_PARKING_BUDGET_BYTES = 128 * 1024 * 1024;

/** The AWS work of a sweep. `P` is what the report-request phase hands to the check (e.g. a session). */
export interface SweepDeps<P = void> {
  /** Lists the accounts in scope, handing over each page as it arrives (checks start on the first). */
  listAccounts(signal: AbortSignal, onPage: (page: AccountListing) => void): Promise<AccountListing>;
  /** Phase 1, ahead of the checks: ask the account to generate its credential report. Failures are ignored (the check regenerates). */
  requestCredentialReport?(account: OrgAccount, signal: AbortSignal): Promise<P>;
  /**
   * Phase 2: the per-account check; `prepared` is phase 1's result, undefined if it failed or did not run.
   * `slot` lets it park while it waits for the organization-wide findings read.
   */
  checkAccount(account: OrgAccount, prepared: P | undefined, signal: AbortSignal, slot: AccountSlot): Promise<AccountVerdict>;
  /** Called once the account is done with what phase 1 returned (close its clients). */
  release?(prepared: P): void;
  /**
   * --revoke: make sure the account does not carry the ready tag (checked accounts that are not PASS,
   * and skipped ones). Throws on failure; a RevokeError carries what is known of the tag.
   */
  revokeReadyTag?(accountId: string, signal: AbortSignal): Promise<Marked>;
  /**
   * Writes the account's evidence once its verdict is final (after --revoke, so the bundle records the
   * tag removal), for every account in scope (checked or not), and returns the verdict with `evidence` set.
   */
  recordEvidence?(account: OrgAccount, verdict: AccountVerdict): Promise<AccountVerdict>;
}

export interface SweepProgress {
  /** Accounts listed so far (final once `listingComplete`). */
  total: number;
  listingComplete: boolean;
  done: number;
  pass: number;
  fail: number;
  inconclusive: number;
  startedAtMs: number;
}

export interface SweepOptions {
  concurrency?: number;
  /** Controls that decide an account's verdict (default IAM.4); used for verdicts the engine makes up. */
  require?: readonly ControlId[];
  /** How many accounts report requests may run ahead of the checks (default 2 × concurrency). */
  reportLookahead?: number;
  /** Hard stop per account beyond the check's own deadline (fail closed if a check never settles); paused while parked. */
  accountWatchdogMs?: number;
  /** Evidence parked accounts may hold in total (default 128 MiB). */
  parkingBudgetBytes?: number;
  revoke?: boolean;
  /** The ready tag --revoke removes (default guardrails:production-ready), named in reasons. */
  tagKey?: string;
  signal?: AbortSignal;
  clock?: () => Date;
  /** Every account listed (the listing is complete). Checks may have started before. */
  onListed?(listing: AccountListing): void;
  onAccountDone?(verdict: AccountVerdict, progress: SweepProgress): void;
}

export interface SweepStats {
  /** Most accounts parked at once (own reads done, waiting for the findings read). */
  peakParkedAccounts: number;
}

export interface SweepOutcome extends SweepResult {
  interrupted: boolean;
  exitCode: ExitCodeValue;
  startedAt: string;
  finishedAt: string;
  /** Set when the accounts could not be (completely) listed: the sweep does not prove the organization (INCONCLUSIVE). */
  listingError: string | null;
  stats: SweepStats;
}

/** Skipped accounts in the result; with --revoke their ready tag is removed too (they are not PASS either). */
async function settleSkipped<P>(deps: SweepDeps<P>, skipped: readonly SkippedAccount[], opts: SweepOptions, tag: string, signal: AbortSignal): Promise<{ results: SkippedAccountResult[]; errors: SweepError[] }> {
  const base = (a: SkippedAccount): SkippedAccountResult => ({ accountId: a.id, status: a.status, marked: null, reasons: [] });
  const revoke = deps.revokeReadyTag;
  if (opts.revoke !== true || revoke === undefined) return { results: skipped.map(base), errors: [] };
  const errors: SweepError[] = [];
  const outcomes = await runPool(
    skipped,
    async (a): Promise<SkippedAccountResult> => {
      try {
        return { ...base(a), marked: await revoke(a.id, signal) };
      } catch (err) {
        const failure = revokeFailure(tag, err);
        errors.push({ kind: "revoke", accountId: a.id, reason: failure.reason });
        return { ...base(a), marked: failure.marked, reasons: [failure.reason] };
      }
    },
    { concurrency: Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_SWEEP_CONCURRENCY)), signal },
  );
  const results = outcomes.map((o, i): SkippedAccountResult => {
    if (o.state === "done") return o.value;
    const a = skipped[i] as SkippedAccount;
    const reason = `--revoke did not run for ${a.id}: ${o.state === "threw" ? errorText(o.error) : "the sweep was interrupted"}; its ready tag may still be there`;
    errors.push({ kind: "revoke", accountId: a.id, reason });
    return { ...base(a), reasons: [reason] };
  });
  return { results, errors };
}

export async function sweepOrganization<P = void>(deps: SweepDeps<P>, opts: SweepOptions = {}): Promise<SweepOutcome> {
  const clock = opts.clock ?? ((): Date => new Date());
  const require = opts.require ?? [CONTROL_IAM4];
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_SWEEP_CONCURRENCY));
  const lookahead = Math.max(1, opts.reportLookahead ?? 2 * concurrency);
  const controller = new AbortController();
  const signal = controller.signal;
  // Every waiting call (limiter, sleeps, slots) listens to this one signal; many at once is expected.
  setMaxListeners(0, signal);
  const aborted = whenAborted(signal).then(() => "aborted" as const);
  const forward = (): void => controller.abort();
  opts.signal?.addEventListener("abort", forward, { once: true });
  if (opts.signal?.aborted) controller.abort();
  const startedAt = clock();
  const tag = opts.tagKey ?? READY_TAG_KEY;
  const errors: SweepError[] = [];

  // The listing, as it arrives: pages wake whoever waits for the next account.
  const listed: OrgAccount[] = [];
  const skipped: SkippedAccount[] = [];
  let listingOpen = true;
  let pagesSeen = 0;
  let listingError: string | null = null;
  const waiters = new Set<() => void>();
  const wakeAll = (): void => {
    const woken = [...waiters];
    waiters.clear();
    for (const wake of woken) wake();
  };
  const change = (): Promise<void> => new Promise((resolve) => waiters.add(resolve));
  signal.addEventListener("abort", wakeAll, { once: true });
  const progress: SweepProgress = { total: 0, listingComplete: false, done: 0, pass: 0, fail: 0, inconclusive: 0, startedAtMs: Date.now() };
  const take = (page: AccountListing): void => {
    listed.push(...page.accounts);
    skipped.push(...page.skipped);
    progress.total = listed.length;
    wakeAll();
  };
  const listing = deps
    .listAccounts(signal, (page) => {
      pagesSeen++;
      take(page);
    })
    .then(
      (full) => {
        if (pagesSeen === 0) take(full); // a lister that hands over no pages gives everything at the end
        progress.listingComplete = true;
        opts.onListed?.({ accounts: listed, skipped });
      },
      (err: unknown) => {
        // Never an empty success: the reason is in summary.errors and the sweep is INCONCLUSIVE (exit 3).
        listingError = err instanceof SweepInterruptedError || signal.aborted ? INTERRUPTED_REASON : `could not list the organization's accounts: ${errorText(err)}`;
      },
    )
    .finally(() => {
      listingOpen = false;
      wakeAll();
    });
  const nextListed = async (i: number): Promise<OrgAccount | null> => {
    while (i >= listed.length && listingOpen && !signal.aborted) await change();
    return i < listed.length && !signal.aborted ? (listed[i] as OrgAccount) : null;
  };

  // Phase 1 runs ahead of phase 2 by at most `lookahead` accounts, never for an account whose check started,
  // with as many requests in flight as it may run ahead: it keeps ahead of the checks instead of pacing them.
  const requests = new Map<number, Promise<P | undefined>>();
  let checksStarted = 0;
  const requester = async (): Promise<void> => {
    const request = deps.requestCredentialReport;
    if (request === undefined) return;
    const slots = new Semaphore(lookahead);
    for (let i = 0; ; i++) {
      const account = await nextListed(i);
      if (account === null) return;
      while (i >= checksStarted + lookahead && !signal.aborted) await change();
      try {
        await slots.acquire(signal);
      } catch {
        return;
      }
      if (i < checksStarted) {
        slots.release();
        continue;
      }
      const pending: Promise<P | undefined> = request(account, signal).catch(() => undefined);
      requests.set(i, pending.finally(() => slots.release()));
    }
  };
  const requesterDone = requester();

  const recordSafely = async (account: OrgAccount, v: AccountVerdict): Promise<AccountVerdict> => {
    if (deps.recordEvidence === undefined) return v;
    try {
      return await deps.recordEvidence(account, v);
    } catch (err) {
      errors.push({ kind: "evidence", accountId: account.id, reason: `the evidence of ${account.id} could not be written: ${errorText(err)}` });
      return withEvidenceFailure(v, err);
    }
  };

  const limits = { workers: new Semaphore(concurrency), finishing: new Semaphore(concurrency), parkingBudgetBytes: opts.parkingBudgetBytes ?? DEFAULT_PARKING_BUDGET_BYTES, signal };
  const parking = { bytes: 0, accounts: 0, peakAccounts: 0 };

  // Set once the result is being assembled (after an interruption): checks still running are reported
  // "interrupted" and record nothing; an evidence write already under way is waited for instead.
  let closed = false;
  const recording = new Map<number, Promise<AccountVerdict>>();

  /** One account, start to evidence; never throws (what goes wrong is the verdict). */
  const runAccount = async (i: number, account: OrgAccount, prepared: Promise<P | undefined> | undefined): Promise<AccountVerdict> => {
    const watchdog = new Watchdog(opts.accountWatchdogMs, `the check of ${account.id} did not finish within ${opts.accountWatchdogMs ?? 0} ms`);
    const slot = new TaskSlot(limits, parking, watchdog);
    let session: P | undefined;
    try {
      let verdict: AccountVerdict;
      try {
        const ready = prepared === undefined ? undefined : await Promise.race([prepared, aborted]);
        session = ready === "aborted" ? undefined : ready;
        if (signal.aborted) throw new SweepInterruptedError();
        verdict = await Promise.race([deps.checkAccount(account, session, signal, slot), watchdog.expired]);
        if (opts.revoke === true && verdict.verdict !== "PASS" && deps.revokeReadyTag !== undefined && !signal.aborted) {
          try {
            verdict = { ...verdict, marked: await deps.revokeReadyTag(account.id, signal) };
          } catch (err) {
            verdict = withRevokeFailure(verdict, tag, err);
          }
        }
      } catch (err) {
        const reason = err instanceof SweepInterruptedError || signal.aborted ? INTERRUPTED_REASON : `the check of ${account.id} failed: ${errorText(err)}`;
        verdict = notCheckedVerdict(account.id, reason, require, clock());
      }
      if (closed) return verdict;
      const recorded = recordSafely(account, verdict);
      recording.set(i, recorded);
      return await recorded;
    } finally {
      recording.delete(i);
      slot.end();
      if (session !== undefined) deps.release?.(session);
    }
  };

  // One verdict per account, made once: progress and the result show the same object.
  const settled = new Map<number, AccountVerdict>();
  const settle = (i: number, v: AccountVerdict): void => {
    if (closed) return; // finished after an interruption was reported: the report already says "interrupted"
    settled.set(i, v);
    progress.done++;
    if (v.verdict === "PASS") progress.pass++;
    else if (v.verdict === "FAIL") progress.fail++;
    else progress.inconclusive++;
    opts.onAccountDone?.(v, progress);
  };

  try {
    const tasks: Promise<void>[] = [];
    for (let i = 0; ; i++) {
      const account = await nextListed(i);
      if (account === null) break;
      try {
        await limits.workers.acquire(signal);
      } catch {
        break;
      }
      checksStarted = i + 1;
      wakeAll();
      const prepared = requests.get(i);
      requests.delete(i);
      tasks.push(runAccount(i, account, prepared).then((v) => settle(i, v)));
    }
    // Ctrl-C: accounts in flight are reported at once ("interrupted"), not waited for.
    await Promise.race([Promise.all(tasks), aborted]);
    await Promise.race([listing, aborted]);
    if (!signal.aborted) await requesterDone;
    closed = true;
    if (signal.aborted && listingOpen) listingError = INTERRUPTED_REASON;
    if (listingError !== null) errors.push({ kind: "list-accounts", accountId: null, reason: listingError });
    // Sessions requested for accounts whose check never started are closed when their request ends.
    for (const pending of requests.values()) void pending.then((p) => p !== undefined && deps.release?.(p));
    requests.clear();

    // Accounts listed but not settled (interrupted in flight, or never started) get their verdict and evidence now.
    const unsettled = listed.map((a, i) => ({ a, i })).filter(({ i }) => !settled.has(i));
    const late = await runPool(unsettled, ({ a, i }) => recording.get(i) ?? recordSafely(a, notCheckedVerdict(a.id, INTERRUPTED_REASON, require, clock())), { concurrency });
    unsettled.forEach(({ a, i }, n) => {
      const o = late[n];
      settled.set(i, o?.state === "done" ? o.value : notCheckedVerdict(a.id, INTERRUPTED_REASON, require, clock()));
    });
    const verdicts = listed.map((_, i) => settled.get(i) as AccountVerdict);
    const skippedResults = await settleSkipped(deps, skipped, opts, tag, signal);
    const result = summarizeSweep(verdicts, skippedResults.results, [...errors, ...skippedResults.errors]);
    return {
      ...result,
      interrupted: signal.aborted,
      exitCode: exitCodeFor(result.summary.verdict),
      startedAt: startedAt.toISOString(),
      finishedAt: clock().toISOString(),
      listingError,
      stats: { peakParkedAccounts: parking.peakAccounts },
    };
  } finally {
    opts.signal?.removeEventListener("abort", forward);
  }
}
