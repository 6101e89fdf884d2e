/** STS (AWS query protocol, Version 2011-06-15): AssumeRole, GetCallerIdentity. */
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

/** The caller's ARN: assumed-role ARN for session keys, a pipeline user otherwise. */
export function callerArn(ctx: CallContext): string {
  const session = ctx.sessions.get(ctx.accessKeyId);
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
