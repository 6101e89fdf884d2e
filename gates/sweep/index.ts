/**
 * `guardrails sweep` engine: list the accounts in scope, request credential reports ahead of the
 * checks, check every account in a bounded pool, turn anything that is not a completed check into
 * INCONCLUSIVE with the reason (fail closed: an account not checked is never PASS), optionally remove
 * the ready tag from every account that is not PASS, and summarize (exit code = worst account's).
 *
 * The AWS work is injected (SweepDeps) so the engine is tested without AWS and wired to the gate's
 * real per-account check by `realSweepDeps`.
 */
import { setMaxListeners } from "node:events";
import { CONTROL_IAM3, CONTROL_IAM4, READY_TAG_KEY, type ControlId } from "../../modules/constants";
import { READY_TAG_UNKNOWN_VALUE, type AccountVerdict, type ControlResult, type ExitCodeValue, type Marked, type SkippedAccountResult, type SweepError, type SweepResult } from "../types";
import { summarizeSweep } from "../summary";
import { exitCodeFor } from "../verdict";
import { INTERRUPTED_REASON, SweepInterruptedError, whenAborted } from "./abort";
import type { AccountListing, OrgAccount, SkippedAccount } from "./organization";
import { runPool, type TaskOutcome } from "./scheduler";

export { AdaptiveRateLimiter, DEFAULT_LIMITER_SETTINGS, type CallLimiter, type CallOutcome } from "./limiter";
export { listOrganizationAccounts, type AccountListing, type OrgAccount, type SkippedAccount } from "./organization";
export { INTERRUPTED_REASON } from "./abort";

/**
 * Default worker count. Per account a check makes ~8 calls spread over STS, IAM (in the member
 * account) and Security Hub GetFindings (in the aggregating account, 3 req/s, burst 6: the
 * organization-wide bottleneck, 2 calls per account). 8 workers with ~1 s per check keep that
 * bottleneck saturated, and more workers would only queue on the shared limiter while holding
 * sessions open; Organizations (~20 req/s) is only used to list accounts and, with --revoke, to untag.
 */
export const DEFAULT_SWEEP_CONCURRENCY = 8;

/** The AWS work of a sweep. `P` is what the report-request phase hands to the check (e.g. a session). */
export interface SweepDeps<P = void> {
  listAccounts(signal: AbortSignal): Promise<AccountListing>;
  /** Phase 1, ahead of the checks: ask the account to generate its credential report. Failures are ignored (the check regenerates). */
  requestCredentialReport?(account: OrgAccount, signal: AbortSignal): Promise<P>;
  /** Phase 2: the per-account check; `prepared` is phase 1's result, undefined if it failed or did not run. */
  checkAccount(account: OrgAccount, prepared: P | undefined, signal: AbortSignal): Promise<AccountVerdict>;
  /** Called once the account is done with what phase 1 returned (close its clients). */
  release?(prepared: P): void;
  /**
   * --revoke: make sure the account does not carry the ready tag (checked accounts that are not PASS,
   * and skipped ones). Throws on failure; a RevokeError carries what is known of the tag.
   */
  revokeReadyTag?(accountId: string, signal: AbortSignal): Promise<Marked>;
  /**
   * Writes the account's evidence bundle once its verdict is final (after --revoke, so the bundle
   * records the tag removal) and returns the verdict with `evidence` set.
   */
  recordEvidence?(account: OrgAccount, verdict: AccountVerdict): Promise<AccountVerdict>;
}

export interface SweepProgress {
  total: number;
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
  /** Hard stop per account beyond the check's own deadline (fail closed if a check never settles). */
  accountWatchdogMs?: number;
  revoke?: boolean;
  /** The ready tag --revoke removes (default guardrails:production-ready), named in reasons. */
  tagKey?: string;
  signal?: AbortSignal;
  clock?: () => Date;
  /** Accounts listed (before any check). */
  onListed?(listing: AccountListing): void;
  onAccountDone?(verdict: AccountVerdict, progress: SweepProgress): void;
}

export interface SweepOutcome extends SweepResult {
  interrupted: boolean;
  exitCode: ExitCodeValue;
  startedAt: string;
  finishedAt: string;
  /** Set when the accounts could not be listed: the sweep proves nothing (INCONCLUSIVE). */
  listingError: string | null;
}

/** The verdict of an account whose check did not complete: INCONCLUSIVE for every control, with the reason. */
export function notCheckedVerdict(accountId: string, reason: string, require: readonly ControlId[], now: Date): AccountVerdict {
  const controls = ([CONTROL_IAM4, CONTROL_IAM3] as const).map((id): ControlResult => ({
    id,
    verdict: "INCONCLUSIVE",
    required: require.includes(id),
    reasons: [reason],
    sources: [],
  }));
  return { schemaVersion: 1, accountId, checkedAt: now.toISOString(), verdict: "INCONCLUSIVE", productionReady: false, controls, marked: null, evidence: null };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function withWatchdog<T>(work: Promise<T>, ms: number | undefined, accountId: string): Promise<T> {
  if (ms === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the check of ${accountId} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, watchdog]).finally(() => clearTimeout(timer));
}

/** A failed --revoke that knows what the account carries now (value "unknown" when it cannot tell). */
export class RevokeError extends Error {
  constructor(
    readonly marked: Marked,
    message: string,
  ) {
    super(message);
    this.name = "RevokeError";
  }
}

function revokeFailure(tag: string, err: unknown): { marked: Marked; reason: string } {
  const marked = err instanceof RevokeError ? err.marked : { tag, value: READY_TAG_UNKNOWN_VALUE, changed: false };
  return { marked, reason: `--revoke could not remove the ${tag} tag: ${errorText(err)}; remove it by hand or rerun` };
}

/** Marks the account with a failed --revoke: the verdict stays, the reason says the tag may still be there. */
function withRevokeFailure(v: AccountVerdict, tag: string, err: unknown): AccountVerdict {
  const { marked, reason } = revokeFailure(tag, err);
  return { ...v, marked, controls: v.controls.map((c) => (c.required ? { ...c, reasons: [...c.reasons, reason] } : c)) };
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
  // Every waiting call (limiter, sleeps) listens to this one signal; many at once is expected.
  setMaxListeners(0, signal);
  const aborted = whenAborted(signal).then(() => undefined);
  const forward = (): void => controller.abort();
  opts.signal?.addEventListener("abort", forward, { once: true });
  if (opts.signal?.aborted) controller.abort();
  const startedAt = clock();
  const tag = opts.tagKey ?? READY_TAG_KEY;
  const finish = (accounts: AccountVerdict[], skipped: SkippedAccountResult[], errors: SweepError[], listingError: string | null): SweepOutcome => {
    const result = summarizeSweep(accounts, skipped, errors);
    return { ...result, interrupted: signal.aborted, exitCode: exitCodeFor(result.summary.verdict), startedAt: startedAt.toISOString(), finishedAt: clock().toISOString(), listingError };
  };

  try {
    let listing: AccountListing;
    try {
      listing = await deps.listAccounts(signal);
    } catch (err) {
      // Never an empty success: the reason is in summary.errors and the sweep is INCONCLUSIVE (exit 3).
      const reason = err instanceof SweepInterruptedError ? INTERRUPTED_REASON : `could not list the organization's accounts: ${errorText(err)}`;
      return finish([], [], [{ kind: "list-accounts", accountId: null, reason }], reason);
    }
    opts.onListed?.(listing);
    const accounts = listing.accounts;
    const progress: SweepProgress = { total: accounts.length, done: 0, pass: 0, fail: 0, inconclusive: 0, startedAtMs: Date.now() };

    // Phase 1 runs ahead of phase 2 by at most `lookahead` accounts.
    const requests = new Map<number, Promise<P | undefined>>();
    let checksStarted = 0;
    const waitingRequesters = new Set<() => void>();
    signal.addEventListener("abort", () => waitingRequesters.forEach((wake) => wake()), { once: true });
    const requestFor = (index: number): Promise<P | undefined> => requests.get(index) ?? Promise.resolve(undefined);
    const requester = async (): Promise<void> => {
      const request = deps.requestCredentialReport;
      if (request === undefined) return;
      await runPool(
        accounts,
        async (account, index) => {
          while (index >= checksStarted + lookahead && !signal.aborted) {
            await new Promise<void>((resolve) => waitingRequesters.add(resolve));
          }
          const pending = request(account, signal).catch(() => undefined);
          requests.set(index, pending);
          await pending;
        },
        { concurrency, signal },
      );
    };
    const requesterDone = requester();

    const check = async (account: OrgAccount, index: number): Promise<AccountVerdict> => {
      checksStarted = index + 1;
      for (const wake of waitingRequesters) wake();
      waitingRequesters.clear();
      const prepared = deps.requestCredentialReport === undefined ? undefined : await Promise.race([requestFor(index), aborted]);
      try {
        let verdict = await withWatchdog(deps.checkAccount(account, prepared, signal), opts.accountWatchdogMs, account.id);
        if (opts.revoke === true && verdict.verdict !== "PASS" && deps.revokeReadyTag !== undefined && !signal.aborted) {
          try {
            verdict = { ...verdict, marked: await deps.revokeReadyTag(account.id, signal) };
          } catch (err) {
            verdict = withRevokeFailure(verdict, tag, err);
          }
        }
        return deps.recordEvidence === undefined ? verdict : await deps.recordEvidence(account, verdict);
      } finally {
        if (prepared !== undefined) deps.release?.(prepared);
      }
    };

    const record = (v: AccountVerdict): void => {
      progress.done++;
      if (v.verdict === "PASS") progress.pass++;
      else if (v.verdict === "FAIL") progress.fail++;
      else progress.inconclusive++;
      opts.onAccountDone?.(v, progress);
    };
    const toVerdict = (o: TaskOutcome<AccountVerdict>, account: OrgAccount): AccountVerdict => {
      switch (o.state) {
        case "done":
          return o.value;
        case "threw":
          return notCheckedVerdict(account.id, o.error instanceof SweepInterruptedError ? INTERRUPTED_REASON : `the check of ${account.id} failed: ${errorText(o.error)}`, require, clock());
        case "interrupted":
        case "not-started":
          return notCheckedVerdict(account.id, INTERRUPTED_REASON, require, clock());
      }
    };
    // One verdict per account, made once: progress and the result show the same object.
    const settled = new Map<number, AccountVerdict>();
    const outcomes = await runPool(accounts, check, { concurrency, signal }, (o, account, index) => {
      const v = toVerdict(o, account);
      settled.set(index, v);
      record(v);
    });
    if (!signal.aborted) await requesterDone;
    // Reports requested for accounts the interruption kept from being checked: close their sessions.
    for (const [index, pending] of requests) {
      if (outcomes[index]?.state === "not-started") void pending.then((p) => p !== undefined && deps.release?.(p));
    }
    // Interrupted and never-started accounts were not settled: they are added here.
    const verdicts = outcomes.map((o, i) => settled.get(i) ?? toVerdict(o, accounts[i] as OrgAccount));
    const skipped = await settleSkipped(deps, listing.skipped, opts, tag, signal);
    return finish(verdicts, skipped.results, skipped.errors, null);
  } finally {
    opts.signal?.removeEventListener("abort", forward);
  }
}
