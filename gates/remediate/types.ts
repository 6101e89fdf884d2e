/**
 * Contracts of `guardrails remediate` (DESIGN.md section 11): what the AWS I/O hands to the pure decisions,
 * and the report (the `--output json` object, schemaVersion 1) the decisions produce. Access key ids are
 * unmasked in the evidence types (memory only) and masked in the report.
 */
import type { AccountStatusEvidence, AccountSummaryEvidence, RawCredentialReport, Read } from "../types";

export type RemediationMode = "dry-run" | "apply";

/* ------------------------------------------------------------------ evidence (I/O -> decisions) */

/** ListOrganizationsFeatures with the caller's own credentials: the features and the organization answering. */
export interface OrganizationFeatures {
  enabledFeatures: string[];
  organizationId: string | null;
}

/** One root access key as the root session's ListAccessKeys (no UserName) lists it. */
export interface RootAccessKey {
  /** Unmasked in memory only. */
  accessKeyId: string;
  /** Active | Inactive | anything else (unknown): every status is deleted, inactive keys count for IAM.4. */
  status: string;
  createDate: string | null;
}

/** GetAccessKeyLastUsed in the root session (both root-task policies allow it). */
export interface KeyLastUsed {
  date: string | null;
  service: string | null;
  region: string | null;
}

/** The centralized-root session: what was asked, and whether it opened (with when it expires). */
export interface RootSessionRecord {
  taskPolicyArn: string;
  durationSeconds: number;
  /** The STS region the request was signed for (the home region's regional endpoint). */
  region: string;
  opened: Read<{ expiresAt: string | null }>;
}

/** The root user's keys and the live count, read together: the state remediate acts on and proves. */
export interface RootKeyState {
  /** null: not read, because a precondition is missing (no root session was opened). */
  keys: Read<RootAccessKey[]> | null;
  /** Per key id (unmasked): GetAccessKeyLastUsed. Only read before deleting. */
  lastUsed: Record<string, Read<KeyLastUsed>>;
  accountSummary: Read<AccountSummaryEvidence>;
  /** The credential report through the gate role, as IAM serves it (null when not read). */
  credentialReport: Read<RawCredentialReport> | null;
  /** After deleting: GenerateCredentialReport's answer (COMPLETE at once: IAM kept a report younger than 4 h). */
  reportGeneration?: Read<string>;
}

export type DeletionResult = "deleted" | "already-gone" | "failed";

/** One DeleteAccessKey request in the root session. */
export interface DeletionAttempt {
  accessKeyId: string;
  /** The key's status when it was listed before deletion. */
  statusBefore: string;
  requestedAt: string;
  completedAt: string;
  result: DeletionResult;
  /** The error when it failed: code and a secret-free sentence. */
  error: { code: string; message: string } | null;
}

/** Everything remediate read and did, for the pure decision. */
export interface RemediationEvidence {
  accountId: string;
  partition: string;
  homeRegion: string;
  mode: RemediationMode;
  startedAt: string;
  features: Read<OrganizationFeatures>;
  /** DescribeOrganization: the management account (AssumeRoot cannot target it). */
  managementAccount: Read<string>;
  accountStatus: Read<AccountStatusEvidence>;
  /** The root session's open attempt; null when none was attempted (a precondition is missing). */
  session: RootSessionRecord | null;
  before: RootKeyState;
  deletions: DeletionAttempt[];
  /** apply only: the re-check (null in a dry run). */
  after: RootKeyState | null;
  /** How many re-check rounds it took (apply). */
  recheckRounds: number;
  finishedAt: string;
}

/* ------------------------------------------------------------------ report (decisions -> output) */

export type PreconditionId = "caller" | "trusted-access" | "root-credentials-management" | "root-sessions" | "member-account" | "account-active";
export type PreconditionStatus = "ok" | "missing" | "unknown";

export interface Precondition {
  id: PreconditionId;
  status: PreconditionStatus;
  detail: string;
  /** The exact command or step that fixes it; "" when ok. */
  fix: string;
}

/**
 * What the run ended in:
 * - `no-root-key`: none exists (none existed, or live data proves every one was deleted: `removed`);
 * - `keys-found`: dry run, keys exist: `--apply` would delete them;
 * - `keys-remain`: a key still exists after --apply (a deletion failed) or a precondition is missing;
 * - `not-proven`: the state could not be read or proven (an error, sources disagree).
 */
export type RemediationResult = "no-root-key" | "removed" | "keys-found" | "keys-remain" | "not-proven";

export interface ReportedKey {
  /** Masked to its last 4 characters. */
  accessKeyId: string;
  status: string;
  createDate: string | null;
  /** null: not read (or the read failed: see problems). */
  lastUsed: KeyLastUsed | null;
}

export interface ReportedState {
  /** null when the root session's listing was not read or failed (see problems). */
  rootAccessKeys: ReportedKey[] | null;
  /** GetAccountSummary AccountAccessKeysPresent through the gate role; null when unknown. */
  accountAccessKeysPresent: number | null;
  /** The credential report's root row as IAM served it: generated when, and which slots show a key. */
  credentialReport: { generatedAt: string | null; rootKeySlots: string } | null;
  /** Reads that failed, each with its cause and fix. */
  problems: string[];
}

export interface ReportedDeletion {
  accessKeyId: string;
  statusBefore: string;
  requestedAt: string;
  completedAt: string;
  result: DeletionResult;
  error: string | null;
}

/** Where and when each source was read: an auditor's "how do you know". */
export interface ReportedSource {
  name: string;
  phase: "preconditions" | "before" | "apply" | "after";
  observedAt: string;
  accountId: string;
  region: string;
  api: string;
  /** Whose permissions: the caller's own credentials, the gate role's ARN, or the account's root (root session). */
  principal: string;
  summary: string;
}

/** The `--output json` object (schemaVersion 1); the evidence bundle holds the same fields plus its digest. */
export interface RemediationReport {
  schemaVersion: 1;
  accountId: string;
  mode: RemediationMode;
  startedAt: string;
  finishedAt: string;
  result: RemediationResult;
  /** 0 no root key remains (or none existed), 1 a key remains, 3 not proven; 2 never reaches a report. */
  exitCode: 0 | 1 | 3;
  reasons: string[];
  preconditions: Precondition[];
  session: { taskPolicyArn: string; region: string; durationSeconds: number; openedAt: string | null; expiresAt: string | null; error: string | null } | null;
  before: ReportedState;
  deletions: ReportedDeletion[];
  after: ReportedState | null;
  /**
   * When the IAM.4 verdict can next be re-checked on a fresh credential report: IAM hands back a report
   * younger than 4 h instead of generating one. null when the report already shows no key (or none was read).
   */
  iam4RecheckAfter: string | null;
  sources: ReportedSource[];
  evidence: { path: string; sha256: string } | null;
}
