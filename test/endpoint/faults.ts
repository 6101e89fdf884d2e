/**
 * Per-call fault injection. Rules are plain objects in `LocalAws.faults` (mutable between calls).
 * Matching is deterministic: `after` lets the first N matching calls through, `times` then limits how
 * many calls the rule affects. Each service formats the injected error the way it really does.
 */

export type ServiceName = "sts" | "iam" | "organizations" | "config" | "securityhub" | "s3" | "cloudtrail";

export type FaultKind =
  | "throttle" // the service's own throttling error (retried by the SDK)
  | "http5xx" // 500 InternalFailure / ServiceFailure / InternalException as the protocol formats it
  | "accessDenied" // AccessDenied / AccessDeniedException
  | "malformedBody" // 200 with a body that is not the protocol's format
  | "truncatedBody" // 200 with the first half of the real body
  | "hang" // accept the request, never answer (until close())
  | "error"; // the service error given in `error`, e.g. IAM LimitExceeded 409

export interface FaultRule {
  /** Match criteria; omitted = any. */
  service?: ServiceName;
  action?: string;
  accountId?: string;
  region?: string;
  /**
   * Only requests whose raw body contains this text, e.g. an account id in an Organizations request
   * (`"ResourceId":"333333333333"`): the caller is the management account for all of them.
   */
  bodyIncludes?: string;
  /** The effect; may be combined with latencyMs. */
  fault?: FaultKind;
  /** With fault "error": the wire code and HTTP status to answer with. */
  error?: { code: string; status: number; message?: string };
  /** Delay before answering (applies with or without `fault`). */
  latencyMs?: number;
  /** Token bucket per (service, action): beyond N requests/second the call is throttled. */
  ratePerSecond?: number;
  /** Bucket size for ratePerSecond (default = ratePerSecond). */
  burst?: number;
  /**
   * One bucket per calling account too (service, action, caller), as AWS throttles an account's calls
   * against that account's own quota (IAM in each member account); default one bucket for all callers.
   */
  perAccount?: boolean;
  /** Let this many matching calls through untouched first. */
  after?: number;
  /** Affect at most this many calls (after `after`); omitted = every call. */
  times?: number;
  /** Output: matching calls seen / calls this rule affected. */
  seen?: number;
  applied?: number;
}

export interface CallKey {
  service: ServiceName;
  action: string;
  accountId: string;
  region: string;
  /** The raw request body (for bodyIncludes). */
  body?: string;
}

export interface FaultDecision {
  latencyMs: number;
  fault: FaultKind | undefined;
  /** Which rule (index) decided the fault, for the request record. */
  rule: number | undefined;
}

function matches(rule: FaultRule, call: CallKey): boolean {
  return (
    (rule.service === undefined || rule.service === call.service) &&
    (rule.action === undefined || rule.action === call.action) &&
    (rule.accountId === undefined || rule.accountId === call.accountId) &&
    (rule.region === undefined || rule.region === call.region) &&
    (rule.bodyIncludes === undefined || (call.body ?? "").includes(rule.bodyIncludes))
  );
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Keeps token buckets outside the rule objects so rules stay plain data. */
export class FaultEngine {
  private readonly buckets = new WeakMap<FaultRule, Map<string, Bucket>>();

  decide(rules: readonly FaultRule[], call: CallKey, nowMs: number = Date.now()): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, fault: undefined, rule: undefined };
    rules.forEach((rule, index) => {
      if (!matches(rule, call)) return;
      const seen = (rule.seen ?? 0) + 1;
      rule.seen = seen;
      if (rule.ratePerSecond !== undefined) {
        if (!this.take(rule, call, nowMs) && decision.fault === undefined) {
          decision.fault = "throttle";
          decision.rule = index;
          rule.applied = (rule.applied ?? 0) + 1;
        }
        return;
      }
      const after = rule.after ?? 0;
      if (seen <= after) return;
      if (rule.times !== undefined && seen > after + rule.times) return;
      rule.applied = (rule.applied ?? 0) + 1;
      decision.latencyMs += rule.latencyMs ?? 0;
      if (rule.fault !== undefined && decision.fault === undefined) {
        decision.fault = rule.fault;
        decision.rule = index;
      }
    });
    return decision;
  }

  private take(rule: FaultRule, call: CallKey, nowMs: number): boolean {
    const rate = Math.max(rule.ratePerSecond ?? 1, 0.001);
    const capacity = Math.max(rule.burst ?? rate, 1);
    let perRule = this.buckets.get(rule);
    if (!perRule) {
      perRule = new Map();
      this.buckets.set(rule, perRule);
    }
    const key = rule.perAccount === true ? `${call.service}:${call.action}@${call.accountId}` : `${call.service}:${call.action}`;
    const bucket = perRule.get(key) ?? { tokens: capacity, updatedMs: nowMs };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((nowMs - bucket.updatedMs) / 1000) * rate);
    bucket.updatedMs = nowMs;
    perRule.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

/** Garbage that no protocol parser accepts as its format. */
export const MALFORMED_BODY = "<<<this is not the response you are looking for>>>{\"unterminated\": [";
