/** Human-readable companion of a bundle: what an auditor reads first. The JSON is the proof. */
import { mdCell as cell, mdCode, mdText } from "../render/markdown-escape";
import { markingSentence } from "../render/marking";
import type { EvidenceBundle } from "./schema";

export function renderBundleMarkdown(b: EvidenceBundle): string {
  const lines = [
    `# Guardrails evidence: account ${mdText(b.accountId)}`,
    "",
    `- Verdict: **${b.verdict}** (${b.productionReady ? "production-ready" : "not production-ready"})`,
    `- Checked at: ${mdText(b.checkedAt)}`,
    `- Gate: ${mdText(b.gate.name)} ${mdText(b.gate.version)}; config sha256: ${mdCode(b.configDigest ?? "none")}`,
    `- Bundle sha256 (canonical JSON without this field): ${mdCode(b.sha256)}`,
    "",
    "## Controls",
    "",
    "| Control | Required | Verdict | Reasons |",
    "|---|---|---|---|",
    ...b.controls.map((c) => `| ${cell(c.id)} | ${c.required ? "yes" : "no"} | ${c.verdict} | ${cell(c.reasons.join("\n"))} |`),
    "",
    "## Sources",
    "",
    "| Control | Source | Account | Region | API | Read at | Summary |",
    "|---|---|---|---|---|---|---|",
    ...b.controls.flatMap((c) => c.sources.map((s) => `| ${cell(c.id)} | ${cell(s.name)} | ${cell(s.accountId)} | ${cell(s.region)} | ${cell(s.api)} | ${cell(s.observedAt)} | ${cell(s.summary)} |`)),
  ];
  if (b.accountSummary !== null) {
    const a = b.accountSummary;
    lines.push("", "## GetAccountSummary", "", `AccountAccessKeysPresent: **${cell(a.accountAccessKeysPresent)}** (read: ${cell(a.read)}; ${cell(a.accountId)} ${cell(a.region)} ${cell(a.api)} at ${cell(a.observedAt)})`);
  }
  if (b.rootRow !== null) {
    const r = b.rootRow;
    lines.push("", "## Credential report root row", "", `Generated ${cell(r.reportGeneratedAt)}, read at ${cell(r.observedAt)} (${cell(r.accountId)} ${cell(r.region)} ${cell(r.api)}).${r.problem ? ` Problem: ${cell(r.problem)}` : ""}`);
    if (r.fields !== null) lines.push("", "| Column | Value |", "|---|---|", ...Object.entries(r.fields).map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`));
  }
  lines.push("", "## Security Hub findings", "");
  if (b.findings.length === 0) lines.push("None read.");
  else {
    lines.push("| Id | Control | Status | Record | Workflow | Region | Updated |", "|---|---|---|---|---|---|---|");
    lines.push(...b.findings.map((f) => `| ${cell(f.id)} | ${cell(f.securityControlId ?? f.generatorId)} | ${cell(f.complianceStatus)} | ${cell(f.recordState)} | ${cell(f.workflowStatus)} | ${cell(f.region)} | ${cell(f.updatedAt)} |`));
  }
  lines.push("", "## Exceptions applied", "");
  if (b.exceptionsApplied.length === 0) lines.push("None.");
  else {
    lines.push("| Control | User | Key | Reason | Approver | Ticket | Approved | Expires |", "|---|---|---|---|---|---|---|---|");
    lines.push(...b.exceptionsApplied.map((x) => `| ${cell(x.control)} | ${cell(x.user)} | ${cell(x.accessKeyId ?? "all keys")} | ${cell(x.reason)} | ${cell(x.approver)} | ${cell(x.ticket)} | ${cell(x.approvedAt)} | ${cell(x.expires)} |`));
  }
  if (b.marked !== null) lines.push("", `Promotion: ${mdText(markingSentence(b.marked))}.`);
  return lines.join("\n") + "\n";
}
