/**
 * The sweep's summary table (stderr, after the progress bar): counts, then one row per account
 * that is not PASS with its controls and first reason, so a 1,000-account sweep's problems fit on a
 * screen. Skipped (non-ACTIVE) accounts and an interruption are stated, never silent.
 */
import type { AccountVerdict, SkippedAccountResult, SweepError } from "../types";

export interface SummaryTableInput {
  accounts: readonly AccountVerdict[];
  summary: { accounts: number; pass: number; fail: number; inconclusive: number; verdict: string; errors: readonly SweepError[] };
  skipped: readonly SkippedAccountResult[];
  interrupted: boolean;
  exitCode: number;
}

const pad = (text: string, width: number): string => (text.length >= width ? text : text + " ".repeat(width - text.length));
const clip = (text: string, width: number): string => (text.length <= width ? text : `${text.slice(0, width - 1)}…`);

export function sweepSummaryTable(r: SummaryTableInput, maxRows = 200): string {
  const s = r.summary;
  const lines = [`sweep ${s.verdict} (exit ${r.exitCode}): ${s.accounts} account(s) — ${s.pass} PASS, ${s.fail} FAIL, ${s.inconclusive} INCONCLUSIVE`];
  for (const e of s.errors) lines.push(`  error (${e.kind}${e.accountId === null ? "" : ` ${e.accountId}`}): ${e.reason}`);
  if (r.interrupted) lines.push("  interrupted: accounts not checked are INCONCLUSIVE (\"not checked: interrupted\")");
  if (r.skipped.length > 0) lines.push(`  skipped (not ACTIVE, not checked): ${r.skipped.map((a) => `${a.accountId} ${a.status}`).join(", ")}`);
  const problems = r.accounts.filter((a) => a.verdict !== "PASS");
  if (problems.length > 0) {
    lines.push("", `${pad("ACCOUNT", 14)}${pad("VERDICT", 14)}${pad("IAM.4", 14)}${pad("IAM.3", 14)}REASON`);
    for (const a of problems.slice(0, maxRows)) {
      const control = (id: string): string => {
        const c = a.controls.find((x) => x.id === id);
        return c === undefined ? "-" : `${c.verdict}${c.required ? "" : "*"}`;
      };
      const reason = a.controls.find((c) => c.required && c.verdict !== "PASS")?.reasons[0] ?? "";
      lines.push(`${pad(a.accountId, 14)}${pad(a.verdict, 14)}${pad(control("IAM.4"), 14)}${pad(control("IAM.3"), 14)}${clip(reason, 120)}`);
    }
    if (problems.length > maxRows) lines.push(`… and ${problems.length - maxRows} more (see --output json)`);
    lines.push("(* not required: does not affect the verdict)");
  }
  return lines.join("\n") + "\n";
}
