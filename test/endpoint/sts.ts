/** STS (AWS query protocol, Version 2011-06-15): AssumeRole, AssumeRoot, GetCallerIdentity. */
import { randomBytes } from "node:crypto";
import type { CallContext, ServiceHandler, ServiceRequest } from "./service";
import { ServiceError, queryError, queryResponse } from "./wire";
import { getAccount } from "./world";

export const STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";
const ROLE_ARN = /^arn:([a-z-]+):iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/;

/** Parses an x-www-form-urlencoded query-protocol body. */
export function formParams(req: ServiceRequest): URLSearchParams {
  return new URLSearchParams(req.body.toString("utf8"));
}

/** `ASIA` + 12-digit account + 4 random chars: 20 chars like a real temporary key id. */
export function sessionAccessKeyId(accountId: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const tail = Array.from(randomBytes(4), (b) => alphabet[b % alphabet.length]).join("");
  return `ASIA${accountId}${tail}`;
}

/** Which account a temporary key id belongs to, from its encoding (the server also keeps a map). */
export function accountOfSessionKey(accessKeyId: string): string | undefined {
  const match = /^ASIA(\d{12})[A-Z2-7]{4}$/.exec(accessKeyId);
  return match ? match[1] : undefined;
}

function assumeRole(ctx: CallContext, params: URLSearchParams) {
  const roleArn = params.get("RoleArn") ?? "";
  const sessionName = params.get("RoleSessionName") ?? "";
  if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
    throw new ServiceError("ValidationError", "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint", 400);
  }
  const match = ROLE_ARN.exec(roleArn);
  const denied = () =>
    new ServiceError(
      "AccessDenied",
      `User: ${callerArn(ctx)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      403,
    );
  if (!match) throw new ServiceError("ValidationError", `${roleArn} is invalid`, 400);
  const [, , targetAccountId, roleName] = match;
  const target = getAccount(ctx.world, targetAccountId);
  if (!target || target.status !== "ACTIVE" || !target.roles.includes(roleName)) throw denied();
  const duration = Number(params.get("DurationSeconds") ?? "3600");
  const accessKeyId = sessionAccessKeyId(targetAccountId);
  ctx.sessions.set(accessKeyId, { accountId: targetAccountId, roleName, sessionName });
  const roleId = `AROA${targetAccountId}EXAMPLE`;
  return {
    Credentials: {
      AccessKeyId: accessKeyId,
      SecretAccessKey: randomBytes(30).toString("base64"),
      SessionToken: `FwoGZXIvYXdzE-local-${randomBytes(24).toString("base64url")}`,
      Expiration: new Date(ctx.now.getTime() + duration * 1000),
    },
    AssumedRoleUser: {
      AssumedRoleId: `${roleId}:${sessionName}`,
      Arn: `arn:${ctx.world.partition}:sts::${targetAccountId}:assumed-role/${roleName}/${sessionName}`,
    },
    PackedPolicySize: undefined,
  };
}

/**
 * The root-task policies AssumeRoot accepts as TaskPolicyArn
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html).
 */
export const ROOT_TASK_POLICIES = ["IAMAuditRootUserCredentials", "IAMCreateRootUserPassword", "IAMDeleteRootUserCredentials", "S3UnlockBucketPolicy", "SQSUnlockQueuePolicy"] as const;
const TASK_POLICY_ARN = /^arn:([a-z-]+):iam::aws:policy\/root-task\/([A-Za-z0-9]+)$/;
const ROOT_ARN = /^arn:[a-z-]+:iam::(\d{12}):root$/;

/**
 * AssumeRoot: a centralized-root session in a member account. The API reference models two errors
 * (ExpiredTokenException, RegionDisabledException); a caller that may not open the session gets the common
 * AccessDenied (403). Modelled denials (their wording is the endpoint's, not AWS's): a caller outside the
 * management account and IAM's delegated administrator, root sessions not enabled for the organization
 * (ListOrganizationsFeatures lacks RootSessions), the management account or a non-member as target.
 * DurationSeconds ranges 0-900 (default 900); more is a validation error.
 */
function assumeRoot(ctx: CallContext, params: URLSearchParams) {
  const world = ctx.world;
  const target = params.get("TargetPrincipal") ?? "";
  const taskArn = params.get("TaskPolicyArn.arn") ?? "";
  const durationText = params.get("DurationSeconds") ?? "900";
  const duration = Number(durationText);
  if (!/^\d+$/.test(durationText) || duration > 900) {
    throw new ServiceError("ValidationError", `1 validation error detected: Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 900`, 400);
  }
  const task = TASK_POLICY_ARN.exec(taskArn);
  if (task === null || task[1] !== world.partition || !(ROOT_TASK_POLICIES as readonly string[]).includes(task[2] ?? "")) {
    throw new ServiceError("ValidationError", `The task policy ${taskArn} is not a root-task policy AssumeRoot accepts`, 400);
  }
  const targetAccountId = /^\d{12}$/.test(target) ? target : (ROOT_ARN.exec(target)?.[1] ?? "");
  const denied = (why: string) =>
    new ServiceError("AccessDenied", `User: ${callerArn(ctx)} is not authorized to perform: sts:AssumeRoot on resource: arn:${world.partition}:iam::${targetAccountId || target}:root${why}`, 403);
  const session = ctx.sessions.get(ctx.accessKeyId);
  if (session?.rootTaskPolicy !== undefined) throw denied(" (a root session cannot open another)");
  const iamAdmins = world.delegatedAdministrators["iam.amazonaws.com"] ?? [];
  if (ctx.accountId !== world.managementAccountId && !iamAdmins.includes(ctx.accountId)) {
    throw denied(" (only the management account or the delegated administrator for IAM may)");
  }
  if (!world.organizationFeatures.includes("RootSessions")) throw denied(" (root sessions are not enabled for the organization)");
  const account = getAccount(world, targetAccountId);
  if (account === undefined) throw denied(" (not a member account of the organization)");
  if (targetAccountId === world.managementAccountId) throw denied(" (the management account cannot be a target)");
  if (account.status !== "ACTIVE") throw denied(` (the account is ${account.status})`);
  const accessKeyId = sessionAccessKeyId(targetAccountId);
  ctx.sessions.set(accessKeyId, { accountId: targetAccountId, roleName: "root", sessionName: "root", rootTaskPolicy: task[2] as string });
  return {
    Credentials: {
      AccessKeyId: accessKeyId,
      SecretAccessKey: randomBytes(30).toString("base64"),
      SessionToken: `FwoGZXIvYXdzE-root-${randomBytes(24).toString("base64url")}`,
      Expiration: new Date(ctx.now.getTime() + duration * 1000),
    },
  };
}

/** The caller's ARN: assumed-role ARN for session keys, the account's root for a root session, a pipeline user otherwise. */
export function callerArn(ctx: CallContext): string {
  const session = ctx.sessions.get(ctx.accessKeyId);
  if (session?.rootTaskPolicy !== undefined) return `arn:${ctx.world.partition}:iam::${session.accountId}:root`;
  if (session) return `arn:${ctx.world.partition}:sts::${session.accountId}:assumed-role/${session.roleName}/${session.sessionName}`;
  return `arn:${ctx.world.partition}:iam::${ctx.accountId}:user/account-vending-pipeline`;
}

export const stsHandler: ServiceHandler = {
  service: "sts",
  action: (req) => formParams(req).get("Action") ?? undefined,
  handle(ctx, req) {
    const params = formParams(req);
    switch (ctx.action) {
      case "AssumeRole":
        return queryResponse("AssumeRole", STS_NS, assumeRole(ctx, params));
      case "AssumeRoot":
        return queryResponse("AssumeRoot", STS_NS, assumeRoot(ctx, params));
      case "GetCallerIdentity":
        return queryResponse("GetCallerIdentity", STS_NS, {
          UserId: ctx.sessions.has(ctx.accessKeyId) ? `AROA${ctx.accountId}EXAMPLE:session` : `AIDA${ctx.accountId}EXAMPLE`,
          Account: ctx.accountId,
          Arn: callerArn(ctx),
        });
      default:
        throw new ServiceError("InvalidAction", `Could not find operation ${ctx.action} for version 2011-06-15`, 400);
    }
  },
  formatError: (err) => queryError(STS_NS, err),
  throttleError: () => new ServiceError("Throttling", "Rate exceeded", 400),
  internalError: () => new ServiceError("InternalFailure", "An internal error occurred", 500),
  accessDeniedError: (ctx) =>
    new ServiceError("AccessDenied", `User: ${callerArn(ctx)} is not authorized to perform: sts:${ctx.action}`, 403),
  unknownCredentialsError: () => new ServiceError("InvalidClientTokenId", "The security token included in the request is invalid.", 403),
};
