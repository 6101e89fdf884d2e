/**
 * IAM policies of roles (gate roles, the gate service's roles): an Allow that covers more is a widening, compared
 * statement by statement with the SCP comparator's coverage logic (scp.ts, Allow semantics).
 *
 * Two additions are not a loosening of an existing guardrail, and are reported as neutral with what they grant:
 * - a new service role (only AWS service principals may assume it, each pinned to a source account or resource) and
 *   the policies put on it in the same change: a new workload's own permissions (enabling `gateService`);
 * - an existing trust that now admits such a role, new in the same change, in an account the policy already trusts
 *   (the gate's read-only role trusting the gate service's function role). Any other widening stays weakened.
 * A new policy whose grant is broad (`broadGrants`) is weakened even on a new service role: a new workload needs its
 * own permissions, not every action of a service, another principal's privileges, or writes to every resource.
 */
import type { GuardrailResource } from "./model";
import { neutral, policyOf, strengthened, weakened, type Comparator, type Finding, type Sides } from "./rules";
import { comparePolicies, summarizePolicy, wildcardCovers, type PolicyStatement } from "./scp";
import { text, type SideIndex } from "./values";

/**
 * Keys that pin a service principal to the account or resource it acts for: the confused-deputy guard
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). Stored lower-cased (condition keys are
 * case-insensitive), as scp.ts keys its conditions `Operator|key`.
 */
const SOURCE_KEYS = new Set(["aws:sourceaccount", "aws:sourcearn"]);
const PINNING_OPERATORS = /^(StringEquals|StringLike|ArnEquals|ArnLike)$/;

/** The service principals a trust policy admits when it admits only services, each pinned to its source; else undefined. */
export function serviceTrust(statements: readonly PolicyStatement[]): string[] | undefined {
  const allows = statements.filter((s) => s.effect === "Allow");
  if (allows.length === 0) return undefined;
  const services = new Set<string>();
  for (const s of allows) {
    const { negated, patterns } = s.principals;
    if (negated || patterns.length === 0 || !patterns.every((p) => p.startsWith("Service:") && !p.includes("*"))) return undefined;
    const pinned = [...s.conditions.entries()].some(
      ([key, c]) => SOURCE_KEYS.has(key.slice(key.indexOf("|") + 1)) && PINNING_OPERATORS.test(c.operator) && c.values.length > 0 && !c.values.includes("*"),
    );
    if (!pinned) return undefined;
    for (const p of patterns) services.add(p.slice("Service:".length));
  }
  return [...services];
}

/** Roles the head adds (absent from base) whose trust is a service trust: name → services. */
function newServiceRoles(sides: Sides): Map<string, string[]> {
  const roles = new Map<string, string[]>();
  for (const r of sides.head.set.resources) {
    if (r.type !== "aws_iam_role") continue;
    const identity = sides.head.identityOf(r);
    const name = text(r.values, "name");
    if (identity === undefined || name === undefined || sides.base.hasIdentity(r.type, identity)) continue;
    const services = serviceTrust(policyOf(r, "assume_role_policy") ?? []);
    if (services) roles.set(name, services);
  }
  return roles;
}

const ROLE_ARN = /^(?:AWS:)?arn:[\w-]+:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

/**
 * Weakened findings that only admit new service roles (in accounts the base policy already names) become neutral:
 * the head policy without those role ARNs is compared with the base again, and must widen nothing.
 */
function admitsOnlyNewServiceRoles(findings: Finding[], base: GuardrailResource, basePolicy: PolicyStatement[], headPolicy: PolicyStatement[], policyAttr: string, sides: Sides): Finding[] {
  if (!findings.some((f) => f.classification === "weakened")) return findings;
  const roles = newServiceRoles(sides);
  if (roles.size === 0) return findings;
  const trustedAccounts = new Set(JSON.stringify(base.values[policyAttr] ?? "").match(/\d{12}/g) ?? []);
  const admitted = new Set<string>();
  const isNewServiceRole = (value: string): boolean => {
    const m = ROLE_ARN.exec(value);
    if (!m || !trustedAccounts.has(m[1]!) || !roles.has(m[2]!)) return false;
    admitted.add(m[2]!);
    return true;
  };
  const without = headPolicy.map((s) => ({
    ...s,
    principals: { ...s.principals, patterns: s.principals.patterns.filter((p) => !isNewServiceRole(p)) },
    conditions: new Map([...s.conditions].map(([k, c]) => [k, { ...c, values: c.values.filter((v) => !isNewServiceRole(v)) }])),
  }));
  if (admitted.size === 0 || comparePolicies(basePolicy, without).some((f) => f.classification === "weakened")) return findings;
  const which = [...admitted].map((n) => `"${n}" (assumed by ${roles.get(n)!.join(", ")})`).join(", ");
  return findings.map((f) => (f.classification === "weakened" ? neutral(`${f.explanation}: service role ${which}, added in this change`) : f));
}

/**
 * Actions that let the holder change what a principal may do, so a grant of them is a grant of anything: a new
 * policy version made the default (CreatePolicyVersion's SetAsDefault,
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html), a policy attached or put on a
 * principal, a trust rewritten, credentials made for a user. Flagged on any resource.
 */
const PRIVILEGE_ESCALATION = [
  "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
  "iam:AttachRolePolicy", "iam:AttachUserPolicy", "iam:AttachGroupPolicy",
  "iam:PutRolePolicy", "iam:PutUserPolicy", "iam:PutGroupPolicy",
  "iam:UpdateAssumeRolePolicy", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
];

/**
 * Writes AWS only authorizes on Resource "*": Step Functions' (and other services') vended-log delivery to CloudWatch
 * Logs ("these actions do not support resource-level permissions",
 * https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html). modules/gate-service grants them to both state
 * machine roles; flagging them would make enabling the service weakened for a grant nobody can narrow.
 */
const WRITES_ONLY_ON_ANY_RESOURCE = new Set(["logs:createlogdelivery", "logs:updatelogdelivery", "logs:deletelogdelivery", "logs:putresourcepolicy"]);

/** Verbs of actions that only read (an action pattern starting with one, e.g. `s3:Get*`, reads only). */
const READ_VERBS = /^[^:]+:(get|list|describe|batchget|search|lookup|view)/i;

/**
 * Why a new policy's Allow statements are broad, or [] when they are not: every action (`*`, `<service>:*`, NotAction),
 * a privilege-escalation action on any resource, or a write on every resource (`*` or NotResource) other than the
 * writes AWS only allows on `*`. Also iam:PassRole and sts:AssumeRole on `*`, which are writes on every resource:
 * IAM Access Analyzer warns of PassRole on "*" (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html,
 * "Pass role with star in resource"). Reads on every resource are not flagged: the gate's own Organizations reads are.
 */
export function broadGrants(statements: readonly PolicyStatement[]): string[] {
  const reasons: string[] = [];
  for (const s of statements.filter((x) => x.effect === "Allow")) {
    const where = s.sid ? `statement "${s.sid}"` : "an Allow statement";
    if (s.actions.negated) {
      reasons.push(`${where} allows every action but ${s.actions.patterns.join(", ")}`);
      continue;
    }
    const onEveryResource = s.resources.negated || s.resources.patterns.includes("*");
    for (const action of s.actions.patterns) {
      if (action === "*" || /^[^:*?]+:\*$/.test(action)) reasons.push(`${where} allows ${action}`);
      else if (PRIVILEGE_ESCALATION.some((e) => wildcardCovers(action, e, true))) reasons.push(`${where} allows ${action}: it can grant itself more`);
      else if (onEveryResource && !READ_VERBS.test(action) && !WRITES_ONLY_ON_ANY_RESOURCE.has(action.toLowerCase())) reasons.push(`${where} allows ${action} on every resource`);
    }
  }
  return reasons;
}

/** IAM policies of roles: an Allow that covers more is a widening. */
export function iamPolicyComparator(what: string, policyAttr: string, identity: (r: GuardrailResource, side: SideIndex) => string, roleOf?: (r: GuardrailResource, side: SideIndex) => string): Comparator {
  return {
    identity: (r, side) => `${what} ${identity(r, side)}`,
    added: (r, side, sides) => {
      const statements = policyOf(r, policyAttr) ?? [];
      if (!statements.some((s) => s.effect === "Allow")) return [neutral(`${what} added`)];
      const grants = summarizePolicy(statements);
      const broad = policyAttr === "assume_role_policy" ? [] : broadGrants(statements);
      if (broad.length > 0) return [weakened(`${what} added: grants ${grants}; new grant is broad: review (${broad.join("; ")})`)];
      if (policyAttr === "assume_role_policy") {
        const services = serviceTrust(statements);
        if (services) return [neutral(`${what} added: a service role, assumed by ${services.join(", ")} for its source account only`)];
      } else if (roleOf) {
        const role = roleOf(r, side);
        const services = newServiceRoles(sides).get(role);
        if (services) return [neutral(`${what} added with service role "${role}", new in this change (assumed by ${services.join(", ")}): grants ${grants}`)];
      }
      return [weakened(`${what} added: grants ${grants}`)];
    },
    removed: () => [strengthened(`${what} removed: its permissions are gone`)],
    changed: (b, h, sides) => {
      const hp = policyOf(h, policyAttr);
      if (!hp) return [neutral(`${policyAttr} is known only after apply; compare after apply`)];
      const bp = policyOf(b, policyAttr) ?? [];
      return admitsOnlyNewServiceRoles(comparePolicies(bp, hp), b, bp, hp, policyAttr, sides);
    },
  };
}
