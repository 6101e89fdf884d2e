/** Renderers for a DiffReport: Markdown (PR comment / $GITHUB_STEP_SUMMARY), text, JSON. */
import type { Classification, DiffReport, GuardrailChange } from "./model";

export type OutputFormat = "markdown" | "text" | "json";

/** 1 when anything is weakened (unless allowed), else 0. Bad input (2) is decided by the loader. */
export function exitCodeForReport(report: DiffReport, allowWeakening: boolean): 0 | 1 {
  return report.counts.weakened > 0 && !allowWeakening ? 1 : 0;
}

function verdictLine(report: DiffReport): string {
  const { weakened, strengthened, neutral } = report.counts;
  if (report.verdict === "unchanged") return "No guardrail changes.";
  const parts = [`${weakened} weakened`, `${strengthened} strengthened`, `${neutral} neutral`].join(", ");
  return weakened ? `Guardrails WEAKENED (${parts}).` : `No guardrail weakened (${parts}).`;
}

const HEADINGS: Record<Classification, string> = { weakened: "Weakened", strengthened: "Strengthened", neutral: "Other changes" };
const ICONS: Record<Classification, string> = { weakened: "🔴", strengthened: "🟢", neutral: "⚪" };

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function markdown(report: DiffReport): string {
  const lines = [`### ${report.counts.weakened ? "❌" : "✅"} ${verdictLine(report)}`, ""];
  for (const note of report.notes) lines.push(`> **Note:** ${note}`, "");
  for (const cls of ["weakened", "strengthened", "neutral"] as const) {
    const items = report.changes.filter((c) => c.classification === cls);
    if (!items.length) continue;
    lines.push(`#### ${ICONS[cls]} ${HEADINGS[cls]} (${items.length})`, "", "| Guardrail | Change | Resource |", "|---|---|---|");
    for (const c of items) lines.push(`| ${cell(c.identity)} | ${cell(c.explanation)} | \`${cell(c.address)}\` |`);
    lines.push("");
  }
  lines.push(`<sub>guardrails diff: base \`${cell(report.base)}\` → head \`${cell(report.head)}\`</sub>`, "");
  return lines.join("\n");
}

function plain(report: DiffReport): string {
  const line = (c: GuardrailChange) => `  ${c.classification.toUpperCase().padEnd(12)} ${c.identity}: ${c.explanation} [${c.address}]`;
  return [verdictLine(report), ...report.notes.map((n) => `Note: ${n}`), ...report.changes.map(line), ""].join("\n");
}

export function renderReport(report: DiffReport, format: OutputFormat): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  return format === "markdown" ? markdown(report) : plain(report);
}
