/**
 * The preflight report as text (terminal, CI log), JSON (the contract: {schemaVersion, ready, checks}) or
 * Markdown (PR comment, $GITHUB_STEP_SUMMARY). Text and Markdown keep per-account findings to the detail's
 * short lists; JSON carries every one.
 */
import { preflightExitCode, type CheckStatus, type PreflightReport } from "./types";

export const PREFLIGHT_OUTPUTS = ["text", "json", "markdown"] as const;
export type PreflightOutput = (typeof PREFLIGHT_OUTPUTS)[number];

const VERDICT = { 0: "READY", 1: "NOT READY", 3: "NOT READY (incomplete)" } as const;

function summary(r: PreflightReport): string {
  const count = (s: CheckStatus): number => r.checks.filter((c) => c.status === s).length;
  const code = preflightExitCode(r.checks);
  return `guardrails preflight: ${VERDICT[code]} (exit ${code}): ${count("ok")} ok, ${count("missing")} missing, ${count("conflict")} conflict, ${count("unknown")} unknown`;
}

export function preflightText(r: PreflightReport): string {
  const width = Math.max(...r.checks.map((c) => c.id.length));
  const lines = [summary(r), ""];
  for (const c of r.checks) {
    lines.push(`${c.status.padEnd(8)} ${c.id.padEnd(width)}  ${c.detail}`);
    const pad = " ".repeat(9 + width + 2);
    c.fix.split("\n").forEach((line, i) => {
      if (line !== "") lines.push(`${pad}${i === 0 ? "fix: " : "     "}${line}`);
    });
  }
  return `${lines.join("\n")}\n`;
}

export function preflightJson(r: PreflightReport): string {
  return `${JSON.stringify({ schemaVersion: r.schemaVersion, ready: r.ready, checks: r.checks }, null, 2)}\n`;
}

/** What Markdown or HTML would swallow in a table cell (`<root>` stays visible, `|` does not split cells). */
export function markdownCell(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/([*_`[\]])/g, "\\$1")
    .replace(/\r?\n/g, "<br>");
}

function fence(code: string): string {
  const longest = Math.max(2, ...(code.match(/`+/g) ?? []).map((m) => m.length));
  const f = "`".repeat(longest + 1);
  return `${f}sh\n${code}\n${f}`;
}

const ICON: Record<CheckStatus, string> = { ok: "✅", missing: "❌", conflict: "❌", unknown: "⚠️" };

export function preflightMarkdown(r: PreflightReport): string {
  const lines = [`## ${r.ready ? "✅" : "❌"} ${summary(r)}`, "", "| Check | Status | Detail |", "|---|---|---|"];
  for (const c of r.checks) lines.push(`| ${c.id} | ${ICON[c.status]} ${c.status} | ${markdownCell(c.detail)} |`);
  const todo = r.checks.filter((c) => c.fix !== "");
  if (todo.length > 0) {
    lines.push("", "### Fixes");
    for (const c of todo) lines.push("", `**${c.id}** (${c.status})`, "", fence(c.fix));
  }
  return `${lines.join("\n")}\n`;
}

export function renderPreflight(r: PreflightReport, format: PreflightOutput): string {
  switch (format) {
    case "json":
      return preflightJson(r);
    case "markdown":
      return preflightMarkdown(r);
    default:
      return preflightText(r);
  }
}
