/**
 * What a sweep costs, from what a local run measured (bench/service.bench.ts): pure arithmetic, unit-tested in
 * test/bench/sweep-cost.test.ts. Prices are the published on-demand prices in US East (N. Virginia), read on
 * 2026-12-01; free tiers are left out (a sweep is priced as if it paid for everything it uses).
 */

export interface Prices {
  /** Lambda duration, Arm (first pricing tier), USD per GB-second. */
  lambdaArmPerGbSecond: number;
  /** Lambda requests, USD per million invocations. */
  lambdaPerMillionRequests: number;
  /** Step Functions Standard, USD per 1,000 state transitions. */
  stepFunctionsPerThousandTransitions: number;
  /** S3 Standard PUT, COPY, POST, LIST requests, USD per 1,000. */
  s3Tier1PerThousand: number;
  /** S3 Standard GET, SELECT and all other requests (HEAD included), USD per 1,000. */
  s3Tier2PerThousand: number;
}

/**
 * - Lambda: https://aws.amazon.com/lambda/pricing/ (Arm: $0.0000133334 per GB-second for the first 7.5 billion
 *   GB-seconds a month; $0.20 per 1M requests). Duration is billed from the handler's start to its return,
 *   rounded up to the nearest 1 ms, times the configured memory.
 * - Step Functions: https://aws.amazon.com/step-functions/pricing/ ($0.025 per 1,000 state transitions in
 *   US East (N. Virginia); "a state transition each time a step of your workflow is executed ... including retries").
 * - S3: https://aws.amazon.com/s3/pricing/ (S3 Standard: PUT, COPY, POST, LIST $0.005 per 1,000 requests; GET,
 *   SELECT and all other requests $0.0004 per 1,000).
 */
export const US_EAST_1_PRICES: Prices = {
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  stepFunctionsPerThousandTransitions: 0.025,
  s3Tier1PerThousand: 0.005,
  s3Tier2PerThousand: 0.0004,
};

/** What one sweep used. */
export interface SweepUsage {
  /** ACTIVE accounts swept. */
  accounts: number;
  /** State transitions Step Functions bills (parent and child executions). */
  transitions: number;
  /** Lambda invocations. */
  invocations: number;
  /** Lambda GB-seconds (billed duration × configured memory). */
  gbSeconds: number;
  /** S3 PUT, COPY, POST, LIST requests. */
  s3Tier1Requests: number;
  /** S3 GET, HEAD and other requests. */
  s3Tier2Requests: number;
}

export interface SweepCost {
  lambdaDuration: number;
  lambdaRequests: number;
  stepFunctions: number;
  s3Tier1: number;
  s3Tier2: number;
  total: number;
}

export function costOf(usage: SweepUsage, prices: Prices = US_EAST_1_PRICES): SweepCost {
  const lambdaDuration = usage.gbSeconds * prices.lambdaArmPerGbSecond;
  const lambdaRequests = (usage.invocations / 1_000_000) * prices.lambdaPerMillionRequests;
  const stepFunctions = (usage.transitions / 1000) * prices.stepFunctionsPerThousandTransitions;
  const s3Tier1 = (usage.s3Tier1Requests / 1000) * prices.s3Tier1PerThousand;
  const s3Tier2 = (usage.s3Tier2Requests / 1000) * prices.s3Tier2PerThousand;
  return { lambdaDuration, lambdaRequests, stepFunctions, s3Tier1, s3Tier2, total: lambdaDuration + lambdaRequests + stepFunctions + s3Tier1 + s3Tier2 };
}

/** Lambda GB-seconds of invocations that ran `durationsMs` each: every duration rounded up to 1 ms, times the memory (1 GB = 1,024 MB). */
export function gbSecondsOf(durationsMs: readonly number[], memoryMb: number): number {
  const billedMs = durationsMs.reduce((sum, ms) => sum + Math.ceil(ms), 0);
  return (billedMs / 1000) * (memoryMb / 1024);
}

/** S3's request price classes: writes and listings (tier 1), reads and everything else (tier 2); DELETE is free. */
export function s3PriceClass(action: string): "tier1" | "tier2" | "free" {
  if (/^(Put|Copy|Post|List|CreateMultipartUpload|UploadPart|CompleteMultipartUpload)/.test(action)) return "tier1";
  if (/^Delete/.test(action)) return "free";
  return "tier2";
}

/**
 * Transitions Step Functions bills for one execution whose Distributed Map ran STANDARD child executions: every
 * state the parent entered, one transition per child execution the Map starts, and every state each child entered;
 * retries count as transitions too (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-transitions.html,
 * "Transitions in Distributed Map state"; the pricing page for retries).
 */
export function billedTransitions(counts: { parentStates: number; childStates: number; childExecutions: number; retries: number }): number {
  return counts.parentStates + counts.childExecutions + counts.childStates + counts.retries;
}

const USAGE_FIELDS = ["accounts", "transitions", "invocations", "gbSeconds", "s3Tier1Requests", "s3Tier2Requests"] as const;

/**
 * The usage of a sweep of `accounts`, on the straight line through two measured sweeps: what every sweep pays once
 * (listing, index) is the intercept, what each account adds is the slope. Counts are rounded up.
 */
export function extrapolate(a: SweepUsage, b: SweepUsage, accounts: number): SweepUsage {
  if (a.accounts === b.accounts) throw new Error(`extrapolate: two sweeps of different sizes are needed, got ${a.accounts} twice`);
  const at = (field: (typeof USAGE_FIELDS)[number]): number => a[field] + ((b[field] - a[field]) * (accounts - a.accounts)) / (b.accounts - a.accounts);
  return {
    accounts,
    transitions: Math.ceil(at("transitions")),
    invocations: Math.ceil(at("invocations")),
    gbSeconds: at("gbSeconds"),
    s3Tier1Requests: Math.ceil(at("s3Tier1Requests")),
    s3Tier2Requests: Math.ceil(at("s3Tier2Requests")),
  };
}

/** Usage scaled to `accounts` in proportion (the per-1,000 row of a measured sweep). */
export function perAccounts(u: SweepUsage, accounts: number): SweepUsage {
  const f = accounts / u.accounts;
  return {
    accounts,
    transitions: u.transitions * f,
    invocations: u.invocations * f,
    gbSeconds: u.gbSeconds * f,
    s3Tier1Requests: u.s3Tier1Requests * f,
    s3Tier2Requests: u.s3Tier2Requests * f,
  };
}
