import { AdaptiveRateLimiter, KNOWN_QUOTA_HEADROOM, apiKey } from "../../gates/sweep/limiter";

function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe("AdaptiveRateLimiter", () => {
  it("spaces calls of one API at its rate after the burst, FIFO", () => {
    const clock = fakeClock();
    const limiter = new AdaptiveRateLimiter({ initialRatePerSecond: 10, burst: 2 }, clock.now);
    const waits = Array.from({ length: 5 }, () => limiter.reserve("iam:GetAccountSummary"));
    // Two go at once (burst), then one every 100 ms, each later caller strictly after the earlier.
    expect(waits).toEqual([0, 0, 100, 200, 300]);
  });

  it("keeps one bucket per API: a busy API does not delay another", () => {
    const clock = fakeClock();
    const limiter = new AdaptiveRateLimiter({ initialRatePerSecond: 1, burst: 1 }, clock.now);
    expect(limiter.reserve("iam:ListUsers")).toBe(0);
    expect(limiter.reserve("iam:ListUsers")).toBe(1000);
    expect(limiter.reserve("securityhub:GetFindings")).toBe(0);
  });

  it("cuts the rate once per overload event when any worker sees a throttle, and slows every waiter", () => {
    const clock = fakeClock();
    const limiter = new AdaptiveRateLimiter({ initialRatePerSecond: 10, decreaseFactor: 0.5, decreaseCooldownMs: 1000, burst: 1 }, clock.now);
    limiter.record("iam:GetAccountSummary", "throttled");
    limiter.record("iam:GetAccountSummary", "throttled"); // same event: in flight together
    expect(limiter.rateOf("iam:GetAccountSummary")).toBe(5);
    // The next caller (any worker) now waits the new interval.
    expect(limiter.reserve("iam:GetAccountSummary")).toBeGreaterThanOrEqual(200);
    clock.advance(1500);
    limiter.record("iam:GetAccountSummary", "throttled");
    expect(limiter.rateOf("iam:GetAccountSummary")).toBe(2.5);
    expect(limiter.stats()).toEqual([{ api: "iam:GetAccountSummary", ratePerSecond: 2.5, minRateSeen: 2.5, calls: 3, throttles: 3 }]);
  });

  it("grows only while callers queue: slow start until the first throttle, then additively, within min and max", () => {
    const clock = fakeClock();
    const api = "organizations:ListAccounts"; // no documented quota: found by slow start
    const limiter = new AdaptiveRateLimiter({ initialRatePerSecond: 4, increasePerSecond: 1, maxRatePerSecond: 50, minRatePerSecond: 1, decreaseFactor: 0.5, burst: 1 }, clock.now);
    limiter.record(api, "ok"); // nobody waiting: an idle API does not drift upwards
    expect(limiter.rateOf(api)).toBe(4);
    for (let i = 0; i < 4; i++) limiter.reserve(api); // a queue forms
    for (let i = 0; i < 4; i++) limiter.record(api, "ok");
    expect(limiter.rateOf(api)).toBe(8); // slow start: doubled after one second's worth of calls
    limiter.record(api, "throttled");
    expect(limiter.rateOf(api)).toBe(4);
    for (let i = 0; i < 4; i++) limiter.record(api, "ok");
    expect(limiter.rateOf(api)).toBeCloseTo(5, 0); // additive: +1 per second's worth of calls
    for (let i = 0; i < 10_000; i++) limiter.record(api, "ok");
    expect(limiter.rateOf(api)).toBe(50);
    clock.advance(5_000);
    for (let i = 0; i < 20; i++) {
      clock.advance(300);
      limiter.record(api, "throttled");
    }
    expect(limiter.rateOf(api)).toBe(1);
    limiter.record(api, "failed"); // other errors say nothing about the rate
    expect(limiter.rateOf(api)).toBe(1);
  });

  it("starts documented quotas just under their value: GetFindings 3/s with a burst of 6, AssumeRole 600/s", () => {
    const clock = fakeClock();
    const limiter = new AdaptiveRateLimiter({ initialRatePerSecond: 100, burst: 100 }, clock.now);
    const waits = Array.from({ length: 8 }, () => limiter.reserve("securityhub:GetFindings"));
    expect(waits.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(waits[6]).toBeCloseTo(1000 / (3 * KNOWN_QUOTA_HEADROOM), 0);
    expect(waits[7]).toBeCloseTo(2000 / (3 * KNOWN_QUOTA_HEADROOM), 0);
    expect(limiter.rateOf("sts:AssumeRole")).toBeCloseTo(600 * KNOWN_QUOTA_HEADROOM, 6);
    // Saturated successes never probe past a documented quota; a throttle still cuts below it.
    for (let i = 0; i < 100; i++) limiter.record("securityhub:GetFindings", "ok");
    expect(limiter.rateOf("securityhub:GetFindings")).toBeCloseTo(3 * KNOWN_QUOTA_HEADROOM, 6);
    limiter.record("securityhub:GetFindings", "throttled");
    expect(limiter.rateOf("securityhub:GetFindings")).toBeLessThan(3 * KNOWN_QUOTA_HEADROOM);
  });

  it("gives each account its own buckets for per-account APIs, shares the others, and forgets an account's buckets when released", () => {
    const clock = fakeClock();
    const limiter = new AdaptiveRateLimiter({ initialRatePerSecond: 1, burst: 1 }, clock.now);
    // IAM is throttled per account: one account's calls do not delay another's.
    expect(limiter.reserve("iam:ListUsers", "111111111111")).toBe(0);
    expect(limiter.reserve("iam:ListUsers", "111111111111")).toBe(1000);
    expect(limiter.reserve("iam:ListUsers", "222222222222")).toBe(0);
    // Calls made from the gate's account or the aggregating account share one bucket whatever account is checked.
    expect(limiter.reserve("organizations:ListAccounts", "111111111111")).toBe(0);
    expect(limiter.reserve("organizations:ListAccounts", "222222222222")).toBe(1000);
    limiter.record("iam:ListUsers", "throttled", "111111111111");
    expect(limiter.rateOf("iam:ListUsers", "111111111111")).toBeLessThan(1);
    expect(limiter.rateOf("iam:ListUsers", "222222222222")).toBe(1);
    const held = limiter.bucketCount();
    limiter.releaseScope("111111111111");
    expect(limiter.bucketCount()).toBe(held - 1);
    // The totals outlive the released buckets.
    expect(limiter.stats().find((s) => s.api === "iam:ListUsers")).toMatchObject({ calls: 1, throttles: 1 });
  });

  it("shares one bucket for an API whatever the resource named after it", () => {
    expect(apiKey("sts:AssumeRole arn:aws:iam::123456789012:role/GuardrailsGateReadOnly")).toBe("sts:AssumeRole");
  });

  it("acquire waits for the slot and rejects at once when the sweep is interrupted", async () => {
    const limiter = new AdaptiveRateLimiter({ initialRatePerSecond: 20, burst: 1 });
    const started = Date.now();
    await limiter.acquire("iam:ListUsers");
    await limiter.acquire("iam:ListUsers");
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    const controller = new AbortController();
    const slow = new AdaptiveRateLimiter({ initialRatePerSecond: 0.5, minRatePerSecond: 0.1, burst: 1 });
    await slow.acquire("x");
    const waiting = slow.acquire("x", controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow("sweep interrupted");
  });
});
