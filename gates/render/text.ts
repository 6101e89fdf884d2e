/** Plain text for pipeline logs: the verdict line first, then each control with its reasons. */
import type { AccountVerdict, SourceRecord, SweepResult } from "../types";
import { markingSentence } from "./marking";

const MEANING = {
  PASS: "production-ready",
  FAIL: "NOT production-ready: evidence of a violation",
  INCONCLUSIVE: "NOT production-ready: readiness could not be proven",
} as const;

function sourceLine(s: SourceRecord): string {
  const where = [s.accountId, s.region, s.api].filter((x) => x !== undefined).join(" ");
  return `      ${s.name}${where ? ` (${where})` : ""} at ${s.observedAt ?? "unknown time"}: ${s.summary}`;
}

export function accountText(v: AccountVerdict): string {
  const lines = [`${v.verdict} ${v.accountId}: ${MEANING[v.verdict]} (checked ${v.checkedAt})`];
  for (const c of v.controls) {
    lines.push(`  ${c.id}: ${c.verdict}${c.required ? "" : " (not required, does not affect the verdict)"}`);
    for (const r of c.reasons) lines.push(`    - ${r}`);
    if (c.sources.length > 0) lines.push("    sources:", ...c.sources.map(sourceLine));
  }
  if (v.controls.length === 0) lines.push("  no control was evaluated");
  if (v.marked !== null) lines.push(`  promotion: ${markingSentence(v.marked)}`);
  if (v.evidence !== null) lines.push(`  evidence: ${v.evidence.path} (sha256 ${v.evidence.sha256})`);
  return lines.join("\n");
}

export function sweepText(r: SweepResult): string {
  const s = r.summary;
  const lines = [`${s.verdict} sweep of ${s.accounts} account(s): ${s.pass} PASS, ${s.fail} FAIL, ${s.inconclusive} INCONCLUSIVE; ${s.skipped} skipped (not ACTIVE)`];
  for (const e of s.errors) lines.push(`  ERROR ${e.kind}${e.accountId === null ? "" : ` ${e.accountId}`}: ${e.reason}`);
  if (r.accounts.length === 0 && s.errors.length === 0) lines.push("  no ACTIVE account in scope: nothing was proven");
  for (const a of r.skipped) {
    const tag = a.marked === null ? "" : `; ${markingSentence(a.marked)}`;
    lines.push(`  SKIPPED ${a.accountId}: ${a.status}, not checked (never production-ready)${tag}`, ...a.reasons.map((x) => `    - ${x}`));
  }
  for (const h of r.remediation ?? []) lines.push(`  REMEDIATE ${h.accountId} (IAM.4 FAIL): ${h.command}   (dry run; add --apply to delete the root access keys)`);
  return [lines.join("\n"), ...r.accounts.map((a) => "\n" + accountText(a))].join("\n");
}
