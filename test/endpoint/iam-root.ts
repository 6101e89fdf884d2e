/**
 * IAM as a centralized-root session sees it (credentials from sts:AssumeRoot). The session is scoped by its
 * root-task policy: every action outside the policy's list is denied, and so is one on a resource other than
 * the account's root (both task policies deny with NotResource `arn:aws:iam::*:root`); documents in
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/security-iam-awsmanpol.html, mirrored in zoph-io/MAMIP :
 * policies/IAMAuditRootUserCredentials and policies/IAMDeleteRootUserCredentials.
 * Without UserName, ListAccessKeys / DeleteAccessKey / GetAccessKeyLastUsed act on the signer's user, the root
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteAccessKey.html).
 */
import { renderCredentialReport } from "./credential-report";
import type { CallContext, IssuedSession } from "./service";
import { callerArn } from "./sts";
import { ServiceError, decodeToken, encodeToken, page, pageSize, xmlList, type XmlNode } from "./wire";
import { rootKeyId, type AccountState } from "./world";

const TASK_POLICY_ACTIONS: Record<string, readonly string[]> = {
  IAMAuditRootUserCredentials: ["ListAccessKeys", "ListSigningCertificates", "GetLoginProfile", "ListMFADevices", "GetAccountSummary", "GetUser", "GetAccessKeyLastUsed"],
  IAMDeleteRootUserCredentials: [
    "DeleteAccessKey", "DeleteSigningCertificate", "DeleteLoginProfile", "DeactivateMFADevice", "DeleteVirtualMFADevice",
    "ListAccessKeys", "ListSigningCertificates", "GetLoginProfile", "ListMFADevices", "GetUser", "GetAccessKeyLastUsed",
  ],
};

function deniedBySessionPolicy(ctx: CallContext, resource: string): ServiceError {
  return new ServiceError("AccessDenied", `User: ${callerArn(ctx)} is not authorized to perform: iam:${ctx.action} on resource: ${resource} with an explicit deny in a session policy`, 403);
}

/**
 * AWS keeps the stored report until one is generated: freeze what it showed before the root keys change, so a
 * report generated earlier still lists a deleted key (the 4-hour lag remediate reports).
 */
function freezeReport(acct: AccountState, partition: string): void {
  const report = acct.credentialReport;
  if (report.state === "ready" && report.content === undefined && report.frozenContent === undefined) {
    report.frozenContent = renderCredentialReport(acct, partition, report.format);
  }
}

function keyIndex(acct: AccountState, accessKeyId: string | null): number {
  return acct.rootKeys.findIndex((_, i) => rootKeyId(acct, i) === accessKeyId);
}

/** Answer for actions whose result does not depend on the caller (GetAccountSummary): the account-level handler answers. */
export const ACCOUNT_LEVEL = Symbol("account-level");

/** One action of a root session in `acct`: its response (null: empty result), or ACCOUNT_LEVEL. */
export function rootSessionDispatch(ctx: CallContext, session: IssuedSession, acct: AccountState, params: URLSearchParams): XmlNode | null | typeof ACCOUNT_LEVEL {
  const rootArn = `arn:${ctx.world.partition}:iam::${acct.id}:root`;
  const allowed = TASK_POLICY_ACTIONS[session.rootTaskPolicy ?? ""] ?? [];
  if (!allowed.includes(ctx.action)) throw deniedBySessionPolicy(ctx, rootArn);
  const userName = params.get("UserName");
  if (userName !== null) throw deniedBySessionPolicy(ctx, `arn:${ctx.world.partition}:iam::${acct.id}:user/${userName}`);
  switch (ctx.action) {
    case "GetAccountSummary":
      return ACCOUNT_LEVEL;
    case "ListAccessKeys": {
      const offset = decodeToken(params.get("Marker") ?? undefined, "InvalidInput");
      const { items, next } = page(acct.rootKeys.map((k, i) => ({ k, i })), offset, pageSize(params.get("MaxItems"), 100, 1000));
      // A root key has no user name: the member is omitted (it is optional in the response shape).
      const keys = items.map(({ k, i }) => ({ AccessKeyId: rootKeyId(acct, i), Status: k.active ? "Active" : "Inactive", CreateDate: k.lastRotated }));
      return { AccessKeyMetadata: xmlList(keys), IsTruncated: next !== undefined, Marker: next === undefined ? undefined : encodeToken(next) };
    }
    case "GetAccessKeyLastUsed": {
      const keyId = params.get("AccessKeyId");
      const index = keyIndex(acct, keyId);
      if (index < 0) throw deniedBySessionPolicy(ctx, `access key ${keyId ?? ""}`);
      const used = acct.rootKeys[index]?.lastUsed;
      return { AccessKeyLastUsed: used ? { LastUsedDate: used.date, ServiceName: used.service, Region: used.region } : { ServiceName: "N/A", Region: "N/A" } };
    }
    case "DeleteAccessKey": {
      const keyId = params.get("AccessKeyId");
      const index = keyIndex(acct, keyId);
      if (index < 0) throw new ServiceError("NoSuchEntity", `The Access Key with id ${keyId ?? ""} cannot be found.`, 404);
      freezeReport(acct, ctx.world.partition);
      // Ids of the keys that stay must not shift with their position.
      acct.rootKeys = acct.rootKeys.map((k, i) => ({ ...k, accessKeyId: rootKeyId(acct, i) })).filter((_, i) => i !== index);
      // GetAccountSummary is live (it counts the keys that exist now), unless the account models IAM's lag.
      if (typeof acct.rootAccessKeysPresent === "number") {
        if ((acct.summaryLagReads ?? 0) > 0) acct.summaryLag = { count: acct.summaryLag?.reads ? acct.summaryLag.count : acct.rootAccessKeysPresent, reads: acct.summaryLagReads ?? 0 };
        acct.rootAccessKeysPresent = Math.max(0, acct.rootAccessKeysPresent - 1);
      }
      return null;
    }
    default:
      throw new ServiceError("InvalidAction", `The local endpoint does not model ${ctx.action} in a root session`, 400);
  }
}
