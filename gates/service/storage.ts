/**
 * The service's two buckets:
 *  - the evidence bucket (security-tooling account, object lock): bundles and sweep indexes, written with
 *    the sweep's own writer (gates/sweep/evidence-bucket.ts: Content-MD5 and SHA-256 on every object);
 *  - the work bucket (the service's account, objects expire): the account list the Distributed Map reads,
 *    the findings shards and each batch's results, which the index step reads back.
 * Every call goes through callAws (timeout, retries, deadline), as the gate's other calls do.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { Deadline, callAws, type CallPolicy } from "../aws/call";
import { DEFAULTS, type EvidenceStore, type WrittenBundle } from "../options";
import { putEvidenceObject, type EvidenceBucketTarget } from "../sweep/evidence-bucket";
import type { OrgCall } from "../sweep/organization";
import type { ServiceSettings, ServiceTuning } from "./settings";

export class ServiceStorage {
  readonly s3: S3Client;

  constructor(
    readonly settings: ServiceSettings,
    private readonly tuning: ServiceTuning = {},
  ) {
    const endpoint = settings.endpointUrl;
    // Path-style only against a custom endpoint (local or VPC), as the sweep does: dotted bucket names break virtual hosts there.
    this.s3 = new S3Client({ region: settings.homeRegion, maxAttempts: 1, ...(endpoint !== undefined ? { endpoint, forcePathStyle: true } : {}) });
  }

  policy(budgetMs: number = this.settings.timeoutMs): CallPolicy {
    return { deadline: new Deadline(budgetMs), callTimeoutMs: this.settings.callTimeoutMs, retry: { ...DEFAULTS.retry, ...this.tuning.retry } };
  }

  call(budgetMs?: number): OrgCall {
    return (api, send) => callAws(api, this.policy(budgetMs), send);
  }

  async putJson(key: string, value: unknown): Promise<void> {
    const body = JSON.stringify(value);
    await this.call()("s3:PutObject", (abortSignal) =>
      this.s3.send(new PutObjectCommand({ Bucket: this.settings.workBucket, Key: key, Body: body, ContentType: "application/json" }), { abortSignal }),
    );
  }

  /** The object's JSON, or throws (a missing object is an error: every key read here was written by an earlier step). */
  async getJson(key: string): Promise<unknown> {
    const text = await this.call()("s3:GetObject", async (abortSignal) => {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.settings.workBucket, Key: key }), { abortSignal });
      return (await out.Body?.transformToString("utf8")) ?? "";
    });
    return JSON.parse(text) as unknown;
  }

  /** Every key under the prefix (ListObjectsV2, 1,000 a page). */
  async listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const out = await this.call()("s3:ListBucket", (abortSignal) =>
        this.s3.send(new ListObjectsV2Command({ Bucket: this.settings.workBucket, Prefix: prefix, ContinuationToken: token }), { abortSignal }),
      );
      for (const o of out.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
      token = out.IsTruncated === true ? out.NextContinuationToken : undefined;
      if (token === undefined) return keys;
    }
    throw new Error(`s3://${this.settings.workBucket}/${prefix}: listing did not end`);
  }

  /** Where a run's or an account's evidence goes in the evidence bucket. */
  evidenceTarget(...path: string[]): EvidenceBucketTarget {
    return { bucket: this.settings.evidenceBucket, prefix: [this.settings.evidencePrefix, ...path].filter((p) => p !== "").join("/") };
  }

  /** Copies a local evidence file to the bucket under `target`; returns its s3:// location. */
  async putEvidenceFile(target: EvidenceBucketTarget, path: string): Promise<string> {
    const put = await putEvidenceObject(this.s3, this.call(), target, basename(path), await readFile(path));
    return `s3://${target.bucket}/${put.key}`;
  }

  /** The promote and sweep bundles' store: Markdown first, the JSON (the proof) last, as writeBundle does. */
  evidenceStore(target: EvidenceBucketTarget): EvidenceStore {
    return {
      store: async (bundle: WrittenBundle) => {
        await this.putEvidenceFile(target, bundle.markdownPath);
        return this.putEvidenceFile(target, bundle.jsonPath);
      },
      remove: (location) =>
        // Object lock in COMPLIANCE mode: no one can delete a version before its retention ends (modules/evidence-bucket).
        Promise.reject(new Error(`${location} is in the object-locked evidence bucket, which keeps it until its retention ends`)),
    };
  }

  destroy(): void {
    this.s3.destroy();
  }
}
