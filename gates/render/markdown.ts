/** Markdown for $GITHUB_STEP_SUMMARY and PR comments. */
import type { AccountVerdict, SweepResult, Verdict } from "../types";

const ICON: Record<Verdict, string> = { PASS: "✅", FAIL: "❌", INCONCLUSIVE: "⚠️" };

/** Table cells: no pipes or newlines may break the row. */
export function mdCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

export function accountMarkdown(v: AccountVerdict, level = 2): string {
  const h = "#".repeat(level);
  const lines = [
    `${h} ${ICON[v.verdict]} ${v.verdict}: account ${v.accountId}`,
    "",
    `${v.productionReady ? "Production-ready." : "**Not production-ready.**"} Checked ${v.checkedAt}.`,
    "",
    "| Control | Required | Verdict | Reasons |",
    "|---|---|---|---|",
    ...v.controls.map((c) => `| ${c.id} | ${c.required ? "yes" : "no"} | ${ICON[c.verdict]} ${c.verdict} | ${mdCell(c.reasons.join("\n"))} |`),
  ];
  const sources = v.controls.flatMap((c) =>
    c.sources.map((s) => `| ${c.id} | ${mdCell(s.name)} | ${mdCell([s.accountId, s.region, s.api].filter((x) => x !== undefined).join(" "))} | ${s.observedAt ?? "unknown"} | ${mdCell(s.summary)} |`),
  );
  if (sources.length > 0) {
    lines.push("", "<details><summary>Sources</summary>", "", "| Control | Source | Where | Read at | Summary |", "|---|---|---|---|---|", ...sources, "", "</details>");
  }
  if (v.marked !== null) lines.push("", `Tag \`${v.marked.tag}=${v.marked.value}\`: ${v.marked.changed ? "changed" : "not changed"}.`);
  if (v.evidence !== null) lines.push("", `Evidence: \`${v.evidence.path}\` (sha256 \`${v.evidence.sha256}\`).`);
  return lines.join("\n");
}

export function sweepMarkdown(r: SweepResult): string {
  const s = r.summary;
  const lines = [
    `## ${ICON[s.verdict]} Guardrails sweep: ${s.verdict}`,
    "",
    `${s.accounts} account(s): ${s.pass} PASS, ${s.fail} FAIL, ${s.inconclusive} INCONCLUSIVE.`,
    "",
    "| Account | Verdict | Checked | Controls |",
    "|---|---|---|---|",
    ...r.accounts.map((a) => `| ${a.accountId} | ${ICON[a.verdict]} ${a.verdict} | ${a.checkedAt} | ${mdCell(a.controls.map((c) => `${c.id} ${c.verdict}`).join(", "))} |`),
  ];
  for (const a of r.accounts.filter((x) => x.verdict !== "PASS")) lines.push("", accountMarkdown(a, 3));
  return lines.join("\n");
}
