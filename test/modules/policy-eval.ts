/**
 * Just enough IAM policy and EventBridge pattern evaluation to test what the synthesized documents mean
 * rather than how they are spelled. IAM: an action or ARN pattern's `*` and `?` are wildcards
 * (case-insensitive for actions); only the condition operators the guardrail SCPs use are supported.
 * EventBridge: a pattern field is an array of literal values or a nested object; an array in the event
 * matches when any element matches (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html).
 */
import type { Json } from "./helpers";

const glob = (pattern: string, value: string, flags = ""): boolean =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, flags).test(value);

const list = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : [v as string]);

export interface RequestContext {
  readonly action: string;
  readonly principalArn: string;
}

/** Whether one SCP Deny statement denies the request (Resource is always "*" in the guardrail SCPs). */
export function statementDenies(statement: Json, request: RequestContext): boolean {
  if (statement.Effect !== "Deny") return false;
  if (!list(statement.Action).some((a) => glob(a, request.action, "i"))) return false;
  for (const [operator, keys] of Object.entries((statement.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const [key, values] of Object.entries(keys)) {
      if (key !== "aws:PrincipalArn") throw new Error(`policy-eval: condition key ${key} not supported`);
      const matches = list(values).some((v) => glob(v, request.principalArn));
      if (operator === "ArnNotLike" && matches) return false;
      else if (operator === "ArnLike" && !matches) return false;
      else if (operator !== "ArnNotLike" && operator !== "ArnLike") throw new Error(`policy-eval: operator ${operator} not supported`);
    }
  }
  return true;
}

/** Sids of the statements of a policy document (JSON text) that deny the request. */
export function denyingStatements(policyContent: string, request: RequestContext): string[] {
  return (JSON.parse(policyContent).Statement as Json[]).filter((s) => statementDenies(s, request)).map((s) => s.Sid as string);
}

/** EventBridge pattern matching for patterns made of literal-value arrays and nested objects. */
export function patternMatches(pattern: Json, event: unknown): boolean {
  return Object.entries(pattern).every(([field, expected]) => fieldMatches(expected, (event as Json | undefined)?.[field]));
}

function fieldMatches(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((element) => fieldMatches(expected, element));
  if (Array.isArray(expected)) return expected.includes(actual);
  if (expected && typeof expected === "object") return actual !== null && typeof actual === "object" && patternMatches(expected as Json, actual);
  throw new Error(`policy-eval: unsupported pattern value ${JSON.stringify(expected)}`);
}
