/**
 * Writing sweep evidence (bundles and the index) to the evidence bucket. The bucket has Object Lock
 * (DESIGN.md section 3), which requires an integrity header on every PutObject: each object is sent
 * with Content-MD5 and x-amz-checksum-sha256 (S3 verifies both and stores the SHA-256, so an auditor
 * can compare it with the index without downloading), and the right content type.
 */
import { createHash } from "node:crypto";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { OrgCall } from "./organization";

export interface EvidenceBucketTarget {
  bucket: string;
  /** Key prefix without leading or trailing slash ("" for the bucket root). */
  prefix: string;
}

/** S3 bucket naming rules (the common subset): 3-63 chars, lowercase, digits, dots and hyphens. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket/prefix` → target; throws with a usage message otherwise (exit 2, nothing sent). */
export function parseEvidenceBucket(url: string): EvidenceBucketTarget {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (match === null) throw new Error(`--evidence-bucket ${JSON.stringify(url)} is not an s3://bucket/prefix URL`);
  const bucket = match[1] ?? "";
  if (!BUCKET_NAME.test(bucket) || bucket.includes("..")) throw new Error(`--evidence-bucket: ${JSON.stringify(bucket)} is not a valid S3 bucket name`);
  const prefix = (match[2] ?? "").replace(/^\/+|\/+$/g, "");
  return { bucket, prefix };
}

export function objectKey(target: EvidenceBucketTarget, relativeKey: string): string {
  return target.prefix === "" ? relativeKey : `${target.prefix}/${relativeKey}`;
}

export function contentTypeFor(key: string): string {
  return key.endsWith(".json") ? "application/json" : key.endsWith(".md") ? "text/markdown; charset=utf-8" : "application/octet-stream";
}

export interface PutEvidenceResult {
  key: string;
  sha256: string;
}

/** One evidence object; throws (the caller reports the failure) rather than ever skipping silently. */
export async function putEvidenceObject(s3: S3Client, call: OrgCall, target: EvidenceBucketTarget, relativeKey: string, body: Buffer): Promise<PutEvidenceResult> {
  const key = objectKey(target, relativeKey);
  const sha256 = createHash("sha256").update(body).digest();
  await call("s3:PutObject", (abortSignal) =>
    s3.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: key,
        Body: body,
        ContentType: contentTypeFor(key),
        ContentMD5: createHash("md5").update(body).digest("base64"),
        ChecksumSHA256: sha256.toString("base64"),
      }),
      { abortSignal },
    ),
  );
  return { key, sha256: sha256.toString("hex") };
}
