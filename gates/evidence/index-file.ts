/**
 * Sweep index: one entry per account's bundle, with the bundle's digest (DESIGN.md section 6), the
 * accounts skipped as not ACTIVE, and what the sweep could not do (e.g. list the accounts).
 * `IndexStream` writes the same file entry by entry as accounts finish, so a sweep of 10,000 accounts
 * never holds the index in memory: `entries` sorts first among the index's keys (RFC 8785 orders
 * members by key), so the canonical form is the entries followed by the rest, and the digest is
 * computed over it as it is written.
 */
import { createHash, randomBytes, type Hash } from "node:crypto";
import { mkdir, open, rename, rm, writeFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { canonicalJson, digestWithoutField, maskDeep } from "./digest";
import { BUNDLE_SCHEMA_VERSION, type EvidenceIndex, type EvidenceIndexEntry, type EvidenceIndexError, type EvidenceIndexSkipped } from "./schema";

/** What the index says beyond the bundles: accounts skipped as not ACTIVE, and what the sweep could not do. */
export interface IndexExtras {
  skipped?: readonly EvidenceIndexSkipped[];
  errors?: readonly EvidenceIndexError[];
}

function indexEntry(e: EvidenceIndexEntry): EvidenceIndexEntry {
  return { accountId: e.accountId, verdict: e.verdict, checkedAt: e.checkedAt, sha256: e.sha256, path: e.path };
}

/** Everything of the index but its entries and digest. */
function indexRest(generatedAt: string, extras: IndexExtras): Omit<EvidenceIndex, "sha256" | "entries"> {
  return {
    schemaVersion: BUNDLE_SCHEMA_VERSION,
    kind: "index",
    generatedAt,
    skipped: (extras.skipped ?? []).map((a) => ({
      accountId: a.accountId,
      status: a.status,
      marked: a.marked === null ? null : { tag: a.marked.tag, value: a.marked.value, changed: a.marked.changed },
      reasons: [...a.reasons],
    })),
    errors: (extras.errors ?? []).map((e) => ({ kind: e.kind, accountId: e.accountId, reason: e.reason })),
  };
}

export function buildIndex(entries: readonly EvidenceIndexEntry[], generatedAt: string = new Date().toISOString(), extras: IndexExtras = {}): EvidenceIndex {
  const plain: Omit<EvidenceIndex, "sha256"> = { ...indexRest(generatedAt, extras), entries: entries.map(indexEntry) };
  const unsigned = maskDeep(plain);
  return { ...unsigned, sha256: digestWithoutField(unsigned) };
}

function indexFileName(generatedAt: string): string {
  return `guardrails-evidence-index-${generatedAt.replace(/[^A-Za-z0-9._-]/g, "-")}.json`;
}

/**
 * The index written as the sweep goes: `append` each entry (in the order accounts finish), then `close`
 * with the skipped accounts and errors. Until closed the file has a temporary name, so no reader ever
 * takes a partial index for a whole one. Produces the same bytes as writeIndex(buildIndex(...)) for the
 * same entries in the same order.
 */
export class IndexStream {
  private written: Promise<void> = Promise.resolve();
  private count = 0;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly tmpPath: string,
    private readonly file: FileHandle,
    private readonly hash: Hash,
  ) {}

  static async open(dir: string): Promise<IndexStream> {
    await mkdir(dir, { recursive: true });
    const tmpPath = join(dir, `.guardrails-evidence-index-${process.pid}-${randomBytes(4).toString("hex")}.partial`);
    const file = await open(tmpPath, "w");
    const stream = new IndexStream(dir, tmpPath, file, createHash("sha256"));
    stream.write(`{"entries":[`);
    await stream.written;
    return stream;
  }

  /** Appends to the file and the digest, one write after the other (the order of the calls). */
  private write(text: string): void {
    this.hash.update(text, "utf8");
    this.written = this.written.then(async () => {
      await this.file.write(text, null, "utf8");
    });
  }

  get entries(): number {
    return this.count;
  }

  append(entry: EvidenceIndexEntry): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the evidence index is already closed"));
    this.write((this.count > 0 ? "," : "") + canonicalJson(maskDeep(indexEntry(entry))));
    this.count++;
    return this.written;
  }

  async close(generatedAt: string, extras: IndexExtras = {}): Promise<{ path: string; sha256: string }> {
    this.closed = true;
    const rest = maskDeep(indexRest(generatedAt, extras));
    // The splice below is the canonical form only while "entries" sorts before every other key.
    if (Object.keys(rest).some((k) => k <= "entries")) throw new Error("index keys no longer sort after entries: cannot stream the index");
    const unsignedTail = `],${canonicalJson(rest).slice(1)}`;
    const sha256 = this.hash.update(unsignedTail, "utf8").digest("hex");
    const signedTail = `],${canonicalJson({ ...rest, sha256 }).slice(1)}\n`;
    this.written = this.written.then(async () => {
      await this.file.write(signedTail, null, "utf8");
    });
    try {
      await this.written;
    } finally {
      await this.file.close();
    }
    const path = join(this.dir, indexFileName(generatedAt));
    await rename(this.tmpPath, path);
    return { path, sha256 };
  }

  /** Gives up on the index (nothing is left behind under the index's name). */
  async discard(): Promise<void> {
    this.closed = true;
    await this.written.catch(() => undefined);
    await this.file.close().catch(() => undefined);
    await rm(this.tmpPath, { force: true });
  }
}

/** Writes `guardrails-evidence-index-<generatedAt>.json`; entry paths should be relative to `dir`. */
export async function writeIndex(dir: string, index: EvidenceIndex): Promise<{ path: string; sha256: string }> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, indexFileName(index.generatedAt));
  await writeFile(path, canonicalJson(index) + "\n", "utf8");
  return { path, sha256: index.sha256 };
}
