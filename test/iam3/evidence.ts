/** Builders for IAM.3 evidence: a clean account by default, each test changes one thing. */
import type {
  AccessKeyEvidence,
  AccessKeyException,
  FindingSummary,
  Iam3Evidence,
  IamUserEvidence,
  Read,
  ReadFailureKind,
} from "../../gates/types";

export const ACCOUNT = "123456789012";
export const OTHER_ACCOUNT = "210987654321";
export const NOW = "2026-11-25T00:00:00Z";
export const NOW_MS = Date.parse(NOW);
export const KEY_ALICE = "AKIAIOSFODNN7EXAMPLE";
export const KEY_ALICE_2 = "AKIAJJJJJJJJJJJJWXYZ";
export const KEY_BOB = "AKIABBBBBBBBBBBBB0B0";
/** Any full 20-character access key id, anywhere in a string. */
export const FULL_KEY_ID = /(?:AKIA|ASIA)[A-Z0-9]{16}/;

export const DAY_S = 86_400;
/** ISO timestamp `seconds` before NOW (negative: after NOW). */
export const ago = (seconds: number): string => new Date(NOW_MS - seconds * 1000).toISOString();

export function ok<T>(value: T, api = "iam:ListUsers"): Read<T> {
  return { ok: true, value, accountId: ACCOUNT, region: "us-east-1", api, observedAt: NOW };
}
export function failed<T>(kind: ReadFailureKind = "access-denied", api = "iam:ListUsers"): Read<T> {
  return { ok: false, kind, message: `${api} was denied`, accountId: ACCOUNT, region: "us-east-1", api, observedAt: NOW };
}

export function key(accessKeyId: string, ageSeconds: number | null, status = "Active"): AccessKeyEvidence {
  return { accessKeyId, status, createDate: ageSeconds === null ? null : ago(ageSeconds), lastUsedDate: ago(3600) };
}

export function user(userName: string, keys: AccessKeyEvidence[] | Read<AccessKeyEvidence[]>): IamUserEvidence {
  return {
    userName,
    userArn: `arn:aws:iam::${ACCOUNT}:user/team/${userName}`,
    owner: "platform-team",
    keys: Array.isArray(keys) ? ok(keys, "iam:ListAccessKeys") : keys,
  };
}

export function exception(overrides: Partial<AccessKeyException> = {}): AccessKeyException {
  return {
    account: ACCOUNT,
    user: "alice",
    reason: "vendor integration cannot rotate until release 4.2",
    approver: "ciso@example.com",
    ticket: "SEC-1234",
    approvedAt: "2026-11-01T00:00:00Z",
    expires: "2026-12-15T00:00:00Z",
    ...overrides,
  };
}

export function finding(overrides: Partial<FindingSummary> = {}): FindingSummary {
  return {
    id: `arn:aws:securityhub:us-east-1:${ACCOUNT}:security-control/IAM.3/finding/1111`,
    productArn: "arn:aws:securityhub:us-east-1::product/aws/securityhub",
    productName: "Security Hub",
    awsAccountId: ACCOUNT,
    region: "us-east-1",
    generatorId: "security-control/IAM.3",
    securityControlId: "IAM.3",
    complianceStatus: "FAILED",
    statusReasonCodes: [],
    recordState: "ACTIVE",
    workflowStatus: "NEW",
    updatedAt: ago(3600),
    lastObservedAt: ago(3600),
    resourceIds: [`arn:aws:iam::${ACCOUNT}:user/team/alice`],
    ...overrides,
  };
}

export function evidence(overrides: Partial<Iam3Evidence> = {}): Iam3Evidence {
  return {
    accountId: ACCOUNT,
    now: NOW,
    maxAccessKeyAgeDays: 90,
    users: ok([user("alice", [key(KEY_ALICE, 10 * DAY_S)]), user("bob", [key(KEY_BOB, 20 * DAY_S)])]),
    findings: ok([], "securityhub:GetFindings"),
    exceptions: [],
    ...overrides,
  };
}
