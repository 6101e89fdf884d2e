/**
 * Sweep index: one entry per account's bundle, with the bundle's digest (DESIGN.md section 6), the
 * accounts skipped as not ACTIVE, and what the sweep could not do (e.g. list the accounts).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { canonicalJson, digestWithoutField, maskDeep } from "./digest";
import { BUNDLE_SCHEMA_VERSION, type EvidenceIndex, type EvidenceIndexEntry, type EvidenceIndexError, type EvidenceIndexSkipped } from "./schema";

/** What the index says beyond the bundles: accounts skipped as not ACTIVE, and what the sweep could not do. */
export interface IndexExtras {
  skipped?: readonly EvidenceIndexSkipped[];
  errors?: readonly EvidenceIndexError[];
}

export function buildIndex(entries: readonly EvidenceIndexEntry[], generatedAt: string = new Date().toISOString(), extras: IndexExtras = {}): EvidenceIndex {
  const plain: Omit<EvidenceIndex, "sha256"> = {
    schemaVersion: BUNDLE_SCHEMA_VERSION,
    kind: "index",
    generatedAt,
    entries: entries.map((e) => ({ accountId: e.accountId, verdict: e.verdict, checkedAt: e.checkedAt, sha256: e.sha256, path: e.path })),
    skipped: (extras.skipped ?? []).map((a) => ({
      accountId: a.accountId,
      status: a.status,
      marked: a.marked === null ? null : { tag: a.marked.tag, value: a.marked.value, changed: a.marked.changed },
      reasons: [...a.reasons],
    })),
    errors: (extras.errors ?? []).map((e) => ({ kind: e.kind, accountId: e.accountId, reason: e.reason })),
  };
  const unsigned = maskDeep(plain);
  return { ...unsigned, sha256: digestWithoutField(unsigned) };
}

/** Writes `guardrails-evidence-index-<generatedAt>.json`; entry paths should be relative to `dir`. */
export async function writeIndex(dir: string, index: EvidenceIndex): Promise<{ path: string; sha256: string }> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `guardrails-evidence-index-${index.generatedAt.replace(/[^A-Za-z0-9._-]/g, "-")}.json`);
  await writeFile(path, canonicalJson(index) + "\n", "utf8");
  return { path, sha256: index.sha256 };
}
