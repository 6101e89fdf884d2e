/**
 * Evidence bundles (DESIGN.md section 6): one canonical JSON + one Markdown file per account per
 * check. The JSON is RFC 8785 canonical; its `sha256` is the digest of the canonical form of the
 * bundle without that field, so `verify` can recompute it from the file alone.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseCredentialReport } from "../credential-report";
import { maskAccessKeyId } from "../mask";
import { GATE_NAME, gateVersion } from "../version";
import type { AccessKeyException, AccountVerdict, FindingSummary, Iam4Evidence } from "../types";
import { canonicalJson, configDigest, digestWithoutField, maskDeep } from "./digest";
import { renderBundleMarkdown } from "./markdown";
import { BUNDLE_SCHEMA_VERSION, type AppliedExceptionRecord, type BundleFinding, type EvidenceBundle } from "./schema";

export type { AppliedExceptionRecord, EvidenceBundle, EvidenceIndex, EvidenceIndexEntry } from "./schema";
export { configDigest } from "./digest";
export { renderBundleMarkdown } from "./markdown";
export { buildIndex, writeIndex } from "./index-file";
export { verifyBundleFile, type VerifyResult } from "./verify";
export { gateVersion } from "../version";

export interface BundleInput {
  verdict: AccountVerdict;
  /** IAM.4's raw evidence: gives the root row, the summary value and the IAM.4 findings. */
  iam4?: Iam4Evidence;
  /** Other findings read for this account (e.g. IAM.3), recorded by id / status / updatedAt. */
  findings?: readonly FindingSummary[];
  /** Exceptions that covered violations at check time (the IAM.3 decision fills this). */
  exceptionsApplied?: readonly AppliedExceptionRecord[];
  /** The effective configuration; its canonical sha256 is recorded. null when there is none. */
  config: unknown;
  /** Defaults to the version in the package's package.json. */
  gateVersion?: string;
}

/** An exceptions-register entry as it is recorded once it covered a violation (key id masked in the bundle). */
export function appliedException(control: string, x: AccessKeyException): AppliedExceptionRecord {
  return {
    control,
    account: x.account,
    user: x.user,
    accessKeyId: x.accessKeyId ?? null,
    reason: x.reason,
    approver: x.approver,
    ticket: x.ticket,
    approvedAt: x.approvedAt,
    expires: x.expires,
  };
}

function findingRecord(f: FindingSummary): BundleFinding {
  return {
    id: f.id,
    generatorId: f.generatorId,
    securityControlId: f.securityControlId,
    complianceStatus: f.complianceStatus,
    statusReasonCodes: [...f.statusReasonCodes],
    workflowStatus: f.workflowStatus,
    recordState: f.recordState,
    accountId: f.awsAccountId,
    region: f.region,
    productArn: f.productArn,
    updatedAt: f.updatedAt,
    lastObservedAt: f.lastObservedAt,
    resourceIds: [...f.resourceIds],
  };
}

function rootRowRecord(e: Iam4Evidence): EvidenceBundle["rootRow"] {
  const read = e.credentialReport;
  const where = { observedAt: read.observedAt, accountId: read.accountId, region: read.region, api: read.api };
  if (!read.ok) return { ...where, reportGeneratedAt: null, fields: null, problem: `${read.kind}: ${read.message}` };
  const parsed = parseCredentialReport(read.value.content, { accountId: e.accountId, partition: e.partition });
  return {
    ...where,
    reportGeneratedAt: read.value.generatedTime,
    fields: parsed.root?.fields ?? null,
    problem: parsed.structuralError,
  };
}

function accountSummaryRecord(e: Iam4Evidence): EvidenceBundle["accountSummary"] {
  const read = e.accountSummary;
  const where = { observedAt: read.observedAt, accountId: read.accountId, region: read.region, api: read.api };
  if (!read.ok) return { ...where, accountAccessKeysPresent: null, read: `${read.kind}: ${read.message}` };
  return { ...where, accountAccessKeysPresent: read.value.accountAccessKeysPresent, read: "ok" };
}

export function buildBundle(input: BundleInput): EvidenceBundle {
  const v = input.verdict;
  const findings = [...(input.iam4?.findings.ok ? input.iam4.findings.value : []), ...(input.findings ?? [])];
  const seen = new Set<string>();
  const uniqueFindings = findings.filter((f) => (seen.has(f.id) ? false : (seen.add(f.id), true)));
  const unsigned: Omit<EvidenceBundle, "sha256"> = {
    schemaVersion: BUNDLE_SCHEMA_VERSION,
    kind: "bundle",
    gate: { name: GATE_NAME, version: input.gateVersion ?? gateVersion() },
    configDigest: input.config === null || input.config === undefined ? null : configDigest(input.config),
    accountId: v.accountId,
    checkedAt: v.checkedAt,
    verdict: v.verdict,
    productionReady: v.productionReady,
    controls: v.controls.map((c) => ({
      id: c.id,
      verdict: c.verdict,
      required: c.required,
      reasons: [...c.reasons],
      sources: c.sources.map((s) => ({ name: s.name, observedAt: s.observedAt, summary: s.summary, accountId: s.accountId ?? null, region: s.region ?? null, api: s.api ?? null })),
    })),
    accountSummary: input.iam4 ? accountSummaryRecord(input.iam4) : null,
    rootRow: input.iam4 ? rootRowRecord(input.iam4) : null,
    findings: uniqueFindings.map(findingRecord),
    exceptionsApplied: (input.exceptionsApplied ?? []).map((x) => ({ ...x, accessKeyId: x.accessKeyId === null ? null : maskAccessKeyId(x.accessKeyId) })),
    marked: v.marked === null ? null : { tag: v.marked.tag, value: v.marked.value, changed: v.marked.changed },
  };
  // Mask before digesting, so the digest covers exactly what is written.
  const masked = maskDeep(unsigned);
  return { ...masked, sha256: digestWithoutField(masked) };
}

/** The bundle file's content: RFC 8785 canonical JSON of the whole bundle (digest included). */
export function canonicalBundle(bundle: EvidenceBundle): string {
  return canonicalJson(bundle);
}

/** File-name-safe form of an id or timestamp: `2026-11-22T10:00:00Z` -> `2026-11-22T10-00-00Z`. */
export function safeFileComponent(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, "-");
}

/** `suffix` tells apart two bundles of one check (promote keeps the one a tag may name). */
export function bundleFileStem(bundle: Pick<EvidenceBundle, "accountId" | "checkedAt">, suffix = ""): string {
  return `guardrails-evidence-${safeFileComponent(bundle.accountId)}-${safeFileComponent(bundle.checkedAt)}${safeFileComponent(suffix)}`;
}

export async function writeBundle(dir: string, bundle: EvidenceBundle, suffix = ""): Promise<{ jsonPath: string; markdownPath: string; sha256: string }> {
  await mkdir(dir, { recursive: true });
  const stem = bundleFileStem(bundle, suffix);
  const jsonPath = join(dir, `${stem}.json`);
  const markdownPath = join(dir, `${stem}.md`);
  // The JSON (the proof) last: a write that fails half way never leaves a JSON without its companion.
  await writeFile(markdownPath, renderBundleMarkdown(bundle), "utf8");
  await writeFile(jsonPath, canonicalBundle(bundle) + "\n", "utf8");
  return { jsonPath, markdownPath, sha256: bundle.sha256 };
}
