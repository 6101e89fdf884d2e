/**
 * Policy statement semantics for SCPs (Deny guardrails) and IAM policies (Allow, gate roles).
 * Statements are compared by what they cover, not by text: effect, actions (wildcards expanded
 * against each other), resources, principals and conditions. Reordering, reformatting, string vs
 * one-element array and action-name case are no change. For Deny, covering less (an action lost,
 * a principal exempted, a condition added) is a weakening; for Allow, covering more is.
 * Names are compared the way IAM compares them and printed as the policy writes them: action names
 * and condition keys case-insensitively ("the action name ... is case insensitive", "condition key
 * names are not case-sensitive": https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html),
 * resources and condition values exactly.
 */
import type { Classification } from "./model";

interface PatternSet {
  /** NotAction / NotResource / NotPrincipal */
  negated: boolean;
  /** As written in the policy (the first spelling of names that differ only in case). */
  patterns: string[];
  /** Actions: IAM matches them case-insensitively. */
  ignoreCase: boolean;
}

/** One condition as written: operator, key in the policy's spelling, values. */
interface ConditionEntry {
  operator: string;
  key: string;
  values: string[];
}

export interface PolicyStatement {
  sid: string;
  effect: "Allow" | "Deny";
  actions: PatternSet;
  resources: PatternSet;
  principals: PatternSet;
  /** `Operator|lower-cased key` → the condition (condition keys are case-insensitive in IAM). */
  conditions: Map<string, ConditionEntry>;
}

export class PolicyParseError extends Error {}

export interface PolicyFinding {
  classification: Classification;
  explanation: string;
}

const asList = (v: unknown): string[] =>
  v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => (typeof x === "string" ? x : JSON.stringify(x)));

/** Distinct values (case-insensitively when asked; the first spelling is kept), in a stable order. */
function distinct(values: readonly string[], ignoreCase: boolean): string[] {
  const byKey = new Map<string, string>();
  for (const v of values) {
    const k = ignoreCase ? v.toLowerCase() : v;
    if (!byKey.has(k)) byKey.set(k, v);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

function patternSet(stmt: Record<string, unknown>, key: string, ignoreCase: boolean): PatternSet {
  const negated = stmt[`Not${key}`] !== undefined;
  return { negated, patterns: distinct(asList(negated ? stmt[`Not${key}`] : stmt[key]), ignoreCase), ignoreCase };
}

function principalSet(stmt: Record<string, unknown>): PatternSet {
  const negated = stmt.NotPrincipal !== undefined;
  const raw = negated ? stmt.NotPrincipal : stmt.Principal;
  if (raw === undefined) return { negated: false, patterns: [], ignoreCase: false };
  if (typeof raw === "string") return { negated, patterns: [raw === "*" ? "*" : `AWS:${raw}`], ignoreCase: false };
  const out: string[] = [];
  for (const [kind, ids] of Object.entries(raw as Record<string, unknown>)) for (const id of asList(ids)) out.push(`${kind}:${id}`);
  return { negated, patterns: distinct(out, false), ignoreCase: false };
}

/** Parses a policy document (JSON text or object) into normalized statements. */
export function parsePolicy(document: unknown): PolicyStatement[] {
  let doc = document;
  if (typeof doc === "string") {
    try {
      doc = JSON.parse(doc) as unknown;
    } catch {
      throw new PolicyParseError("policy document is not JSON (a Terraform expression cannot be compared before apply)");
    }
  }
  if (typeof doc !== "object" || doc === null) throw new PolicyParseError("policy document is not an object");
  const statements = (doc as Record<string, unknown>).Statement;
  const list = Array.isArray(statements) ? statements : statements === undefined ? [] : [statements];
  return list.map((raw, i) => {
    if (typeof raw !== "object" || raw === null) throw new PolicyParseError(`Statement[${i}] is not an object`);
    const stmt = raw as Record<string, unknown>;
    if (stmt.Effect !== "Allow" && stmt.Effect !== "Deny") throw new PolicyParseError(`Statement[${i}].Effect is ${JSON.stringify(stmt.Effect)}`);
    const conditions = new Map<string, ConditionEntry>();
    for (const [operator, byKey] of Object.entries((stmt.Condition ?? {}) as Record<string, Record<string, unknown>>)) {
      for (const [key, values] of Object.entries(byKey)) {
        conditions.set(`${operator}|${key.toLowerCase()}`, { operator, key, values: distinct(asList(values), false) });
      }
    }
    return {
      sid: typeof stmt.Sid === "string" ? stmt.Sid : "",
      effect: stmt.Effect,
      actions: patternSet(stmt, "Action", true),
      resources: patternSet(stmt, "Resource", false),
      principals: principalSet(stmt),
      conditions,
    };
  });
}

const regexCache = new Map<string, RegExp>();
/**
 * IAM wildcard match: `*` any run, `?` one character. A pattern also covers a narrower pattern.
 * `ignoreCase` for action names, which IAM matches case-insensitively.
 */
export function wildcardCovers(pattern: string, value: string, ignoreCase = false): boolean {
  const [p, v] = ignoreCase ? [pattern.toLowerCase(), value.toLowerCase()] : [pattern, value];
  if (p === v || p === "*") return true;
  if (!p.includes("*") && !p.includes("?")) return false;
  let re = regexCache.get(p);
  if (!re) {
    re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s");
    regexCache.set(p, re);
  }
  return re.test(v);
}

const anyCovers = (patterns: readonly string[], value: string, ignoreCase = false): boolean => patterns.some((p) => wildcardCovers(p, value, ignoreCase));
/** Values of `inner` that no pattern of `outer` covers. */
const uncovered = (outer: readonly string[], inner: readonly string[], ignoreCase = false): string[] => inner.filter((v) => !anyCovers(outer, v, ignoreCase));

/** Does `outer` (a statement's dimension) cover everything `inner` covers? */
function setCovers(outer: PatternSet, inner: PatternSet): boolean {
  const ci = outer.ignoreCase;
  if (outer.patterns.length === 0 && inner.patterns.length === 0) return true;
  if (!outer.negated && !inner.negated) return uncovered(outer.patterns, inner.patterns, ci).length === 0;
  if (outer.negated && inner.negated) return uncovered(inner.patterns, outer.patterns, ci).length === 0;
  if (!outer.negated) return outer.patterns.includes("*");
  return inner.patterns.every((v) => !outer.patterns.some((p) => wildcardCovers(p, v, ci) || wildcardCovers(v, p, ci)));
}

const operatorBase = (op: string): string => op.replace(/^ForAllValues:|^ForAnyValue:/, "").replace(/IfExists$/, "");
/** Negated operators list exemptions: more values = the statement applies to fewer requests. */
const isNegatedOperator = (op: string): boolean => /Not/.test(operatorBase(op));
const isMatchOperator = (op: string): boolean => /^(String|Arn|IpAddress)/.test(operatorBase(op));

/** Whenever `inner` applies (its conditions hold), does `outer` apply too? */
function conditionsCover(outer: PolicyStatement, inner: PolicyStatement): boolean {
  for (const [key, { operator: op, values: outerValues }] of outer.conditions) {
    const innerValues = inner.conditions.get(key)?.values;
    if (!innerValues) return false;
    if (isNegatedOperator(op)) {
      if (uncovered(innerValues, outerValues).length > 0) return false;
    } else if (isMatchOperator(op)) {
      if (uncovered(outerValues, innerValues).length > 0) return false;
    } else if (outerValues.join("\n") !== innerValues.join("\n")) return false;
  }
  return true;
}

/** Does `outer` cover `action` over everything `inner` covers (resources, principals, context)? */
function statementCoversAction(outer: PolicyStatement, inner: PolicyStatement, action: string): boolean {
  return (
    outer.effect === inner.effect &&
    setCovers(outer.actions, { negated: inner.actions.negated, patterns: [action], ignoreCase: true }) &&
    setCovers(outer.resources, inner.resources) &&
    setCovers(outer.principals, inner.principals) &&
    conditionsCover(outer, inner)
  );
}

/** Actions of `stmt` no statement of `others` fully covers. */
function actionsNotCovered(stmt: PolicyStatement, others: readonly PolicyStatement[]): string[] {
  return stmt.actions.patterns.filter((a) => !others.some((o) => statementCoversAction(o, stmt, a)));
}

/** What a statement covers, spelling aside: equal for statements IAM treats alike. */
export const canonicalStatement = (s: PolicyStatement): string =>
  JSON.stringify([
    s.effect,
    { ...s.actions, patterns: s.actions.patterns.map((a) => a.toLowerCase()) },
    s.resources,
    s.principals,
    [...s.conditions.entries()].map(([k, c]) => [k, c.values]).sort(([a], [b]) => String(a).localeCompare(String(b))),
  ]);

/** Pairs statements by Sid, then by the largest action overlap, so explanations name what moved. */
function pairStatements(older: PolicyStatement[], newer: PolicyStatement[]) {
  const pairs: [PolicyStatement, PolicyStatement][] = [];
  const restNew = [...newer];
  const restOld: PolicyStatement[] = [];
  for (const o of older) {
    const i = o.sid ? restNew.findIndex((n) => n.sid === o.sid && n.effect === o.effect) : -1;
    if (i >= 0) pairs.push([o, restNew.splice(i, 1)[0]!]);
    else restOld.push(o);
  }
  const unpairedOld: PolicyStatement[] = [];
  for (const o of restOld) {
    let best = -1;
    let bestOverlap = 0;
    restNew.forEach((n, i) => {
      if (n.effect !== o.effect) return;
      const overlap = o.actions.patterns.filter((a) => anyCovers(n.actions.patterns, a, true) || anyCovers([a], n.actions.patterns[0] ?? "", true)).length;
      if (overlap > bestOverlap) [best, bestOverlap] = [i, overlap];
    });
    if (best >= 0) pairs.push([o, restNew.splice(best, 1)[0]!]);
    else unpairedOld.push(o);
  }
  return { pairs, unpairedOld, unpairedNew: restNew };
}

const list = (xs: readonly string[]): string => xs.join(", ");
const describe = (s: PolicyStatement): string => (s.sid ? `statement "${s.sid}"` : `${s.effect} statement on ${list(s.actions.patterns)}`);

/**
 * Compares one effect's statements. Deny statements are diffed base → head; Allow statements head → base
 * ("older" is what must stay covered), so the same logic labels "covers less Deny" and "covers more
 * Allow" as weakened; only the words differ.
 */
function compareCoverage(older: PolicyStatement[], newer: PolicyStatement[], effect: "Allow" | "Deny"): PolicyFinding[] {
  const deny = effect === "Deny";
  const weak = (explanation: string): PolicyFinding => ({ classification: "weakened", explanation });
  const strong = (explanation: string): PolicyFinding => ({ classification: "strengthened", explanation });
  const findings: PolicyFinding[] = [];
  const { pairs, unpairedOld, unpairedNew } = pairStatements(older, newer);

  for (const [o, n] of pairs) {
    if (canonicalStatement(o) === canonicalStatement(n)) continue;
    // Restructured (split/merged) but still covered by other statements: no weakening to report.
    const stillCovered = actionsNotCovered(o, newer).length === 0;
    const name = describe(o);
    const lostActions = o.actions.negated === n.actions.negated ? uncovered(n.actions.patterns, o.actions.patterns, true) : o.actions.patterns;
    const gainedActions = o.actions.negated === n.actions.negated ? uncovered(o.actions.patterns, n.actions.patterns, true) : n.actions.patterns;
    if (lostActions.length && !stillCovered) findings.push(weak(deny ? `${name} no longer denies ${list(lostActions)}` : `${name} now allows ${list(lostActions)}`));
    if (gainedActions.length) findings.push(strong(deny ? `${name} now also denies ${list(gainedActions)}` : `${name} no longer allows ${list(gainedActions)}`));
    for (const [dim, label] of [["resources", "resources"], ["principals", "principals"]] as const) {
      const lost = uncovered(n[dim].patterns, o[dim].patterns);
      const gained = uncovered(o[dim].patterns, n[dim].patterns);
      if (lost.length && !stillCovered) findings.push(weak(deny ? `${name} no longer covers ${label} ${list(lost)}` : `${name} now allows ${label} ${list(lost)}`));
      if (gained.length) findings.push(strong(deny ? `${name} now also covers ${label} ${list(gained)}` : `${name} no longer allows ${label} ${list(gained)}`));
    }
    for (const key of new Set([...o.conditions.keys(), ...n.conditions.keys()])) {
      // Printed in the spelling of the side that has it (head's when both do).
      const { operator: op, key: condKey } = (n.conditions.get(key) ?? o.conditions.get(key))!;
      const ov = o.conditions.get(key)?.values;
      const nv = n.conditions.get(key)?.values;
      const where = `${op} ${condKey}`;
      if (ov && !nv) findings.push(strong(deny ? `${name} dropped condition ${where} [${list(ov)}]: the deny now applies more broadly` : `${name} gained condition ${where} [${list(ov)}]: the allow is narrower`));
      else if (!ov && nv && !stillCovered) findings.push(weak(deny ? `${name} gained condition ${where} [${list(nv)}]: the deny now applies only when it holds` : `${name} dropped condition ${where} [${list(nv)}]: the allow applies more broadly`));
      else if (ov && nv) {
        const added = uncovered(ov, nv);
        const removed = uncovered(nv, ov);
        if (isNegatedOperator(op)) {
          if (added.length && !stillCovered) findings.push(weak(deny ? `${name} now exempts ${condKey} ${list(added)} (${op})` : `${name} no longer excludes ${condKey} ${list(added)} (${op})`));
          if (removed.length) findings.push(strong(deny ? `${name} no longer exempts ${condKey} ${list(removed)} (${op})` : `${name} now excludes ${condKey} ${list(removed)} (${op})`));
        } else if (isMatchOperator(op)) {
          if (removed.length && !stillCovered) findings.push(weak(deny ? `${name} no longer applies to ${condKey} ${list(removed)} (${op})` : `${name} now allows ${condKey} ${list(removed)} (${op})`));
          if (added.length) findings.push(strong(deny ? `${name} now also applies to ${condKey} ${list(added)} (${op})` : `${name} no longer allows ${condKey} ${list(added)} (${op})`));
        } else if (ov.join("\n") !== nv.join("\n") && !stillCovered) {
          findings.push(weak(`${name} changed condition ${where} from [${list(deny ? ov : nv)}] to [${list(deny ? nv : ov)}]`));
        }
      }
    }
    if (o.actions.negated !== n.actions.negated || o.resources.negated !== n.resources.negated) {
      if (!stillCovered) findings.push(weak(`${name} switched between Action/NotAction or Resource/NotResource`));
    }
  }
  for (const o of unpairedOld) {
    const lost = actionsNotCovered(o, newer);
    if (lost.length) findings.push(weak(deny ? `${describe(o)} removed: no longer denies ${list(lost)}` : `${describe(o)} added: allows ${list(lost)}`));
  }
  for (const n of unpairedNew) {
    const gained = actionsNotCovered(n, older);
    if (gained.length) findings.push(strong(deny ? `${describe(n)} added: denies ${list(gained)}` : `${describe(n)} removed: no longer allows ${list(gained)}`));
  }
  return findings;
}

/** Semantic diff of two policy documents. Empty when they cover the same requests. */
export function comparePolicies(base: PolicyStatement[], head: PolicyStatement[]): PolicyFinding[] {
  const byEffect = (stmts: PolicyStatement[], e: "Allow" | "Deny") => stmts.filter((s) => s.effect === e);
  return [
    ...compareCoverage(byEffect(base, "Deny"), byEffect(head, "Deny"), "Deny"),
    ...compareCoverage(byEffect(head, "Allow"), byEffect(base, "Allow"), "Allow"),
  ];
}

/** What a whole policy denies/allows, for "added"/"removed" explanations. */
export function summarizePolicy(statements: PolicyStatement[]): string {
  const parts = statements.map((s) => `${s.effect} ${s.actions.negated ? "all but " : ""}${list(s.actions.patterns)}`);
  return parts.length ? parts.join("; ") : "no statements";
}
