/**
 * Contracts of the gate. The output types mirror DESIGN.md section 4 (pipelines parse them);
 * the evidence types are what the AWS I/O layer hands to the pure decision functions.
 */
import type { ControlId } from "../modules/constants";

export type Verdict = "PASS" | "FAIL" | "INCONCLUSIVE";

/** Process exit codes (DESIGN.md section 4). 1 and 3 both mean "not production-ready". */
export const ExitCode = { PASS: 0, FAIL: 1, USAGE: 2, INCONCLUSIVE: 3 } as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/* ------------------------------------------------------------------ evidence reads */

/** Why a read did not produce data. None of these is ever read as "empty" or "clean". */
export type ReadFailureKind =
  | "no-credentials" // the SDK's default credential chain found none: nothing could be sent
  | "unreachable" // no HTTP answer at all: connection refused, DNS name not found, TLS failure, host unreachable
  | "access-denied"
  | "throttled" // throttling outlived the retries
  | "timeout" // a call's own timeout, or the account deadline
  | "not-enabled" // e.g. Security Hub not subscribed in the region
  | "not-found"
  | "malformed" // unparseable or truncated response body
  | "error";

/** Where and how a source was read: recorded in every evidence bundle. */
export interface ReadLocation {
  accountId: string;
  region: string;
  /** e.g. "iam:GetAccountSummary", "securityhub:GetFindings" */
  api: string;
  /** The role whose permissions the read used (the gate's read-only role ARN); absent: the gate's own credentials. */
  principal?: string;
}

export interface ReadSuccess<T> extends ReadLocation {
  ok: true;
  value: T;
  /** When the gate received the data (ISO 8601, gate clock). */
  observedAt: string;
}
export interface ReadFailure extends ReadLocation {
  ok: false;
  kind: ReadFailureKind;
  /** Human sentence; never contains secrets or unmasked access key ids. */
  message: string;
  observedAt: string;
  /**
   * The error code: the service's (AccessDenied, InvalidAccessException), the network's (ECONNREFUSED,
   * ENOTFOUND, EPROTO) or the gate's (CallTimeout, DeadlineExceeded). Absent when unknown.
   */
  code?: string;
  /** The call that failed, when it is not `api` itself: "sts:AssumeRole" of the role in `accountId`. */
  failedCall?: string;
  /** What the failed call was about, e.g. the role ARN AssumeRole was denied on. */
  resource?: string;
}
export type Read<T> = ReadSuccess<T> | ReadFailure;

/** Source A: iam:GetAccountSummary. `null` when the key is missing from SummaryMap (unknown, never 0). */
export interface AccountSummaryEvidence {
  accountAccessKeysPresent: number | null;
}

/**
 * The account's lifecycle status in AWS Organizations, as answered by DescribeAccount (or by the
 * sweep's ListAccounts / ListAccountsForParent page): both fields raw, decided by the pure
 * decideAccountStatus. `State` replaced the deprecated `Status` in 2025; either may be absent.
 */
export interface AccountStatusEvidence {
  state: string | null;
  status: string | null;
}

/**
 * Security Hub in the TARGET account and home region (securityhub:DescribeHub through the gate role).
 * "Not subscribed" (InvalidAccessException) is a positive answer: enabled false, with AWS's words.
 */
export interface SecurityHubStatus {
  enabled: boolean;
  /** enabled: SubscribedAt (ISO 8601) when given; else null. */
  subscribedAt: string | null;
  /** SECURITY_CONTROL (consolidated control findings) or STANDARD_CONTROL; null when unknown or not enabled. */
  controlFindingGenerator: string | null;
  /** not enabled: the error AWS answered ("InvalidAccessException: Account … is not subscribed …"). */
  notEnabledBecause: string | null;
}

/** Source B, raw: iam:GetCredentialReport. Parsed by the pure parser, not by the I/O layer. */
export interface RawCredentialReport {
  /** The CSV as text (UTF-8 decoded from the API's bytes). */
  content: string;
  /** GeneratedTime from the API, ISO 8601, or null when absent. */
  generatedTime: string | null;
  /**
   * This run asked IAM to generate a report (GenerateCredentialReport) before this one was read. IAM
   * hands back the existing report when one is younger than 4 h by its clock, so a report can still be
   * older than the gate's 4 h limit after regeneration. Absent: unknown (evidence built elsewhere).
   */
  generationRequested?: boolean;
}

/**
 * Source C: a Security Hub (CSPM) finding, reduced to the ASFF fields decisions use.
 * Built from an ASFF object (SDK AwsSecurityFinding or a fixture) by `normalizeFinding`.
 */
export interface FindingSummary {
  id: string;
  productArn: string | null;
  productName: string | null;
  awsAccountId: string;
  region: string | null;
  generatorId: string;
  securityControlId: string | null;
  complianceStatus: string | null; // PASSED | FAILED | WARNING | NOT_AVAILABLE
  statusReasonCodes: string[];
  recordState: string | null; // ACTIVE | ARCHIVED
  workflowStatus: string | null; // NEW | NOTIFIED | RESOLVED | SUPPRESSED
  updatedAt: string | null;
  lastObservedAt: string | null;
  /** Resources[].Id (IAM.3: user ARNs). */
  resourceIds: string[];
}

/** Everything the IAM.4 decision needs (DESIGN.md section 5). */
export interface Iam4Evidence {
  accountId: string;
  partition: string;
  homeRegion: string;
  /** The gate's clock: "trusted now". */
  now: string;
  accountSummary: Read<AccountSummaryEvidence>;
  credentialReport: Read<RawCredentialReport>;
  /** IAM.4 findings as returned by GetFindings (server-filtered); filtered again on the client. */
  findings: Read<FindingSummary[]>;
  /** Is Security Hub enabled in the target account's home region? No finding can come while it is not. */
  targetSecurityHub: Read<SecurityHubStatus>;
  acceptNoRootCredentials: boolean;
  /** ListOrganizationsFeatures lists RootCredentialsManagement; read only with acceptNoRootCredentials. */
  rootCredentialsManagement: Read<boolean> | null;
}

/** One IAM user access key from iam:ListAccessKeys (+ GetAccessKeyLastUsed when read). */
export interface AccessKeyEvidence {
  accessKeyId: string; // unmasked in memory only; mask before any output
  status: string; // Active | Inactive | anything else = unknown
  createDate: string | null;
  lastUsedDate: string | null;
}
export interface IamUserEvidence {
  userName: string;
  userArn: string;
  /** Value of the configured owner tag, if read. */
  owner: string | null;
  keys: Read<AccessKeyEvidence[]>;
}

/** An entry of the exceptions register (DESIGN.md section 5, IAM.3). */
export interface AccessKeyException {
  account: string;
  /** User name (a full user ARN in the file is reduced to the name). */
  user: string;
  accessKeyId?: string;
  reason: string;
  approver: string;
  ticket: string;
  approvedAt: string;
  expires: string;
}

export interface Iam3Evidence {
  accountId: string;
  now: string;
  maxAccessKeyAgeDays: number;
  /** iam:ListUsers (all pages); each user's keys are a read of their own. */
  users: Read<IamUserEvidence[]>;
  /** IAM.3 findings (server-filtered); Security Hub being unreachable does not block IAM.3. */
  findings: Read<FindingSummary[]>;
  exceptions: AccessKeyException[];
}

/* ------------------------------------------------------------------ outputs */

export interface SourceRecord {
  name: string; // "account-summary" | "credential-report" | "security-hub" | "iam-access-keys" | ...
  observedAt: string | null;
  summary: string;
  accountId?: string;
  region?: string;
  api?: string;
}

export interface ControlResult {
  id: ControlId;
  verdict: Verdict;
  required: boolean;
  reasons: string[];
  sources: SourceRecord[];
}

/**
 * The ready tag after promote / sweep --revoke. `value`: "true" the account carries it, "" it does not,
 * "unknown" the gate could not tell. `changed`: this run tagged the account (PASS) or removed the tag.
 */
export interface Marked {
  tag: string;
  value: string;
  changed: boolean;
}

/** marked.value when the gate cannot tell whether the account still carries the ready tag. */
export const READY_TAG_UNKNOWN_VALUE = "unknown";

export interface EvidenceRef {
  path: string;
  sha256: string;
}

/** One account's verdict: the `--output json` object of check / promote, and an item of sweep. */
export interface AccountVerdict {
  schemaVersion: 1;
  accountId: string;
  checkedAt: string;
  verdict: Verdict;
  productionReady: boolean;
  controls: ControlResult[];
  marked: Marked | null;
  evidence: EvidenceRef | null;
}

/** An account in the sweep's scope that was not checked because it is not ACTIVE (suspended, closing, ...). */
export interface SkippedAccountResult {
  accountId: string;
  /** Its Organizations status (State, else the deprecated Status), as the listing answered it. */
  status: string;
  /** --revoke: the ready tag after removal (null without --revoke). */
  marked: Marked | null;
  /** Empty unless something about it needs saying (e.g. --revoke could not remove the tag). */
  reasons: string[];
}

/** Something the sweep was asked to do and could not: listing the accounts, revoking a tag, storing evidence. */
export interface SweepError {
  kind: "list-accounts" | "revoke" | "evidence";
  /** The account concerned, or null for the organization as a whole. */
  accountId: string | null;
  reason: string;
}

export interface SweepSummary {
  accounts: number;
  pass: number;
  fail: number;
  inconclusive: number;
  /** Accounts in scope not checked because they are not ACTIVE (listed in `skipped`). */
  skipped: number;
  /** The worst account's verdict; INCONCLUSIVE when there is none or an error left the sweep incomplete. */
  verdict: Verdict;
  errors: SweepError[];
}
/** A sweep's pointer for an account that FAILs on IAM.4: the `guardrails remediate` command to run (the sweep never deletes). */
export interface RemediationHint {
  accountId: string;
  command: string;
  reason: string;
}

export interface SweepResult {
  schemaVersion: 1;
  accounts: AccountVerdict[];
  skipped: SkippedAccountResult[];
  summary: SweepSummary;
  /** One per account failing IAM.4 (absent: none computed, read as none). */
  remediation?: RemediationHint[];
}

/** What a control's decision function returns; the caller adds `required` (from --require). */
export type ControlDecision = Omit<ControlResult, "required">;
