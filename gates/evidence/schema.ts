/**
 * Evidence bundle and index formats (DESIGN.md section 6), as zod schemas so `verify` checks the
 * exact shape. Every optional value is an explicit null: canonical JSON (RFC 8785) has no
 * `undefined`, and an auditor should see "unknown" rather than a missing key.
 */
import { z } from "zod";

export const BUNDLE_SCHEMA_VERSION = 1;
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "must be a lowercase sha256 hex digest");
const verdict = z.enum(["PASS", "FAIL", "INCONCLUSIVE"]);

export const bundleSourceSchema = z.strictObject({
  name: z.string(),
  observedAt: z.string().nullable(),
  summary: z.string(),
  accountId: z.string().nullable(),
  region: z.string().nullable(),
  api: z.string().nullable(),
});

export const bundleControlSchema = z.strictObject({
  id: z.string(),
  verdict,
  required: z.boolean(),
  reasons: z.array(z.string()),
  sources: z.array(bundleSourceSchema),
});

export const bundleFindingSchema = z.strictObject({
  id: z.string(),
  generatorId: z.string(),
  securityControlId: z.string().nullable(),
  complianceStatus: z.string().nullable(),
  statusReasonCodes: z.array(z.string()),
  workflowStatus: z.string().nullable(),
  recordState: z.string().nullable(),
  accountId: z.string(),
  region: z.string().nullable(),
  productArn: z.string().nullable(),
  updatedAt: z.string().nullable(),
  lastObservedAt: z.string().nullable(),
  resourceIds: z.array(z.string()),
});

/** An exception that covered a violation at check time (IAM.3); who approved it and until when. */
export const appliedExceptionSchema = z.strictObject({
  control: z.string(),
  account: z.string(),
  user: z.string(),
  /** Masked to its last 4 characters, or null when the exception covers all of the user's keys. */
  accessKeyId: z.string().nullable(),
  reason: z.string(),
  approver: z.string(),
  ticket: z.string(),
  approvedAt: z.string(),
  expires: z.string(),
});

export const bundleSchema = z.strictObject({
  schemaVersion: z.literal(BUNDLE_SCHEMA_VERSION),
  kind: z.literal("bundle"),
  gate: z.strictObject({ name: z.string(), version: z.string() }),
  configDigest: sha256Hex.nullable(),
  accountId: z.string().regex(/^\d{12}$/),
  checkedAt: z.string(),
  verdict,
  productionReady: z.boolean(),
  controls: z.array(bundleControlSchema),
  accountSummary: z
    .strictObject({
      accountAccessKeysPresent: z.number().int().nullable(),
      read: z.string(),
      observedAt: z.string().nullable(),
      accountId: z.string(),
      region: z.string(),
      api: z.string(),
    })
    .nullable(),
  rootRow: z
    .strictObject({
      reportGeneratedAt: z.string().nullable(),
      observedAt: z.string(),
      accountId: z.string(),
      region: z.string(),
      api: z.string(),
      /** Every column of the `<root_account>` row as written, or null if the report was unusable. */
      fields: z.record(z.string(), z.string()).nullable(),
      problem: z.string().nullable(),
    })
    .nullable(),
  findings: z.array(bundleFindingSchema),
  exceptionsApplied: z.array(appliedExceptionSchema),
  marked: z.strictObject({ tag: z.string(), value: z.string(), changed: z.boolean() }).nullable(),
  sha256: sha256Hex,
});

export const indexEntrySchema = z.strictObject({
  accountId: z.string().regex(/^\d{12}$/),
  verdict,
  checkedAt: z.string(),
  /** The bundle's own digest (its `sha256` field). */
  sha256: sha256Hex,
  /** Relative paths are relative to the index file's directory. */
  path: z.string(),
});

const markedSchema = z.strictObject({ tag: z.string(), value: z.string(), changed: z.boolean() });

/** An account in scope that the sweep did not check because it is not ACTIVE (no bundle). */
export const indexSkippedSchema = z.strictObject({
  accountId: z.string().regex(/^\d{12}$/),
  status: z.string(),
  /** --revoke: the ready tag after removal; null without --revoke. */
  marked: markedSchema.nullable(),
  reasons: z.array(z.string()),
});

/** Something the sweep could not do (list the accounts, revoke a tag): the index is not the whole picture. */
export const indexErrorSchema = z.strictObject({
  kind: z.string(),
  accountId: z.string().nullable(),
  reason: z.string(),
});

export const indexSchema = z.strictObject({
  schemaVersion: z.literal(BUNDLE_SCHEMA_VERSION),
  kind: z.literal("index"),
  generatedAt: z.string(),
  entries: z.array(indexEntrySchema),
  // Always written since the sweep reports skipped accounts and errors; optional so that indexes
  // written before still verify (the digest covers them whenever they are present).
  skipped: z.array(indexSkippedSchema).optional(),
  errors: z.array(indexErrorSchema).optional(),
  sha256: sha256Hex,
});

export type BundleSource = z.infer<typeof bundleSourceSchema>;
export type BundleControl = z.infer<typeof bundleControlSchema>;
export type BundleFinding = z.infer<typeof bundleFindingSchema>;
export type AppliedExceptionRecord = z.infer<typeof appliedExceptionSchema>;
export type EvidenceBundle = z.infer<typeof bundleSchema>;
export type EvidenceIndexEntry = z.infer<typeof indexEntrySchema>;
export type EvidenceIndex = z.infer<typeof indexSchema>;
export type EvidenceIndexSkipped = z.infer<typeof indexSkippedSchema>;
export type EvidenceIndexError = z.infer<typeof indexErrorSchema>;
