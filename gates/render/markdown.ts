/** Markdown for $GITHUB_STEP_SUMMARY and PR comments. Every piece of data is escaped (markdown-escape.ts). */
import type { AccountVerdict, SweepResult, Verdict } from "../types";
import { mdCell, mdCode, mdText } from "./markdown-escape";
import { markingSentence } from "./marking";

export { mdCell } from "./markdown-escape";

const ICON: Record<Verdict, string> = { PASS: "✅", FAIL: "❌", INCONCLUSIVE: "⚠️" };

export function accountMarkdown(v: AccountVerdict, level = 2): string {
  const h = "#".repeat(level);
  const lines = [
    `${h} ${ICON[v.verdict]} ${v.verdict}: account ${mdText(v.accountId)}`,
    "",
    `${v.productionReady ? "Production-ready." : "**Not production-ready.**"} Checked ${mdText(v.checkedAt)}.`,
    "",
    "| Control | Required | Verdict | Reasons |",
    "|---|---|---|---|",
    ...v.controls.map((c) => `| ${mdCell(c.id)} | ${c.required ? "yes" : "no"} | ${ICON[c.verdict]} ${c.verdict} | ${mdCell(c.reasons.join("\n"))} |`),
  ];
  const sources = v.controls.flatMap((c) =>
    c.sources.map((s) => `| ${mdCell(c.id)} | ${mdCell(s.name)} | ${mdCell([s.accountId, s.region, s.api].filter((x) => x !== undefined).join(" "))} | ${mdCell(s.observedAt ?? "unknown")} | ${mdCell(s.summary)} |`),
  );
  if (sources.length > 0) {
    lines.push("", "<details><summary>Sources</summary>", "", "| Control | Source | Where | Read at | Summary |", "|---|---|---|---|---|", ...sources, "", "</details>");
  }
  if (v.marked !== null) lines.push("", `Promotion: ${mdText(markingSentence(v.marked))}.`);
  if (v.evidence !== null) lines.push("", `Evidence: ${mdCode(v.evidence.path)} (sha256 ${mdCode(v.evidence.sha256)}).`);
  return lines.join("\n");
}

export function sweepMarkdown(r: SweepResult): string {
  const s = r.summary;
  const lines = [
    `## ${ICON[s.verdict]} Guardrails sweep: ${s.verdict}`,
    "",
    `${s.accounts} account(s): ${s.pass} PASS, ${s.fail} FAIL, ${s.inconclusive} INCONCLUSIVE; ${s.skipped} skipped (not ACTIVE).`,
  ];
  if (s.errors.length > 0) {
    lines.push("", "**The sweep is incomplete:**", "", ...s.errors.map((e) => `- ${mdText(e.kind)}${e.accountId === null ? "" : ` ${mdText(e.accountId)}`}: ${mdText(e.reason)}`));
  } else if (r.accounts.length === 0) {
    lines.push("", "No ACTIVE account in scope: nothing was proven.");
  }
  if (r.accounts.length > 0) {
    lines.push(
      "",
      "| Account | Verdict | Checked | Controls |",
      "|---|---|---|---|",
      ...r.accounts.map((a) => `| ${mdCell(a.accountId)} | ${ICON[a.verdict]} ${a.verdict} | ${mdCell(a.checkedAt)} | ${mdCell(a.controls.map((c) => `${c.id} ${c.verdict}`).join(", "))} |`),
    );
  }
  if (r.skipped.length > 0) {
    lines.push(
      "",
      "Skipped (not ACTIVE, not checked, never production-ready):",
      "",
      "| Account | Status | Ready tag | Notes |",
      "|---|---|---|---|",
      ...r.skipped.map((a) => `| ${mdCell(a.accountId)} | ${mdCell(a.status)} | ${mdCell(a.marked === null ? "not touched (no --revoke)" : markingSentence(a.marked))} | ${mdCell(a.reasons.join("\n"))} |`),
    );
  }
  const hints = r.remediation ?? [];
  if (hints.length > 0) {
    lines.push("", "Root access keys to remediate (run the dry run, then add `--apply`; the sweep deletes nothing):", "", "| Account | Command |", "|---|---|");
    lines.push(...hints.map((h) => `| ${mdCell(h.accountId)} | ${mdCode(h.command.replace(/\|/g, "\\|"))} |`));
  }
  for (const a of r.accounts.filter((x) => x.verdict !== "PASS")) lines.push("", accountMarkdown(a, 3));
  return lines.join("\n");
}
