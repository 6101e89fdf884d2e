/**
 * Sweep evidence (DESIGN.md section 6): one bundle per account, every account in scope included
 * (an account whose check did not complete gets a bundle recording its INCONCLUSIVE verdict and why),
 * plus an index naming each bundle with its verdict, check time and digest, the accounts skipped as
 * not ACTIVE (with --revoke, what became of their ready tag) and the sweep's errors, digested itself.
 * `guardrails verify <index>` re-checks the index and every bundle it names.
 *
 * The index is streamed (gates/evidence/index-file.ts IndexStream): each account's entry is written
 * as soon as its bundle is, so memory does not grow with the organization; entries are in the order
 * accounts finished.
 */
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { buildBundle, writeBundle } from "../evidence/bundle";
import { IndexStream, type IndexExtras } from "../evidence/index-file";
import type { AccountVerdict, EvidenceRef } from "../types";
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
  /** The sweep's verdicts, each with its bundle (set when the writer was given the result). */
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

/** Relative to the index, so the directory (or the bucket prefix) can be copied as a whole. */
function relativeKey(dir: string, path: string): string {
  return relative(dir, path).split("\\").join("/");
}

/** Bundles and the index of one sweep, written as accounts finish. */
export class SweepEvidenceWriter {
  /** Bundle paths named by the index so far (relative), for the upload once the sweep is done. */
  private readonly named: string[] = [];
  private readonly entered = new Set<string>();

  private constructor(
    readonly dir: string,
    private readonly index: IndexStream,
  ) {}

  static async open(dir: string): Promise<SweepEvidenceWriter> {
    return new SweepEvidenceWriter(dir, await IndexStream.open(dir));
  }

  /**
   * Names the account's bundle in the index, writing a bundle of the verdict alone first when it has
   * none (not checked: error, watchdog, interruption). An account is entered once; a second call
   * returns the verdict unchanged.
   */
  async add(verdict: AccountVerdict): Promise<AccountVerdict> {
    if (this.entered.has(verdict.accountId)) return verdict;
    this.entered.add(verdict.accountId);
    let evidence: EvidenceRef | null = verdict.evidence;
    if (evidence === null) {
      const written = await writeBundle(this.dir, buildBundle({ verdict, config: null }));
      evidence = { path: written.jsonPath, sha256: written.sha256 };
    }
    const path = relativeKey(this.dir, evidence.path);
    await this.index.append({ accountId: verdict.accountId, verdict: verdict.verdict, checkedAt: verdict.checkedAt, sha256: evidence.sha256, path });
    this.named.push(path);
    return { ...verdict, evidence };
  }

  get entries(): number {
    return this.index.entries;
  }

  /** Closes the index (skipped accounts, errors) and, when asked, copies bundles then the index to the bucket. */
  async finish(generatedAt: string, extras: IndexExtras = {}, upload?: EvidenceUpload): Promise<Omit<SweepEvidence, "accounts">> {
    const index = await this.index.close(generatedAt, extras);
    const result = { index, uploaded: [] as string[], uploadErrors: [] as string[] };
    if (upload === undefined) return result;
    const files = this.named.flatMap((key) => [key, markdownPathOf(key)]);
    const put = async (key: string): Promise<void> => {
      try {
        const done = await putEvidenceObject(upload.s3, upload.call, upload.target, key, await readFile(join(this.dir, key)));
        result.uploaded.push(done.key);
      } catch (err) {
        result.uploadErrors.push(`could not write ${key} to s3://${upload.target.bucket}/${upload.target.prefix}: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    await runPool(files, put, { concurrency: upload.concurrency ?? 8 });
    // The index goes last: once it is in the bucket, every object it names is there.
    if (result.uploadErrors.length === 0) await put(relativeKey(this.dir, index.path));
    else result.uploadErrors.push("the index was not written to the bucket because some bundles were not");
    return result;
  }

  async discard(): Promise<void> {
    await this.index.discard();
  }
}

/** Bundles (for verdicts without one) and the index for a finished list of verdicts, in their order. */
export async function writeSweepEvidence(
  accounts: readonly AccountVerdict[],
  evidenceDir: string,
  generatedAt: string,
  upload?: EvidenceUpload,
  extras: IndexExtras = {},
): Promise<SweepEvidence> {
  const writer = await SweepEvidenceWriter.open(evidenceDir);
  const withEvidence: AccountVerdict[] = [];
  for (const v of accounts) withEvidence.push(await writer.add(v));
  return { accounts: withEvidence, ...(await writer.finish(generatedAt, extras, upload)) };
}
