/**
 * The roots and OUs the config names (ous-exist) and the SCP quota on each SCP target (scp-slots). Pure.
 */
import { GUARDRAIL_SCP_NAMES, listSome, type PreflightPlan } from "../plan";
import { fixForFailure, worstStatus, type CheckStatus, type Outcome, type PreflightCheck } from "../types";
import type { RootFacts } from "./organization";

export interface OusExistEvidence {
  roots: Outcome<RootFacts[]>;
  /** organizations:DescribeOrganizationalUnit per OU id: true exists, false OrganizationalUnitNotFound. */
  ous: Record<string, Outcome<boolean>>;
}

export function checkOusExist(plan: PreflightPlan, ev: OusExistEvidence): PreflightCheck {
  const id = "ous-exist";
  const actualRoot = ev.roots.ok ? ev.roots.value[0]?.id : undefined;
  const listOus = `aws organizations list-organizational-units-for-parent --parent-id ${actualRoot ?? plan.rootId}`;
  const missing: { field: string; id: string; fix: string }[] = [];
  const unknown: { field: string; id: string; message: string; fix: string }[] = [];
  let found = 0;
  for (const target of plan.configuredTargets) {
    if (target.id.startsWith("r-")) {
      if (!ev.roots.ok) {
        unknown.push({ ...target, message: ev.roots.message, fix: fixForFailure(ev.roots.kind, "organizations:ListRoots") });
      } else if (target.id !== actualRoot) {
        missing.push({ ...target, fix: `set ${target.field} to "${actualRoot ?? "<root id>"}" in ${plan.configFile}` });
      } else found++;
      continue;
    }
    const read = ev.ous[target.id];
    if (read === undefined || !read.ok) {
      unknown.push({ ...target, message: read?.message ?? "not read", fix: fixForFailure(read?.kind ?? "error", "organizations:DescribeOrganizationalUnit") });
    } else if (!read.value) {
      missing.push({ ...target, fix: `correct ${target.field} in ${plan.configFile} (list the OUs with: ${listOus}, then again for nested OUs with their ids)` });
    } else found++;
  }
  const details: string[] = [];
  if (missing.length > 0) details.push(`not in this organization: ${missing.map((m) => `${m.field} ${m.id}`).join(", ")}`);
  if (unknown.length > 0) details.push(`could not be read: ${unknown.map((u) => `${u.field} ${u.id} (${u.message})`).join(", ")}`);
  const status: CheckStatus = missing.length > 0 ? "missing" : unknown.length > 0 ? "unknown" : "ok";
  if (status === "ok") return { id, status, detail: `all ${found} root and OU ids in the config exist in the organization`, fix: "" };
  const fixes = [...new Set([...missing, ...unknown].map((x) => x.fix))];
  return { id, status, detail: details.join("; "), fix: fixes.join("\n") };
}

export interface AttachedPolicy {
  id: string;
  name: string;
}

/** organizations:ListPoliciesForTarget (SERVICE_CONTROL_POLICY) per SCP target; null = TargetNotFound. */
export type ScpSlotsEvidence = Record<string, Outcome<AttachedPolicy[] | null>>;

export function checkScpSlots(plan: PreflightPlan, ev: ScpSlotsEvidence): PreflightCheck {
  const id = "scp-slots";
  const ours = new Set<string>(GUARDRAIL_SCP_NAMES);
  const parts: { status: CheckStatus; detail: string; fix: string }[] = [];
  for (const target of plan.scpTargetIds) {
    const read = ev[target];
    if (read === undefined || !read.ok) {
      parts.push({ status: "unknown", detail: `${target}: could not list its SCPs (${read?.message ?? "not read"})`, fix: fixForFailure(read?.kind ?? "error", "organizations:ListPoliciesForTarget") });
      continue;
    }
    if (read.value === null) {
      parts.push({ status: "missing", detail: `${target}: no such root or OU (see ous-exist)`, fix: `correct scp.targetIds (or organization.targetOuIds) in ${plan.configFile}` });
      continue;
    }
    // Ours may already be attached (a re-run after deploy): they take their slots once, not twice.
    const others = read.value.filter((p) => !ours.has(p.name));
    const total = others.length + GUARDRAIL_SCP_NAMES.length;
    const named = others.length === 0 ? "none" : listSome(others.map((p) => `${p.name} (${p.id})`), 10);
    // Organizations refuses an attachment beyond the per-target quota (10 since May 2026, 5 before):
    // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
    if (total > plan.maxPoliciesPerTarget) {
      parts.push({
        status: "conflict",
        detail: `${target}: ${others.length} other SCP(s) attached [${named}] + ${GUARDRAIL_SCP_NAMES.length} guardrails = ${total}, over scp.maxPoliciesPerTarget ${plan.maxPoliciesPerTarget}`,
        fix: `free ${total - plan.maxPoliciesPerTarget} slot(s) on ${target}: aws organizations detach-policy --policy-id <one of the ids above> --target-id ${target}; or attach the guardrails elsewhere with scp.targetIds in ${plan.configFile}`,
      });
      continue;
    }
    const configured = plan.slotsAlreadyUsed(target);
    const note = others.length > configured ? `; the config counts ${configured} slot(s) used by others (what synth checks): set "scp": {"slotsAlreadyUsedByTarget": {"${target}": ${others.length}}} in ${plan.configFile}` : "";
    parts.push({ status: "ok", detail: `${target}: ${others.length} other SCP(s) attached [${named}] + ${GUARDRAIL_SCP_NAMES.length} guardrails = ${total} of ${plan.maxPoliciesPerTarget}${note}`, fix: "" });
  }
  const status = worstStatus(parts.map((p) => p.status));
  return { id, status, detail: parts.map((p) => p.detail).join("; "), fix: status === "ok" ? "" : [...new Set(parts.filter((p) => p.fix !== "").map((p) => p.fix))].join("\n") };
}
