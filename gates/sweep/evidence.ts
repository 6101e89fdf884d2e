/**
 * Sweep evidence (DESIGN.md section 6): one bundle per account, every account in scope included
 * (an account whose check did not complete gets a bundle recording its INCONCLUSIVE verdict and why),
 * plus an index naming each bundle with its verdict, check time and digest, the accounts skipped as
 * not ACTIVE (with --revoke, what became of their ready tag) and the sweep's errors, digested itself.
 * `guardrails verify <index>` re-checks the index and every bundle it names.
 */
import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { buildBundle, buildIndex, writeBundle, writeIndex } from "../evidence/bundle";
import type { IndexExtras } from "../evidence/index-file";
import type { EvidenceIndexEntry } from "../evidence/schema";
import type { AccountVerdict } from "../types";
import { putEvidenceObject, type EvidenceBucketTarget } from "./evidence-bucket";
import type { OrgCall } from "./organization";
import { runPool } from "./scheduler";
import type { S3Client } from "@aws-sdk/client-s3";

export interface EvidenceUpload {
  s3: S3Client;
  target: EvidenceBucketTarget;
  call: OrgCall;
  concurrency?: number;
}

export interface SweepEvidence {
  accounts: AccountVerdict[];
  index: { path: string; sha256: string };
  /** Object keys written to the bucket (index last). */
  uploaded: string[];
  /** One sentence per object that could not be written: the evidence promised is incomplete. */
  uploadErrors: string[];
}

/** Bundles exist as `<stem>.json` + `<stem>.md` next to each other (gate-core's writeBundle). */
function markdownPathOf(jsonPath: string): string {
  return jsonPath.replace(/\.json$/, ".md");
}

export async function writeSweepEvidence(
  accounts: readonly AccountVerdict[],
  evidenceDir: string,
  generatedAt: string,
  upload?: EvidenceUpload,
  extras: IndexExtras = {},
): Promise<SweepEvidence> {
  const withEvidence: AccountVerdict[] = [];
  for (const v of accounts) {
    if (v.evidence !== null) {
      withEvidence.push(v);
      continue;
    }
    // Not checked (error, watchdog, interruption): the bundle still records the verdict and the reason.
    const written = await writeBundle(evidenceDir, buildBundle({ verdict: v, config: null }));
    withEvidence.push({ ...v, evidence: { path: written.jsonPath, sha256: written.sha256 } });
  }
  const entries: EvidenceIndexEntry[] = withEvidence.map((v) => ({
    accountId: v.accountId,
    verdict: v.verdict,
    checkedAt: v.checkedAt,
    sha256: (v.evidence as { sha256: string }).sha256,
    // Relative to the index, so the directory (or the bucket prefix) can be copied as a whole.
    path: relative(evidenceDir, (v.evidence as { path: string }).path).split("\\").join("/"),
  }));
  const index = await writeIndex(evidenceDir, buildIndex(entries, generatedAt, extras));
  const result: SweepEvidence = { accounts: withEvidence, index, uploaded: [], uploadErrors: [] };
  if (upload === undefined) return result;

  const files = withEvidence.flatMap((v) => {
    const json = (v.evidence as { path: string }).path;
    return [json, markdownPathOf(json)];
  });
  const put = async (path: string): Promise<void> => {
    const key = relative(evidenceDir, path).split("\\").join("/");
    try {
      const done = await putEvidenceObject(upload.s3, upload.call, upload.target, key, await readFile(path));
      result.uploaded.push(done.key);
    } catch (err) {
      result.uploadErrors.push(`could not write ${key} to s3://${upload.target.bucket}/${upload.target.prefix}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  await runPool(files, put, { concurrency: upload.concurrency ?? 8 });
  // The index goes last: once it is in the bucket, every object it names is there.
  if (result.uploadErrors.length === 0) await put(index.path);
  else result.uploadErrors.push("the index was not written to the bucket because some bundles were not");
  return result;
}
