/**
 * One rate limiter shared by every sweep worker. AWS throttles per API (IAM, STS, Organizations,
 * Security Hub GetFindings each have their own request rate), so the limiter keeps one token bucket
 * per API whose rate adapts AIMD-style: a throttle anywhere cuts that API's rate for everyone
 * (multiplicative decrease), successes win it back slowly (additive increase). Until an API's first
 * throttle its rate doubles per second of saturated use (slow start, as in TCP), so the limit is
 * found in seconds; the rate only grows while callers are actually queuing for it, so an idle API
 * cannot drift to a rate it has never been tested at. Waiters are served
 * FIFO per API (virtual scheduling: each acquire reserves the next free slot), so no worker starves.
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
}

/**
 * Defaults sized for AWS's documented steady-state rates: Organizations ~20 req/s per organization,
 * STS AssumeRole and IAM reads in the tens per second, Security Hub GetFindings 3 req/s (burst 6) in
 * the aggregating account. Starting at 10/s per API stays below all but GetFindings, which the AIMD
 * decrease finds after its first throttles.
 */
export const DEFAULT_LIMITER_SETTINGS: AdaptiveLimiterSettings = {
  initialRatePerSecond: 10,
  minRatePerSecond: 0.5,
  maxRatePerSecond: 200,
  decreaseFactor: 0.8,
  increasePerSecond: 2,
  burst: 5,
  decreaseCooldownMs: 200,
};

export type CallOutcome = "ok" | "throttled" | "failed";

/** What a call layer needs from a limiter: wait for a slot, then say how the call went. */
export interface CallLimiter {
  acquire(api: string, signal?: AbortSignal): Promise<void>;
  record(api: string, outcome: CallOutcome): void;
}

interface Bucket {
  ratePerSecond: number;
  /** Epoch ms of the next free slot (virtual scheduling). */
  nextSlotMs: number;
  lastDecreaseMs: number;
  /** No throttle seen yet: grow multiplicatively. */
  slowStart: boolean;
  calls: number;
  throttles: number;
  minRateSeen: number;
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
  private readonly now: () => number;

  constructor(settings: Partial<AdaptiveLimiterSettings> = {}, now: () => number = Date.now) {
    this.settings = { ...DEFAULT_LIMITER_SETTINGS, ...settings };
    this.now = now;
  }

  private bucket(api: string): Bucket {
    const key = apiKey(api);
    let b = this.buckets.get(key);
    if (b === undefined) {
      const rate = this.settings.initialRatePerSecond;
      b = { ratePerSecond: rate, nextSlotMs: 0, lastDecreaseMs: -Infinity, slowStart: true, calls: 0, throttles: 0, minRateSeen: rate };
      this.buckets.set(key, b);
    }
    return b;
  }

  /** Milliseconds the caller must wait for its slot; reserves the slot. */
  reserve(api: string): number {
    const b = this.bucket(api);
    const now = this.now();
    const interval = 1000 / b.ratePerSecond;
    // An idle bucket lets `burst` calls through at once, never more.
    const slot = Math.max(b.nextSlotMs, now - (this.settings.burst - 1) * interval);
    b.nextSlotMs = slot + interval;
    return Math.max(0, slot - now);
  }

  async acquire(api: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw interruptedError();
    const wait = this.reserve(api);
    if (wait > 0) await abortableSleep(wait, signal);
  }

  record(api: string, outcome: CallOutcome): void {
    const b = this.bucket(api);
    const s = this.settings;
    b.calls++;
    if (outcome === "throttled") {
      b.throttles++;
      b.slowStart = false;
      const now = this.now();
      if (now - b.lastDecreaseMs < s.decreaseCooldownMs) return;
      b.lastDecreaseMs = now;
      b.ratePerSecond = Math.max(s.minRatePerSecond, b.ratePerSecond * s.decreaseFactor);
      b.minRateSeen = Math.min(b.minRateSeen, b.ratePerSecond);
      // Push already-reserved slots out too: everyone waiting slows down now, not after the queue drains.
      b.nextSlotMs = Math.max(b.nextSlotMs, now + 1000 / b.ratePerSecond);
    } else if (outcome === "ok" && b.nextSlotMs >= this.now()) {
      // Saturated (callers are queuing): slow start adds 1 per success (doubling per second),
      // afterwards +increasePerSecond per second at full use (each success adds increase/rate).
      const step = b.slowStart ? 1 : s.increasePerSecond / b.ratePerSecond;
      b.ratePerSecond = Math.min(s.maxRatePerSecond, b.ratePerSecond + step);
    }
  }

  rateOf(api: string): number {
    return this.bucket(api).ratePerSecond;
  }

  stats(): ApiLimiterStats[] {
    return [...this.buckets.entries()]
      .map(([api, b]) => ({ api, ratePerSecond: b.ratePerSecond, minRateSeen: b.minRateSeen, calls: b.calls, throttles: b.throttles }))
      .sort((a, b) => a.api.localeCompare(b.api));
  }
}
