/**
 * One rate limiter shared by every sweep worker. AWS throttles per API and per account: each account's
 * calls to an API draw on that account's token bucket ("IAM and AWS STS independently implement a token
 * bucket algorithm for throttling ... For each IAM API, a number of token buckets might apply",
 * https://aws.amazon.com/blogs/security/how-to-monitor-and-query-iam-resources-at-scale-part-2/; API
 * calls "contribute to a maximum rate quota for your AWS account",
 * https://repost.aws/knowledge-center/iam-sts-throttling-error). So the limiter keeps one bucket per API
 * for the calls a sweep makes from ONE account (STS AssumeRole and Organizations with the gate's own
 * credentials, Security Hub GetFindings in the aggregating account: every worker shares them), and one
 * bucket per API per member account for the calls made in that account (IAM, DescribeHub: no other
 * account's calls spend them), dropped when the account is done (`releaseScope`).
 *
 * Each bucket's rate adapts AIMD-style: a throttle cuts that bucket's rate for everyone using it
 * (multiplicative decrease), successes win it back slowly (additive increase). A bucket whose quota
 * AWS documents starts at it; any other starts at `initialRatePerSecond` and doubles per second of
 * saturated use until its first throttle (slow start, as in TCP), so the limit is found in seconds; the
 * rate only grows while callers are actually queuing for it, so an idle API cannot drift to a rate it
 * has never been tested at. Waiters are served FIFO per bucket (virtual scheduling: each acquire
 * reserves the next free slot), so no worker starves.
 */
import { abortableSleep, interruptedError } from "./abort";

export interface AdaptiveLimiterSettings {
  /** Starting rate of every API's bucket (requests per second). */
  initialRatePerSecond: number;
  minRatePerSecond: number;
  maxRatePerSecond: number;
  /** Rate multiplier on a throttle (0 < f < 1). */
  decreaseFactor: number;
  /** How many requests/second the rate regains per second of successful calls at full use. */
  increasePerSecond: number;
  /** Requests a bucket may send back to back after being idle. */
  burst: number;
  /**
   * Throttles within this window after a decrease are one overload event (calls in flight when the
   * first throttle was answered): the rate is cut once, not once per call.
   */
  decreaseCooldownMs: number;
  /** Buckets that start at AWS's documented quota instead of slow start (keyed by API, e.g. "securityhub:GetFindings"). */
  knownQuotas: Readonly<Record<string, { ratePerSecond: number; burst: number }>>;
}

/**
 * Documented quotas of the APIs a sweep calls from one account (shared by all workers):
 * - Security Hub GetFindings, in the aggregating account: "RateLimit of 3 requests per second. BurstLimit
 *   of 6 requests per second" (https://docs.aws.amazon.com/securityhub/1.0/APIReference/Welcome.html);
 * - STS AssumeRole, with the gate's own credentials: 600 requests per second per account per Region,
 *   shared by the STS credential operations (IAM and AWS STS quotas,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html); no burst is documented,
 *   so the limiter lets a tenth of a second's worth through at once.
 * Organizations publishes throttling limits too (orgs_reference_limits.html#throttling-limits) but a sweep
 * pages ListAccounts one request at a time, so its bucket is found by slow start like any other.
 */
export const DOCUMENTED_SHARED_QUOTAS: Readonly<Record<string, { ratePerSecond: number; burst: number }>> = {
  "securityhub:GetFindings": { ratePerSecond: 3, burst: 6 },
  "sts:AssumeRole": { ratePerSecond: 600, burst: 60 },
};

/** The share of a documented rate the limiter paces at. */
export const KNOWN_QUOTA_HEADROOM = 0.9;

/**
 * Calls a sweep makes from one account whatever the account being checked: with the gate's own
 * credentials (STS, Organizations, IAM ListOrganizationsFeatures in the management account) or in the
 * aggregating account (GetFindings). Their quota is shared; every other API is spent per account.
 */
export function isSharedQuota(key: string): boolean {
  return key.startsWith("sts:") || key.startsWith("organizations:") || key === "securityhub:GetFindings" || key === "iam:ListOrganizationsFeatures";
}

/**
 * Defaults: documented shared quotas start at their value; anything else starts at 10/s with a burst of 5,
 * which one account's few calls per API never exceed (a sweep calls each IAM API in an account once or
 * once per user), and slow start finds the rate of a busier one.
 */
export const DEFAULT_LIMITER_SETTINGS: AdaptiveLimiterSettings = {
  initialRatePerSecond: 10,
  minRatePerSecond: 0.5,
  maxRatePerSecond: 200,
  decreaseFactor: 0.8,
  increasePerSecond: 2,
  burst: 5,
  decreaseCooldownMs: 200,
  knownQuotas: DOCUMENTED_SHARED_QUOTAS,
};

export type CallOutcome = "ok" | "throttled" | "failed";

/** What a call layer needs from a limiter: wait for a slot, then say how the call went. */
export interface CallLimiter {
  /** `scope`: the account the call is made in (its own buckets for APIs whose quota is per account). */
  acquire(api: string, signal?: AbortSignal, scope?: string): Promise<void>;
  record(api: string, outcome: CallOutcome, scope?: string): void;
}

interface Bucket {
  ratePerSecond: number;
  /** A documented quota is never probed beyond; anything else up to maxRatePerSecond. */
  ceilingPerSecond: number;
  burst: number;
  /** Epoch ms of the next free slot (virtual scheduling). */
  nextSlotMs: number;
  lastDecreaseMs: number;
  /** No throttle seen yet: grow multiplicatively. */
  slowStart: boolean;
  calls: number;
  throttles: number;
  minRateSeen: number;
}

/** Per API over all its buckets (per-account ones included, after they are released). */
interface ApiTotals {
  calls: number;
  throttles: number;
  minRateSeen: number;
  /** Rate of the shared bucket, or the last per-account bucket touched. */
  ratePerSecond: number;
}

export interface ApiLimiterStats {
  api: string;
  ratePerSecond: number;
  minRateSeen: number;
  calls: number;
  throttles: number;
}

/** "sts:AssumeRole arn:aws:iam::1:role/x" and "sts:AssumeRole" share one bucket. */
export function apiKey(api: string): string {
  const space = api.indexOf(" ");
  return space === -1 ? api : api.slice(0, space);
}

export class AdaptiveRateLimiter implements CallLimiter {
  readonly settings: AdaptiveLimiterSettings;
  private readonly buckets = new Map<string, Bucket>();
  private readonly totals = new Map<string, ApiTotals>();
  /** Per-account bucket keys by account, for releaseScope. */
  private readonly scoped = new Map<string, string[]>();
  private readonly now: () => number;

  constructor(settings: Partial<AdaptiveLimiterSettings> = {}, now: () => number = Date.now) {
    this.settings = { ...DEFAULT_LIMITER_SETTINGS, ...settings };
    this.now = now;
  }

  /** The bucket key: the API alone when its quota is shared (or no account is named), else API@account. */
  private keyOf(api: string, scope: string | undefined): { key: string; api: string } {
    const key = apiKey(api);
    return scope === undefined || isSharedQuota(key) ? { key, api: key } : { key: `${key}@${scope}`, api: key };
  }

  private bucket(api: string, scope?: string): { bucket: Bucket; api: string } {
    const { key, api: name } = this.keyOf(api, scope);
    let b = this.buckets.get(key);
    if (b === undefined) {
      const known = this.settings.knownQuotas[name];
      // Just under a documented quota: requests sent on schedule arrive with network jitter, and
      // arriving a little early at the quota's edge is a throttle and a retry.
      const rate = known !== undefined ? known.ratePerSecond * KNOWN_QUOTA_HEADROOM : this.settings.initialRatePerSecond;
      b = { ratePerSecond: rate, ceilingPerSecond: known !== undefined ? rate : this.settings.maxRatePerSecond, burst: known?.burst ?? this.settings.burst, nextSlotMs: 0, lastDecreaseMs: -Infinity, slowStart: known === undefined, calls: 0, throttles: 0, minRateSeen: rate };
      this.buckets.set(key, b);
      if (key !== name && scope !== undefined) {
        const keys = this.scoped.get(scope);
        if (keys === undefined) this.scoped.set(scope, [key]);
        else keys.push(key);
      }
    }
    return { bucket: b, api: name };
  }

  /** Milliseconds the caller must wait for its slot; reserves the slot. */
  reserve(api: string, scope?: string): number {
    const { bucket: b } = this.bucket(api, scope);
    const now = this.now();
    const interval = 1000 / b.ratePerSecond;
    // An idle bucket lets `burst` calls through at once, never more.
    const slot = Math.max(b.nextSlotMs, now - (b.burst - 1) * interval);
    b.nextSlotMs = slot + interval;
    // Below a millisecond is rounding in the slot arithmetic (and below what a timer can wait).
    const wait = slot - now;
    return wait < 1 ? 0 : wait;
  }

  async acquire(api: string, signal?: AbortSignal, scope?: string): Promise<void> {
    if (signal?.aborted) throw interruptedError();
    const wait = this.reserve(api, scope);
    if (wait > 0) await abortableSleep(wait, signal);
  }

  record(api: string, outcome: CallOutcome, scope?: string): void {
    const { bucket: b, api: name } = this.bucket(api, scope);
    const s = this.settings;
    b.calls++;
    if (outcome === "throttled") {
      b.throttles++;
      b.slowStart = false;
      const now = this.now();
      if (now - b.lastDecreaseMs >= s.decreaseCooldownMs) {
        b.lastDecreaseMs = now;
        b.ratePerSecond = Math.max(s.minRatePerSecond, b.ratePerSecond * s.decreaseFactor);
        b.minRateSeen = Math.min(b.minRateSeen, b.ratePerSecond);
        // Push already-reserved slots out too: everyone waiting slows down now, not after the queue drains.
        b.nextSlotMs = Math.max(b.nextSlotMs, now + 1000 / b.ratePerSecond);
      }
    } else if (outcome === "ok" && b.nextSlotMs >= this.now()) {
      // Saturated (callers are queuing): slow start adds 1 per success (doubling per second),
      // afterwards +increasePerSecond per second at full use (each success adds increase/rate).
      const step = b.slowStart ? 1 : s.increasePerSecond / b.ratePerSecond;
      b.ratePerSecond = Math.min(b.ceilingPerSecond, b.ratePerSecond + step);
    }
    const t = this.totals.get(name) ?? { calls: 0, throttles: 0, minRateSeen: b.ratePerSecond, ratePerSecond: b.ratePerSecond };
    t.calls++;
    if (outcome === "throttled") t.throttles++;
    t.minRateSeen = Math.min(t.minRateSeen, b.minRateSeen);
    t.ratePerSecond = b.ratePerSecond;
    this.totals.set(name, t);
  }

  /** Forgets an account's own buckets once the sweep is done with it (memory stays flat over thousands of accounts). */
  releaseScope(scope: string): void {
    for (const key of this.scoped.get(scope) ?? []) this.buckets.delete(key);
    this.scoped.delete(scope);
  }

  /** Buckets held now (shared ones plus those of accounts in progress). */
  bucketCount(): number {
    return this.buckets.size;
  }

  rateOf(api: string, scope?: string): number {
    return this.bucket(api, scope).bucket.ratePerSecond;
  }

  stats(): ApiLimiterStats[] {
    return [...this.totals.entries()]
      .map(([api, t]) => ({ api, ratePerSecond: t.ratePerSecond, minRateSeen: t.minRateSeen, calls: t.calls, throttles: t.throttles }))
      .sort((a, b) => a.api.localeCompare(b.api));
  }
}
