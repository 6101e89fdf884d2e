/**
 * The remediation evidence bundle (`kind: "remediation"`, DESIGN.md sections 6 and 11): the report of one
 * `guardrails remediate` run (preconditions, the state before, each deletion with its time and result, the
 * state after, every source with when, where, through which API and as whom) plus the gate's version, the
 * settings digest and the bundle's own sha256. Every optional value is an explicit null, as in the check bundle.
 */
import { z } from "zod";
import { BUNDLE_SCHEMA_VERSION } from "./schema";

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "must be a lowercase sha256 hex digest");

const keySchema = z.strictObject({
  accessKeyId: z.string().regex(/^\*+[A-Za-z0-9]{0,4}$/, "must be masked to its last 4 characters"),
  status: z.string(),
  createDate: z.string().nullable(),
  lastUsed: z.strictObject({ date: z.string().nullable(), service: z.string().nullable(), region: z.string().nullable() }).nullable(),
});

const stateSchema = z.strictObject({
  rootAccessKeys: z.array(keySchema).nullable(),
  accountAccessKeysPresent: z.number().int().nullable(),
  credentialReport: z.strictObject({ generatedAt: z.string().nullable(), rootKeySlots: z.string() }).nullable(),
  problems: z.array(z.string()),
});

export const remediationBundleSchema = z.strictObject({
  schemaVersion: z.literal(BUNDLE_SCHEMA_VERSION),
  kind: z.literal("remediation"),
  gate: z.strictObject({ name: z.string(), version: z.string() }),
  configDigest: sha256Hex.nullable(),
  accountId: z.string().regex(/^\d{12}$/),
  mode: z.enum(["dry-run", "apply"]),
  startedAt: z.string(),
  finishedAt: z.string(),
  result: z.enum(["no-root-key", "removed", "keys-found", "keys-remain", "not-proven"]),
  exitCode: z.union([z.literal(0), z.literal(1), z.literal(3)]),
  reasons: z.array(z.string()),
  preconditions: z.array(
    z.strictObject({
      id: z.enum(["caller", "trusted-access", "root-credentials-management", "root-sessions", "member-account", "account-active"]),
      status: z.enum(["ok", "missing", "unknown"]),
      detail: z.string(),
      fix: z.string(),
    }),
  ),
  session: z
    .strictObject({
      taskPolicyArn: z.string(),
      region: z.string(),
      durationSeconds: z.number().int().min(0).max(900),
      openedAt: z.string().nullable(),
      expiresAt: z.string().nullable(),
      error: z.string().nullable(),
    })
    .nullable(),
  before: stateSchema,
  deletions: z.array(
    z.strictObject({
      accessKeyId: keySchema.shape.accessKeyId,
      statusBefore: z.string(),
      requestedAt: z.string(),
      completedAt: z.string(),
      result: z.enum(["deleted", "already-gone", "failed"]),
      error: z.string().nullable(),
    }),
  ),
  after: stateSchema.nullable(),
  iam4RecheckAfter: z.string().nullable(),
  sources: z.array(
    z.strictObject({
      name: z.string(),
      phase: z.enum(["preconditions", "before", "apply", "after"]),
      observedAt: z.string(),
      accountId: z.string(),
      region: z.string(),
      api: z.string(),
      principal: z.string(),
      summary: z.string(),
    }),
  ),
  sha256: sha256Hex,
});

export type RemediationBundle = z.infer<typeof remediationBundleSchema>;
