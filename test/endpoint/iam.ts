/**
 * IAM (AWS query protocol, Version 2010-05-08). Error codes are the wire codes the SDK maps to its
 * modelled exceptions (ReportNotPresent → CredentialReportNotPresentException, 410, etc.).
 */
import { renderCredentialReport } from "./credential-report";
import { ACCOUNT_LEVEL, rootSessionDispatch } from "./iam-root";
import type { CallContext, ServiceHandler } from "./service";
import { callerArn, formParams } from "./sts";
import { ServiceError, decodeToken, encodeToken, page, pageSize, queryError, queryResponse, xmlList, type XmlNode } from "./wire";
import type { AccountState, IamUser } from "./world";

export const IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/";
/** AWS reuses a report generated within the last 4 hours instead of generating a new one. */
const REPORT_REUSE_MS = 4 * 60 * 60 * 1000;

function account(ctx: CallContext): AccountState {
  const acct = ctx.world.accounts[ctx.accountId];
  if (!acct) throw new ServiceError("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
  return acct;
}

function findUser(acct: AccountState, userName: string | null): IamUser {
  const user = acct.users.find((u) => u.userName === userName);
  if (!user) throw new ServiceError("NoSuchEntity", `The user with name ${userName ?? ""} cannot be found.`, 404);
  return user;
}

/** Service-linked role names by service principal (https://docs.aws.amazon.com/config/latest/developerguide/using-service-linked-roles.html). */
const SERVICE_LINKED_ROLE_NAMES: Record<string, string> = { "config.amazonaws.com": "AWSServiceRoleForConfig" };

/**
 * GetRole: the account's roles (path /) and its service-linked roles (path /aws-service-role/<principal>/);
 * NoSuchEntity 404 otherwise, as IAM answers (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetRole.html).
 */
function getRole(ctx: CallContext, acct: AccountState, roleName: string | null): XmlNode {
  const principal = Object.entries(SERVICE_LINKED_ROLE_NAMES).find(([p, name]) => name === roleName && (acct.serviceLinkedRoles ?? []).includes(p))?.[0];
  if (roleName === null || (principal === undefined && !acct.roles.includes(roleName))) {
    throw new ServiceError("NoSuchEntity", `The role with name ${roleName ?? ""} cannot be found.`, 404);
  }
  const path = principal === undefined ? "/" : `/aws-service-role/${principal}/`;
  const trusted = principal === undefined ? { AWS: `arn:${ctx.world.partition}:iam::${ctx.world.managementAccountId}:root` } : { Service: principal };
  const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: trusted, Action: "sts:AssumeRole" }] };
  return {
    Role: {
      Path: path,
      RoleName: roleName,
      RoleId: `AROA${Buffer.from(`${ctx.accountId}${roleName}`).toString("hex").toUpperCase().slice(0, 17)}`,
      Arn: `arn:${ctx.world.partition}:iam::${ctx.accountId}:role${path}${roleName}`,
      CreateDate: acct.joinedTimestamp,
      // IAM returns policy documents URL-encoded (RFC 3986).
      AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)),
      MaxSessionDuration: 3600,
      RoleLastUsed: {},
    },
  };
}

function paged<T>(items: readonly T[], params: URLSearchParams): { items: T[]; IsTruncated: boolean; Marker: string | undefined } {
  const offset = decodeToken(params.get("Marker") ?? undefined, "InvalidInput");
  const { items: slice, next } = page(items, offset, pageSize(params.get("MaxItems"), 100, 1000));
  return { items: slice, IsTruncated: next !== undefined, Marker: next === undefined ? undefined : encodeToken(next) };
}

function summaryMap(acct: AccountState): XmlNode[] {
  const entries: [string, number][] = [
    ["Users", acct.users.length], ["UsersQuota", 5000], ["Groups", 0], ["GroupsQuota", 300],
    ["Roles", acct.roles.length], ["RolesQuota", 1000], ["Policies", 0], ["PoliciesQuota", 1500],
    ["AccessKeysPerUserQuota", 2], ["AccountMFAEnabled", acct.rootMfaActive ? 1 : 0],
    ["AccountSigningCertificatesPresent", 0], ["MFADevices", acct.rootMfaActive ? 1 : 0], ["GlobalEndpointTokenVersion", 1],
  ];
  if (acct.summaryLag !== undefined && acct.summaryLag.reads > 0) {
    acct.summaryLag.reads -= 1;
    entries.push(["AccountAccessKeysPresent", acct.summaryLag.count]);
  } else if (acct.rootAccessKeysPresent !== "omit") entries.push(["AccountAccessKeysPresent", acct.rootAccessKeysPresent]);
  return entries.map(([key, value]) => ({ key, value }));
}

/** GenerateCredentialReport: STARTED, then INPROGRESS for `pollsToComplete` calls, then COMPLETE. */
function generateReport(ctx: CallContext): XmlNode {
  const report = account(ctx).credentialReport;
  if (report.state === "generating") {
    report.pollsRemaining -= 1;
    if (report.pollsRemaining > 0) return { State: "INPROGRESS", Description: "Report generation in progress" };
    report.state = "ready";
    report.generatedTime = ctx.now.toISOString();
    return { State: "COMPLETE" };
  }
  const age = report.generatedTime ? ctx.now.getTime() - Date.parse(report.generatedTime) : Infinity;
  if (report.state === "ready" && age < REPORT_REUSE_MS) return { State: "COMPLETE" };
  // A new report is generated: it shows the account as it is now, not a frozen earlier one.
  delete report.frozenContent;
  if (report.pollsToComplete <= 0) {
    report.state = "ready";
    report.generatedTime = ctx.now.toISOString();
    return { State: "COMPLETE" };
  }
  report.state = "generating";
  report.pollsRemaining = report.pollsToComplete;
  return { State: "STARTED", Description: "No report exists. Starting a new report generation task" };
}

function getReport(ctx: CallContext): XmlNode {
  const acct = account(ctx);
  const report = acct.credentialReport;
  if (report.state === "generating") {
    report.pollsRemaining -= 1;
    if (report.pollsRemaining > 0) {
      throw new ServiceError("ReportInProgress", "Report generation in progress. Try again later.", 404);
    }
    report.state = "ready";
    report.generatedTime = ctx.now.toISOString();
  }
  if (report.state === "absent") {
    throw new ServiceError("ReportNotPresent", "Credential report not present. Use GenerateCredentialReport to generate a report.", 410);
  }
  if (report.state === "expired") {
    throw new ServiceError("ReportExpired", "Credential report expired. Use GenerateCredentialReport to generate a new report.", 410);
  }
  const csv = report.content ?? report.frozenContent ?? renderCredentialReport(acct, ctx.world.partition, report.format);
  return {
    Content: Buffer.from(csv, "utf8").toString("base64"),
    ReportFormat: "text/csv",
    GeneratedTime: report.generatedTime ?? undefined,
  };
}

function userXml(ctx: CallContext, user: IamUser): XmlNode {
  return {
    Path: user.path,
    UserName: user.userName,
    UserId: user.userId,
    Arn: `arn:${ctx.world.partition}:iam::${ctx.accountId}:user${user.path}${user.userName}`,
    CreateDate: user.createDate,
  };
}

function dispatch(ctx: CallContext, params: URLSearchParams): XmlNode | null {
  const acct = account(ctx);
  const session = ctx.sessions.get(ctx.accessKeyId);
  if (session?.rootTaskPolicy !== undefined) {
    const answer = rootSessionDispatch(ctx, session, acct, params);
    if (answer !== ACCOUNT_LEVEL) return answer;
  }
  switch (ctx.action) {
    case "GetAccountSummary":
      return { SummaryMap: xmlList(summaryMap(acct), "entry") };
    case "GenerateCredentialReport":
      return generateReport(ctx);
    case "GetCredentialReport":
      return getReport(ctx);
    case "ListUsers": {
      const prefix = params.get("PathPrefix") ?? "/";
      const p = paged(acct.users.filter((u) => u.path.startsWith(prefix)), params);
      return { Users: xmlList(p.items.map((u) => userXml(ctx, u))), IsTruncated: p.IsTruncated, Marker: p.Marker };
    }
    case "ListAccessKeys": {
      const userName = params.get("UserName");
      if (userName === null && ctx.sessions.has(ctx.accessKeyId)) {
        throw new ServiceError("ValidationError", "Must specify userName when calling with non-User credentials", 400);
      }
      const user = findUser(acct, userName);
      const p = paged(user.accessKeys, params);
      const keys = p.items.map((k) => ({ UserName: user.userName, AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: k.createDate }));
      return { AccessKeyMetadata: xmlList(keys), IsTruncated: p.IsTruncated, Marker: p.Marker };
    }
    case "ListUserTags": {
      const user = findUser(acct, params.get("UserName"));
      const p = paged(Object.entries(user.tags), params);
      return { Tags: xmlList(p.items.map(([Key, Value]) => ({ Key, Value }))), IsTruncated: p.IsTruncated, Marker: p.Marker };
    }
    case "GetAccessKeyLastUsed": {
      const keyId = params.get("AccessKeyId");
      for (const user of acct.users) {
        const key = user.accessKeys.find((k) => k.accessKeyId === keyId);
        if (!key) continue;
        const used = key.lastUsed;
        return {
          UserName: user.userName,
          AccessKeyLastUsed: used
            ? { LastUsedDate: used.date, ServiceName: used.service, Region: used.region }
            : { ServiceName: "N/A", Region: "N/A" },
        };
      }
      throw new ServiceError("AccessDenied", `User: ${callerArn(ctx)} is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key ${keyId ?? ""}`, 403);
    }
    case "GetRole":
      return getRole(ctx, acct, params.get("RoleName"));
    case "ListOrganizationsFeatures":
      if (ctx.accountId !== ctx.world.managementAccountId) {
        throw new ServiceError(
          "AccountNotManagementOrDelegatedAdministratorException",
          "The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access.",
          400,
        );
      }
      return { OrganizationId: ctx.world.organizationId, EnabledFeatures: xmlList(ctx.world.organizationFeatures) };
    default:
      throw new ServiceError("InvalidAction", `Could not find operation ${ctx.action} for version 2010-05-08`, 400);
  }
}

export const iamHandler: ServiceHandler = {
  service: "iam",
  action: (req) => formParams(req).get("Action") ?? undefined,
  handle: (ctx, req) => queryResponse(ctx.action, IAM_NS, dispatch(ctx, formParams(req))),
  formatError: (err) => queryError(IAM_NS, err),
  throttleError: () => new ServiceError("Throttling", "Rate exceeded", 400),
  internalError: () => new ServiceError("ServiceFailure", "The request processing has failed because of an unknown error, exception or failure.", 500),
  accessDeniedError: (ctx) =>
    new ServiceError("AccessDenied", `User: ${callerArn(ctx)} is not authorized to perform: iam:${ctx.action} on resource: *`, 403),
  unknownCredentialsError: () => new ServiceError("InvalidClientTokenId", "The security token included in the request is invalid.", 403),
};
