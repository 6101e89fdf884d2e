/**
 * One evidence bundle per remediation (DESIGN.md section 11): the report (before, each deletion with its time,
 * after, every source) as RFC 8785 canonical JSON whose sha256 covers everything but that field, plus a
 * Markdown companion. `guardrails verify` recomputes the digest and checks remediation-schema.ts.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { canonicalJson, configDigest, digestWithoutField, maskDeep } from "../evidence/digest";
import { safeFileComponent } from "../evidence/bundle";
import type { RemediationBundle } from "../evidence/remediation-schema";
import { mdCode } from "../render/markdown-escape";
import { GATE_NAME, gateVersion } from "../version";
import { remediationMarkdown } from "./render";
import type { RemediationReport } from "./types";

export function buildRemediationBundle(report: RemediationReport, settings: Record<string, unknown>, version: string = gateVersion()): RemediationBundle {
  // The bundle cannot name its own path and digest.
  const { evidence: _self, schemaVersion, ...rest } = report;
  void _self;
  const unsigned = { schemaVersion, kind: "remediation" as const, gate: { name: GATE_NAME, version }, configDigest: configDigest(settings), ...rest };
  // Mask before digesting, so the digest covers exactly what is written.
  const masked = maskDeep(unsigned);
  return { ...masked, sha256: digestWithoutField(masked) };
}

export function remediationBundleMarkdown(b: RemediationBundle): string {
  const { sha256, gate, configDigest: digest, kind: _kind, ...report } = b;
  void _kind;
  return [
    remediationMarkdown({ ...report, evidence: null }, 1),
    "",
    `Gate: ${gate.name} ${gate.version}; settings sha256: ${mdCode(digest ?? "none")}. Bundle sha256 (canonical JSON without this field): ${mdCode(sha256)}.`,
    "",
  ].join("\n");
}

export async function writeRemediationBundle(dir: string, report: RemediationReport, settings: Record<string, unknown>): Promise<{ jsonPath: string; markdownPath: string; sha256: string }> {
  const bundle = buildRemediationBundle(report, settings);
  await mkdir(dir, { recursive: true });
  const stem = `guardrails-remediation-${safeFileComponent(bundle.accountId)}-${safeFileComponent(bundle.startedAt)}-${bundle.mode}`;
  const jsonPath = join(dir, `${stem}.json`);
  const markdownPath = join(dir, `${stem}.md`);
  // The JSON (the proof) last: a write that fails half way never leaves a JSON without its companion.
  await writeFile(markdownPath, remediationBundleMarkdown(bundle), "utf8");
  await writeFile(jsonPath, canonicalJson(bundle) + "\n", "utf8");
  return { jsonPath, markdownPath, sha256: bundle.sha256 };
}
