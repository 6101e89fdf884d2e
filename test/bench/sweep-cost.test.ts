/**
 * The cost arithmetic of bench/service.bench.ts (bench/sweep-cost.ts), with hand-computed cases at the published
 * us-east-1 prices it states.
 */
import { billedTransitions, costOf, extrapolate, gbSecondsOf, perAccounts, s3PriceClass, type SweepUsage } from "../../bench/sweep-cost";

const usage = (over: Partial<SweepUsage>): SweepUsage => ({ accounts: 1000, transitions: 0, invocations: 0, gbSeconds: 0, s3Tier1Requests: 0, s3Tier2Requests: 0, ...over });

describe("what a sweep costs", () => {
  it.each([
    // [what, usage, expected USD per line]
    ["1,000 transitions: $0.025", usage({ transitions: 1000 }), { stepFunctions: 0.025, total: 0.025 }],
    ["1M invocations: $0.20", usage({ invocations: 1_000_000 }), { lambdaRequests: 0.2, total: 0.2 }],
    ["100,000 GB-s on Arm: $1.33334", usage({ gbSeconds: 100_000 }), { lambdaDuration: 1.33334, total: 1.33334 }],
    ["1,000 PUT/LIST: $0.005; 1,000 GET: $0.0004", usage({ s3Tier1Requests: 1000, s3Tier2Requests: 1000 }), { s3Tier1: 0.005, s3Tier2: 0.0004, total: 0.0054 }],
    ["every line adds up", usage({ transitions: 2000, invocations: 500_000, gbSeconds: 1000, s3Tier1Requests: 4000 }), { total: 0.05 + 0.1 + 0.0133334 + 0.02 }],
  ])("%s", (_what, u, expected) => {
    const cost = costOf(u);
    for (const [line, usd] of Object.entries(expected)) expect(cost[line as keyof typeof cost]).toBeCloseTo(usd, 9);
  });

  it("Lambda bills each invocation rounded up to the millisecond, times the memory (1,024 MB = 1 GB)", () => {
    expect(gbSecondsOf([1000.2, 0.1], 1024)).toBeCloseTo(1.002, 9);
    expect(gbSecondsOf([2000], 512)).toBeCloseTo(1, 9);
    expect(gbSecondsOf([], 1024)).toBe(0);
  });

  it("a Distributed Map bills the parent's states, one transition per child execution started, each child's states and every retry", () => {
    expect(billedTransitions({ parentStates: 5, childExecutions: 200, childStates: 200, retries: 3 })).toBe(408);
  });

  it.each([
    ["PutObject", "tier1"],
    ["ListObjectsV2", "tier1"],
    ["CopyObject", "tier1"],
    ["GetObject", "tier2"],
    ["HeadObject", "tier2"],
    ["DeleteObject", "free"],
  ])("S3 %s is priced as %s", (action, tier) => {
    expect(s3PriceClass(action)).toBe(tier);
  });

  it("10,000 accounts from two measured sweeps: the fixed part once, the per-account part ten times over", () => {
    // 5 fixed transitions + 2 per batch of 50; fixed 10 GB-s + 0.2 GB-s per account.
    const at = (n: number): SweepUsage => usage({ accounts: n, transitions: 5 + (2 * n) / 50, invocations: 2 + n / 50, gbSeconds: 10 + 0.2 * n, s3Tier1Requests: 3 + 2 * n, s3Tier2Requests: 1 + n / 50 });
    expect(extrapolate(at(1000), at(2000), 10_000)).toEqual({ accounts: 10_000, transitions: 405, invocations: 202, gbSeconds: 2010, s3Tier1Requests: 20_003, s3Tier2Requests: 201 });
    expect(() => extrapolate(at(1000), at(1000), 10_000)).toThrow(/two sweeps of different sizes/);
    expect(perAccounts(at(2000), 1000)).toMatchObject({ accounts: 1000, gbSeconds: 205, transitions: 42.5 });
  });
});
