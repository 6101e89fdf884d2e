/**
 * IAM.3 decision (DESIGN.md section 5): active IAM user access keys rotated within maxAccessKeyAge days.
 * Pure: evidence in, decision out. Live data (ListUsers + ListAccessKeys) is authoritative; Security Hub
 * findings can only add a FAIL that live data does not contradict. Fails closed: whatever is unknown
 * makes the verdict INCONCLUSIVE, never PASS.
 */
import { CONTROL_IAM3 } from "../../modules/constants";
import { describeException } from "../exceptions/register";
import { controlOfFinding, isSecurityHubProduct } from "../findings";
import { explainFailure, readFailureSentence } from "./failure-reasons";
import { epochMsOrNull } from "../iso-time";
import { maskAccessKeyId, maskSecrets } from "../mask";
import type {
  AccessKeyEvidence,
  AccessKeyException,
  ControlDecision,
  FindingSummary,
  Iam3Evidence,
  IamUserEvidence,
  ReadFailure,
  SourceRecord,
} from "../types";
import { worstVerdict } from "../verdict";

/** One IAM user access key, as listed in the key inventory CSV and the evidence bundle. Ids masked. */
export interface KeyInventoryRow {
  accountId: string;
  user: string;
  userArn: string;
  /** Masked: "****************WXYZ". */
  accessKeyId: string;
  status: string;
  createdAt: string | null;
  /** Age in days, 1 decimal; null when the creation date is unknown. */
  ageDays: number | null;
  lastUsedAt: string | null;
  owner: string | null;
  /** Days left before the key is overdue (negative when overdue), 1 decimal; null unless Active with a known date. */
  daysUntilDue: number | null;
  violation: boolean;
  coveredBy?: { ticket: string; approver: string; expires: string };
}

/** An exception that made a violation (a key, or a user's Security Hub finding) not count. */
export interface AppliedException {
  account: string;
  user: string;
  /** The masked key it covered; null when it covered a user-level Security Hub finding. */
  coveredAccessKeyId: string | null;
  /** The masked key the entry names; null when the entry covers all of the user's keys. */
  exceptionAccessKeyId: string | null;
  reason: string;
  approver: string;
  ticket: string;
  approvedAt: string;
  expires: string;
}

export type Iam3Decision = ControlDecision & { inventory: KeyInventoryRow[]; exceptionsApplied: AppliedException[] };

/** Creation dates up to this far in the future are clock skew (age 0); further is unknown. */
export const FUTURE_SKEW_SECONDS = 300;
/** A Security Hub finding is fresh when updated or observed within this window (24 h schedule + 2 h). */
export const FINDING_FRESHNESS_MS = 26 * 3_600_000;

const round1 = (n: number): number => Math.round(n * 10) / 10;
const REMEDY = "rotate or deactivate it, or add an approved exception";

type Coverage =
  | { kind: "covered"; by: AccessKeyException }
  | { kind: "expired"; by: AccessKeyException }
  | { kind: "none" };

/** Valid exceptions win over expired ones; an expired one is remembered so the reason can say so. */
function coverage(exceptions: readonly AccessKeyException[], nowMs: number, matches: (e: AccessKeyException) => boolean): Coverage {
  const matching = exceptions.filter(matches);
  // Expiry is exclusive: at the instant `expires` the exception no longer covers.
  const valid = matching.find((e) => nowMs < (epochMsOrNull(e.expires) ?? Number.NEGATIVE_INFINITY));
  if (valid !== undefined) return { kind: "covered", by: valid };
  const expired = matching[0];
  return expired !== undefined ? { kind: "expired", by: expired } : { kind: "none" };
}

function applied(e: AccessKeyException, coveredKey: string | null): AppliedException {
  return {
    account: e.account,
    user: e.user,
    coveredAccessKeyId: coveredKey === null ? null : maskAccessKeyId(coveredKey),
    exceptionAccessKeyId: e.accessKeyId === undefined ? null : maskAccessKeyId(e.accessKeyId),
    reason: maskSecrets(e.reason),
    approver: e.approver,
    ticket: e.ticket,
    approvedAt: e.approvedAt,
    expires: e.expires,
  };
}

/** The user name of an IAM user ARN in `accountId` (any partition, any path), else null. */
export function userNameFromArn(arn: string, accountId: string): string | null {
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m !== null && m[1] === accountId ? (m[2] as string) : null;
}

/** IAM.3 by consolidated control id, or by a legacy generator id when the finding has no control id (gates/findings.ts). */
export function isIam3Finding(f: FindingSummary): boolean {
  return controlOfFinding(f) === CONTROL_IAM3;
}

/** Ages and verdict inputs of one key, computed once. */
interface KeyAssessment {
  key: AccessKeyEvidence;
  row: KeyInventoryRow;
  /** The key is Active and older than the limit (regardless of exceptions). */
  overLimit: boolean;
  /** Status or date unknown for a key that may be in use: live data cannot clear it. */
  unknown: string | null;
}

function assessKey(user: IamUserEvidence, key: AccessKeyEvidence, e: Iam3Evidence, nowMs: number): KeyAssessment {
  const limitSeconds = e.maxAccessKeyAgeDays * 86_400;
  const createdMs = epochMsOrNull(key.createDate);
  const masked = maskAccessKeyId(key.accessKeyId);
  const futureSeconds = createdMs === null ? 0 : (createdMs - nowMs) / 1000;
  const dateKnown = createdMs !== null && futureSeconds <= FUTURE_SKEW_SECONDS;
  // Seconds precision; a creation date slightly ahead of our clock is skew, i.e. a brand-new key.
  const ageSeconds = dateKnown ? Math.max(0, Math.floor((nowMs - createdMs) / 1000)) : null;
  const active = key.status === "Active";
  const overLimit = active && ageSeconds !== null && ageSeconds > limitSeconds;
  let unknown: string | null = null;
  if (key.status !== "Active" && key.status !== "Inactive") {
    unknown = `access key ${masked} of IAM user ${user.userName} has status ${JSON.stringify(key.status)}, which is neither Active nor Inactive; the gate cannot tell whether it is usable`;
  } else if (active && createdMs === null) {
    unknown = `the creation date of Active access key ${masked} of IAM user ${user.userName} is ${key.createDate === null ? "missing" : `unreadable (${JSON.stringify(key.createDate)})`}, so its age is unknown`;
  } else if (active && !dateKnown) {
    unknown = `Active access key ${masked} of IAM user ${user.userName} has a creation date ${Math.round(futureSeconds)} s in the future (${key.createDate}), more than the ${FUTURE_SKEW_SECONDS} s clock skew allowed; its age is unknown, check the clocks`;
  }
  const row: KeyInventoryRow = {
    accountId: e.accountId,
    user: user.userName,
    userArn: user.userArn,
    accessKeyId: masked,
    status: key.status,
    createdAt: key.createDate,
    ageDays: ageSeconds === null ? null : round1(ageSeconds / 86_400),
    lastUsedAt: key.lastUsedDate,
    owner: user.owner,
    daysUntilDue: active && ageSeconds !== null ? round1((limitSeconds - ageSeconds) / 86_400) : null,
    violation: false,
  };
  return { key, row, overLimit, unknown };
}

export function decideIam3(e: Iam3Evidence): Iam3Decision {
  const fails: string[] = [];
  const unknowns: string[] = [];
  const notes: string[] = [];
  const inventory: KeyInventoryRow[] = [];
  const exceptionsApplied: AppliedException[] = [];
  const sources: SourceRecord[] = [];
  const nowMs = epochMsOrNull(e.now);
  const limit = e.maxAccessKeyAgeDays;
  if (nowMs === null || !(Number.isFinite(limit) && limit > 0)) {
    const why = nowMs === null ? `the gate's clock value ${JSON.stringify(e.now)} is not a timestamp` : `the maximum key age ${limit} is not a positive number of days`;
    return { id: CONTROL_IAM3, verdict: "INCONCLUSIVE", reasons: [`IAM.3 cannot be decided for ${e.accountId}: ${why}.`], sources, inventory, exceptionsApplied };
  }
  // Only this account's entries; the register loader already refused root entries.
  const exceptions = e.exceptions.filter((x) => x.account === e.accountId);

  /* ---------------- live data */
  const userState = new Map<string, { readable: boolean; overLimit: boolean; unknown: boolean }>();
  if (!e.users.ok) {
    // Without the complete user list no key age can be proven; the reason names why it could not be read.
    unknowns.push(readFailureSentence("The IAM user list (ListUsers)", e.users));
    sources.push({ name: "iam-access-keys", observedAt: e.users.observedAt, summary: `ListUsers failed: ${e.users.kind}`, accountId: e.users.accountId, region: e.users.region, api: e.users.api });
  } else {
    let keyCount = 0;
    let unreadableUsers = 0;
    const unreadable: { user: string; failure: ReadFailure }[] = [];
    for (const user of e.users.value) {
      if (!user.keys.ok) {
        unreadableUsers++;
        userState.set(user.userName, { readable: false, overLimit: false, unknown: true });
        unreadable.push({ user: user.userName, failure: user.keys });
        continue;
      }
      const state = { readable: true, overLimit: false, unknown: false };
      userState.set(user.userName, state);
      for (const key of user.keys.value) {
        keyCount++;
        const a = assessKey(user, key, e, nowMs);
        inventory.push(a.row);
        if (a.unknown !== null) {
          state.unknown = true;
          unknowns.push(`${capitalize(a.unknown)}.`);
        }
        if (!a.overLimit) continue;
        state.overLimit = true;
        a.row.violation = true;
        const what = `Active access key ${a.row.accessKeyId} of IAM user ${user.userName} is ${a.row.ageDays} days old, over the ${limit}-day limit`;
        const cover = coverage(exceptions, nowMs, (x) => x.user === user.userName && (x.accessKeyId === undefined || x.accessKeyId === key.accessKeyId));
        if (cover.kind === "covered") {
          a.row.coveredBy = { ticket: cover.by.ticket, approver: cover.by.approver, expires: cover.by.expires };
          exceptionsApplied.push(applied(cover.by, key.accessKeyId));
          notes.push(`${what}, but it is covered by an approved exception (ticket ${cover.by.ticket}, approved by ${cover.by.approver}) until ${cover.by.expires}.`);
        } else if (cover.kind === "expired") {
          fails.push(`${what}; its ${describeException(cover.by)} expired on ${cover.by.expires}: ${REMEDY}.`);
        } else {
          fails.push(`${what}: ${REMEDY}.`);
        }
      }
    }
    unknowns.push(...unreadableKeySentences(unreadable));
    const summary = `ListUsers: ${e.users.value.length} users; ListAccessKeys: ${keyCount} keys read, ${unreadableUsers} users unreadable`;
    sources.push({ name: "iam-access-keys", observedAt: e.users.observedAt, summary, accountId: e.users.accountId, region: e.users.region, api: e.users.api });
  }

  /* ---------------- Security Hub */
  if (!e.findings.ok) {
    notes.push(`Security Hub IAM.3 findings could not be read: ${explainFailure(e.findings).cause}; live IAM data decides.`);
    sources.push({ name: "security-hub", observedAt: e.findings.observedAt, summary: `GetFindings failed: ${e.findings.kind}`, accountId: e.findings.accountId, region: e.findings.region, api: e.findings.api });
  } else {
    let counted = 0;
    let notCounted = 0;
    const relevant = e.findings.value.filter(
      (f) =>
        f.awsAccountId === e.accountId &&
        isIam3Finding(f) &&
        isSecurityHubProduct(f) &&
        f.recordState === "ACTIVE" &&
        f.complianceStatus === "FAILED" &&
        isFresh(f, nowMs),
    );
    for (const f of relevant) {
      for (const resourceId of f.resourceIds) {
        const userName = userNameFromArn(resourceId, e.accountId);
        const seen = `Security Hub finding ${f.id} (IAM.3 FAILED, updated ${f.updatedAt ?? f.lastObservedAt}) reports IAM user ${userName ?? resourceId}`;
        const state = userName === null ? undefined : userState.get(userName);
        if (userName === null) {
          notCounted++;
          notes.push(`${seen}, which is not an IAM user of ${e.accountId}: reported, not counted.`);
        } else if (state?.overLimit === true) {
          counted++; // live data already decided this user's keys, key by key
        } else if (e.users.ok && state === undefined) {
          notCounted++;
          notes.push(`${seen}, but live data shows the user no longer exists: reported, not counted.`);
        } else if (state !== undefined && state.readable && !state.unknown) {
          notCounted++;
          notes.push(`${seen}, but live data shows no Active key older than ${limit} days (rotated, deactivated or deleted since): reported, not counted.`);
        } else {
          // Live data cannot contradict it: only an exception for all of the user's keys can cover it.
          counted++;
          const what = `${seen} and live data cannot contradict it`;
          const cover = coverage(exceptions, nowMs, (x) => x.user === userName && x.accessKeyId === undefined);
          if (cover.kind === "covered") {
            exceptionsApplied.push(applied(cover.by, null));
            notes.push(`${what}, but it is covered by an approved exception (ticket ${cover.by.ticket}, approved by ${cover.by.approver}) until ${cover.by.expires}.`);
          } else if (cover.kind === "expired") {
            fails.push(`${what}; its ${describeException(cover.by)} expired on ${cover.by.expires}: rotate or deactivate the user's old keys, or add an approved exception.`);
          } else {
            fails.push(`${what}: rotate or deactivate the user's keys older than ${limit} days, or add an approved exception.`);
          }
        }
      }
    }
    const summary = `${e.findings.value.length} IAM.3 findings read; ${relevant.length} fresh ACTIVE FAILED for this account (${counted} user reports counted, ${notCounted} reported, not counted)`;
    sources.push({ name: "security-hub", observedAt: e.findings.observedAt, summary, accountId: e.findings.accountId, region: e.findings.region, api: e.findings.api });
  }

  const verdict = worstVerdict([fails.length > 0 ? "FAIL" : "PASS", unknowns.length > 0 ? "INCONCLUSIVE" : "PASS"]);
  const reasons = [...fails, ...unknowns, ...notes];
  if (verdict === "PASS") {
    const active = inventory.filter((r) => r.status === "Active").length;
    reasons.unshift(
      `All ${active} Active access keys of IAM users in ${e.accountId} are at most ${limit} days old or covered by an approved exception (${exceptionsApplied.length} applied).`,
    );
  }
  return { id: CONTROL_IAM3, verdict, reasons: reasons.map(maskSecrets), sources, inventory, exceptionsApplied };
}

/** One sentence per cause for users whose keys could not be listed: 100 throttled users read as one line. */
function unreadableKeySentences(items: readonly { user: string; failure: ReadFailure }[]): string[] {
  const byCause = new Map<string, { users: string[]; failure: ReadFailure }>();
  for (const { user, failure } of items) {
    const e = explainFailure(failure);
    const key = `${e.cause}|${e.fix}`;
    const group = byCause.get(key) ?? { users: [], failure };
    group.users.push(user);
    byCause.set(key, group);
  }
  return [...byCause.values()].map(({ users, failure }) => {
    const shown = users.length <= 3 ? users.join(", ") : `${users.slice(0, 3).join(", ")} and ${users.length - 3} more`;
    const whose = users.length === 1 ? `IAM user ${shown}` : `${users.length} IAM users (${shown})`;
    return readFailureSentence(`the access keys (ListAccessKeys) of ${whose}`, failure);
  });
}

function isFresh(f: FindingSummary, nowMs: number): boolean {
  const times = [epochMsOrNull(f.updatedAt), epochMsOrNull(f.lastObservedAt)].filter((t): t is number => t !== null);
  return times.length > 0 && Math.max(...times) >= nowMs - FINDING_FRESHNESS_MS;
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
