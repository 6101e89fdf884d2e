/**
 * `guardrails remediate --output text|json|markdown`. Every output passes through maskSecrets last (the
 * report's key ids are masked already; an error message quoting a key id is caught here too).
 */
import { maskSecrets } from "../mask";
import { mdCell, mdCode, mdText } from "../render/markdown-escape";
import { keySentence } from "./state";
import type { RemediationReport, ReportedState } from "./types";

export const REMEDIATE_OUTPUTS = ["text", "json", "markdown"] as const;
export type RemediateOutput = (typeof REMEDIATE_OUTPUTS)[number];

const HEADLINE: Record<RemediationReport["result"], string> = {
  "no-root-key": "no root access key exists",
  removed: "root access keys deleted; none remains",
  "keys-found": "root access keys found (dry run: nothing changed)",
  "keys-remain": "a root access key remains",
  "not-proven": "the state could not be read or proven",
};

/** The documented key order, whatever order the report was built in. */
export function remediationJson(r: RemediationReport): RemediationReport {
  return {
    schemaVersion: r.schemaVersion,
    accountId: r.accountId,
    mode: r.mode,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    result: r.result,
    exitCode: r.exitCode,
    reasons: r.reasons,
    preconditions: r.preconditions,
    session: r.session,
    before: r.before,
    deletions: r.deletions,
    after: r.after,
    iam4RecheckAfter: r.iam4RecheckAfter,
    sources: r.sources,
    evidence: r.evidence,
  };
}

function stateLine(label: string, s: ReportedState): string {
  const keys = s.rootAccessKeys === null ? "root session listing not read" : s.rootAccessKeys.length === 0 ? "the root session lists no access key" : `the root session lists ${s.rootAccessKeys.map(keySentence).join("; ")}`;
  const summary = `GetAccountSummary AccountAccessKeysPresent ${s.accountAccessKeysPresent ?? "unknown"}`;
  const report = s.credentialReport === null ? "credential report not read" : `credential report generated ${s.credentialReport.generatedAt ?? "at an unknown time"} shows root keys in: ${s.credentialReport.rootKeySlots}`;
  return `  ${label}: ${keys}; ${summary}; ${report}`;
}

function sessionLine(r: RemediationReport): string {
  const s = r.session;
  if (s === null) return "  root session: not opened (a precondition does not hold)";
  if (s.error !== null) return `  root session: ${s.taskPolicyArn} in ${s.region} could not be opened: ${s.error}`;
  return `  root session: ${s.taskPolicyArn} in ${s.region} for ${s.durationSeconds} s (opened ${s.openedAt ?? "?"}, expires ${s.expiresAt ?? "?"})`;
}

export function remediationText(r: RemediationReport): string {
  const lines = [`REMEDIATE ${r.accountId} (${r.mode}): ${HEADLINE[r.result]} (exit ${r.exitCode})`, ...r.reasons.map((x) => `  - ${x}`), "  preconditions:"];
  for (const p of r.preconditions) {
    lines.push(`    ${p.status.padEnd(7)} ${p.id}: ${p.detail}`);
    if (p.fix !== "") lines.push(`            fix: ${p.fix}`);
  }
  lines.push(sessionLine(r), stateLine("before", r.before));
  if (r.deletions.length > 0) {
    lines.push("  deletions:", ...r.deletions.map((d) => `    ${d.accessKeyId} (${d.statusBefore}): ${d.result}${d.error !== null ? ` (${d.error})` : ""}, requested ${d.requestedAt}, completed ${d.completedAt}`));
  }
  if (r.after !== null) lines.push(stateLine("after", r.after));
  if (r.iam4RecheckAfter !== null) lines.push(`  IAM.4 can be re-checked on a fresh credential report after ${r.iam4RecheckAfter}`);
  if (r.evidence !== null) lines.push(`  evidence: ${r.evidence.path} (sha256 ${r.evidence.sha256}); check it with: guardrails verify ${r.evidence.path}`);
  return lines.join("\n");
}

const ICON: Record<RemediationReport["result"], string> = { "no-root-key": "✅", removed: "✅", "keys-found": "❌", "keys-remain": "❌", "not-proven": "⚠️" };

function stateRows(label: string, s: ReportedState): string[] {
  const keys = s.rootAccessKeys === null ? "not read" : s.rootAccessKeys.length === 0 ? "none" : s.rootAccessKeys.map(keySentence).join("\n");
  const report = s.credentialReport === null ? "not read" : `generated ${s.credentialReport.generatedAt ?? "?"}; root key slots: ${s.credentialReport.rootKeySlots}`;
  return [`| ${label} | ${mdCell(keys)} | ${mdCell(s.accountAccessKeysPresent ?? "unknown")} | ${mdCell(report)} |`];
}

/** Markdown for $GITHUB_STEP_SUMMARY, an incident ticket, and the bundle's human companion. */
export function remediationMarkdown(r: RemediationReport, level = 2): string {
  const h = "#".repeat(level);
  const lines = [
    `${h} ${ICON[r.result]} guardrails remediate ${mdText(r.accountId)} (${r.mode}): ${HEADLINE[r.result]}`,
    "",
    `Exit ${r.exitCode}. Started ${mdText(r.startedAt)}, finished ${mdText(r.finishedAt)}.`,
    "",
    ...r.reasons.map((x) => `- ${mdText(x)}`),
    "",
    "| Precondition | Status | Detail | Fix |",
    "|---|---|---|---|",
    ...r.preconditions.map((p) => `| ${mdCell(p.id)} | ${p.status} | ${mdCell(p.detail)} | ${mdCell(p.fix)} |`),
    "",
    mdText(sessionLine(r).trim()),
    "",
    "| State | Root access keys (root session) | AccountAccessKeysPresent | Credential report |",
    "|---|---|---|---|",
    ...stateRows("before", r.before),
    ...(r.after !== null ? stateRows("after", r.after) : []),
  ];
  if (r.deletions.length > 0) {
    lines.push("", "| Key | Status before | Result | Requested | Completed | Error |", "|---|---|---|---|---|---|");
    lines.push(...r.deletions.map((d) => `| ${mdCell(d.accessKeyId)} | ${mdCell(d.statusBefore)} | ${mdCell(d.result)} | ${mdCell(d.requestedAt)} | ${mdCell(d.completedAt)} | ${mdCell(d.error ?? "")} |`));
  }
  const problems = [...r.before.problems, ...(r.after?.problems ?? [])];
  if (problems.length > 0) lines.push("", "Problems:", "", ...problems.map((p) => `- ${mdText(p)}`));
  if (r.iam4RecheckAfter !== null) lines.push("", `IAM.4 can be re-checked on a fresh credential report after ${mdText(r.iam4RecheckAfter)}.`);
  lines.push(
    "",
    "<details><summary>Sources</summary>",
    "",
    "| Phase | Source | Account | Region | API | As | Read at | Summary |",
    "|---|---|---|---|---|---|---|---|",
    ...r.sources.map((s) => `| ${mdCell(s.phase)} | ${mdCell(s.name)} | ${mdCell(s.accountId)} | ${mdCell(s.region)} | ${mdCell(s.api)} | ${mdCell(s.principal)} | ${mdCell(s.observedAt)} | ${mdCell(s.summary)} |`),
    "",
    "</details>",
  );
  if (r.evidence !== null) lines.push("", `Evidence: ${mdCode(r.evidence.path)} (sha256 ${mdCode(r.evidence.sha256)}).`);
  return lines.join("\n");
}

export function renderRemediation(r: RemediationReport, format: RemediateOutput): string {
  const text = format === "json" ? JSON.stringify(remediationJson(r), null, 2) : format === "markdown" ? remediationMarkdown(r) : remediationText(r);
  return maskSecrets(text.endsWith("\n") ? text : `${text}\n`);
}
