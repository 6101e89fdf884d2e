/**
 * One AWS call under the gate's time rules: each attempt is aborted by its own timeout or by the
 * account deadline (whichever comes first), and throttling / 5xx / dropped connections are retried
 * with exponential backoff and full jitter only while the deadline leaves room for it.
 */
import { AwsCallError, CALL_TIMEOUT, DEADLINE_EXCEEDED, classifyAwsError } from "./errors";

export interface RetryPolicy {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5_000 };

/** The point in time by which everything for one account must be finished. */
export class Deadline {
  readonly at: number;
  readonly startedAt: number;
  constructor(budgetMs: number, private readonly clock: () => number = Date.now) {
    this.startedAt = clock();
    this.at = this.startedAt + budgetMs;
  }
  remainingMs(): number {
    return Math.max(0, this.at - this.clock());
  }
  expired(): boolean {
    return this.remainingMs() <= 0;
  }
}

export interface CallPolicy {
  deadline: Deadline;
  callTimeoutMs: number;
  retry: RetryPolicy;
  /** For tests and the benchmark: a deterministic source of jitter in [0, 1). */
  random?: () => number;
  /**
   * Shared by every call of a sweep (all workers): each attempt waits for a slot and reports
   * whether it was throttled, so one worker's throttle slows every worker calling that API.
   */
  limiter?: CallRateLimiter;
  /** Sweep cancellation (Ctrl-C): aborts the attempt in flight and any wait for the limiter. */
  signal?: AbortSignal;
  /**
   * The member account the calls are made in: the limiter gives its per-account APIs (IAM, DescribeHub)
   * buckets of their own, as AWS throttles them per account. Shared APIs ignore it.
   */
  limiterScope?: string;
}

/** What callAws needs from a rate limiter (gates/sweep/limiter.ts implements it). */
export interface CallRateLimiter {
  acquire(api: string, signal?: AbortSignal, scope?: string): Promise<void>;
  record(api: string, outcome: "ok" | "throttled" | "failed", scope?: string): void;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `attempt` with an AbortSignal bounded by min(call timeout, deadline). */
async function attemptOnce<T>(attempt: (signal: AbortSignal) => Promise<T>, limitMs: number, cancel?: AbortSignal): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limitMs);
  const onCancel = (): void => controller.abort();
  cancel?.addEventListener("abort", onCancel, { once: true });
  try {
    return await attempt(controller.signal);
  } finally {
    clearTimeout(timer);
    cancel?.removeEventListener("abort", onCancel);
  }
}

/** "sts:AssumeRole arn:aws:iam::1:role/R" -> call "sts:AssumeRole", resource the ARN; other suffixes are context. */
function callOf(api: string): { call: string; resource?: string } {
  const [call = api, second] = api.split(" ");
  return second !== undefined && second.startsWith("arn:") ? { call, resource: second } : { call };
}

/**
 * `api` names the operation for messages ("iam:GetAccountSummary"; "sts:AssumeRole <role ARN>").
 * Throws AwsCallError (never another type) so callers can turn it into a ReadFailure. Timeouts carry
 * the code CallTimeout (this call's own limit, --call-timeout) or DeadlineExceeded (the account's
 * deadline, --timeout), so the reason can name the flag that helps.
 */
export async function callAws<T>(api: string, policy: CallPolicy, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const random = policy.random ?? Math.random;
  const where = callOf(api);
  const fail = (kind: AwsCallError["kind"], code: string, message: string): AwsCallError => new AwsCallError(kind, code, `${api}: ${message}`, where);
  const deadlineSeconds = (): string => `${Math.round((policy.deadline.at - policy.deadline.startedAt) / 100) / 10} s`;
  for (let n = 1; ; n++) {
    const remaining = policy.deadline.remainingMs();
    if (remaining <= 0) throw fail("timeout", DEADLINE_EXCEEDED, `the account deadline (${deadlineSeconds()}) passed before the call could be made`);
    const limit = Math.min(policy.callTimeoutMs, remaining);
    const cutByDeadline = limit < policy.callTimeoutMs;
    if (policy.signal?.aborted === true) throw fail("timeout", "Interrupted", "the sweep was interrupted");
    if (policy.limiter !== undefined) {
      try {
        await policy.limiter.acquire(api, policy.signal, policy.limiterScope);
      } catch {
        throw fail("timeout", "Interrupted", "the sweep was interrupted");
      }
    }
    try {
      const value = await attemptOnce(attempt, limit, policy.signal);
      policy.limiter?.record(api, "ok", policy.limiterScope);
      return value;
    } catch (err) {
      const c = classifyAwsError(err);
      policy.limiter?.record(api, c.kind === "throttled" ? "throttled" : "failed", policy.limiterScope);
      if (c.kind === "timeout") {
        if (cutByDeadline) throw fail("timeout", DEADLINE_EXCEEDED, `the account deadline (${deadlineSeconds()}) passed while waiting for an answer (attempt ${n})`);
        if (n >= policy.retry.maxAttempts) throw fail("timeout", CALL_TIMEOUT, `no answer within the call timeout of ${policy.callTimeoutMs} ms (${n} attempts)`);
      } else if (!c.retryable || n >= policy.retry.maxAttempts) {
        const after = c.retryable ? ` after ${n} attempts` : "";
        throw fail(c.kind, c.code, `${c.message}${after}`);
      }
      // Full jitter: sleep a random time in [0, min(cap, base * 2^(n-1))).
      const ceiling = Math.min(policy.retry.maxDelayMs, policy.retry.baseDelayMs * 2 ** (n - 1));
      const delay = Math.floor(random() * ceiling);
      if (delay >= policy.deadline.remainingMs()) {
        // Out of time: say what kept failing, and that the deadline is what ended the retries.
        const code = c.kind === "timeout" ? DEADLINE_EXCEEDED : c.code;
        throw fail(c.kind, code, `${c.message}; the account deadline (${deadlineSeconds()}) left no time to retry (attempt ${n})`);
      }
      await sleep(delay);
    }
  }
}
