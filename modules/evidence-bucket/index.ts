/**
 * The evidence bucket (security-tooling account): versioned, encrypted, never public, object lock in
 * COMPLIANCE mode so no one (root included) can delete or overwrite a bundle before retention ends.
 */
import { Construct } from "constructs";
import {
  S3Bucket,
  S3BucketObjectLockConfigurationA,
  S3BucketOwnershipControls,
  S3BucketPolicy,
  S3BucketPublicAccessBlock,
  S3BucketServerSideEncryptionConfigurationA,
  S3BucketVersioningA,
} from "../aws";
import type { Partition } from "../config/regions";

export interface EvidenceBucketProps {
  readonly partition: Partition;
  readonly bucketName: string;
  /** Object-lock retention, COMPLIANCE mode. */
  readonly retentionDays: number;
  /** Principals (e.g. the vending pipeline's role) allowed to write bundles from other accounts. @default [] */
  readonly writerPrincipalArns?: readonly string[];
}

export class EvidenceBucket extends Construct {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: EvidenceBucketProps) {
    super(scope, id);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.bucketName)) throw new Error(`EvidenceBucket: bucketName "${props.bucketName}" is not an S3 bucket name`);
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1) throw new Error(`EvidenceBucket: retentionDays ${props.retentionDays} is not a positive integer`);

    // Object lock can only be switched on when the bucket is created.
    this.bucket = new S3Bucket(this, "bucket", { bucket: props.bucketName, objectLockEnabled: true, forceDestroy: false });
    const bucket = this.bucket.id;
    const versioning = new S3BucketVersioningA(this, "versioning", { bucket, versioningConfiguration: { status: "Enabled" } });
    // SSE-S3, not SSE-KMS: writers are in other accounts and cannot use this account's AWS-managed KMS key.
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    // Objects written from other accounts belong to the bucket owner (no ACLs).
    new S3BucketOwnershipControls(this, "ownership", { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketObjectLockConfigurationA(this, "object-lock", {
      bucket,
      rule: { defaultRetention: { mode: "COMPLIANCE", days: props.retentionDays } },
      dependsOn: [versioning],
    });

    const bucketArn = `arn:${props.partition}:s3:::${props.bucketName}`;
    const writers = [...(props.writerPrincipalArns ?? [])];
    const writerAccounts = [...new Set(writers.map((arn) => arn.split(":")[4] ?? ""))];
    const statements: Record<string, unknown>[] = [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ];
    if (writers.length > 0) {
      statements.push({
        Sid: "GateWritesEvidence",
        Effect: "Allow",
        Principal: { AWS: writerAccounts.map((a) => `arn:${props.partition}:iam::${a}:root`) },
        Action: "s3:PutObject",
        Resource: `${bucketArn}/*`,
        Condition: { ArnLike: { "aws:PrincipalArn": writers } },
      });
    }
    new S3BucketPolicy(this, "policy", {
      bucket,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
      dependsOn: [this.bucket],
    });
  }
}
