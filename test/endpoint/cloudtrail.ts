/**
 * AWS CloudTrail (awsJson1_1, X-Amz-Target <prefix>.<Op>: the service model's targetPrefix is
 * com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101, while SDK v3 3.1137 sends the short
 * CloudTrail_20131101; both are accepted):
 * DescribeTrails, GetTrailStatus, GetEventSelectors over the management account's trails. A Region sees
 * the trails homed there and, as shadow trails, multi-Region ones; member accounts see organization trails.
 * Errors as the SDK model has them: TrailNotFoundException 404, ThrottlingException 429, AccessDeniedException 403.
 */
import { awsJson11Routing, type CallContext, type ServiceHandler } from "./service";
import { callerArn } from "./sts";
import { ServiceError, jsonError, jsonResponse } from "./wire";
import type { TrailState } from "./world";

const SHORT_PREFIX = "CloudTrail_20131101.";
const LONG_PREFIX = `com.amazonaws.cloudtrail.v20131101.${SHORT_PREFIX}`;
type Input = Record<string, unknown>;

function trailArn(ctx: CallContext, t: TrailState): string {
  return `arn:${ctx.world.partition}:cloudtrail:${t.homeRegion}:${ctx.world.managementAccountId}:trail/${t.name}`;
}

function visible(ctx: CallContext, includeShadowTrails: boolean): TrailState[] {
  const own = ctx.accountId === ctx.world.managementAccountId;
  return ctx.world.trails.filter((t) => (own || t.isOrganizationTrail) && (t.homeRegion === ctx.region || (includeShadowTrails && t.isMultiRegion)));
}

/** A trail by name (homed in this Region) or by ARN (any Region). */
function findTrail(ctx: CallContext, nameOrArn: unknown): TrailState {
  const key = typeof nameOrArn === "string" ? nameOrArn : "";
  const t = visible(ctx, true).find((x) => trailArn(ctx, x) === key || (x.name === key && x.homeRegion === ctx.region));
  if (t === undefined) throw new ServiceError("TrailNotFoundException", `Unknown trail: ${key} for the user: ${ctx.accountId}`, 404);
  return t;
}

function dispatch(ctx: CallContext, input: Input): unknown {
  switch (ctx.action) {
    case "DescribeTrails": {
      const names = Array.isArray(input["trailNameList"]) ? (input["trailNameList"] as unknown[]).filter((n): n is string => typeof n === "string") : [];
      const trails = visible(ctx, input["includeShadowTrails"] !== false).filter((t) => names.length === 0 || names.includes(t.name) || names.includes(trailArn(ctx, t)));
      return {
        trailList: trails.map((t) => ({
          Name: t.name,
          S3BucketName: "org-cloudtrail-logs",
          IncludeGlobalServiceEvents: t.includeGlobalServiceEvents,
          IsMultiRegionTrail: t.isMultiRegion,
          HomeRegion: t.homeRegion,
          TrailARN: trailArn(ctx, t),
          LogFileValidationEnabled: true,
          HasCustomEventSelectors: t.eventSelectors !== undefined || t.advancedEventSelectors !== undefined,
          HasInsightSelectors: false,
          IsOrganizationTrail: t.isOrganizationTrail,
        })),
      };
    }
    case "GetTrailStatus": {
      const t = findTrail(ctx, input["Name"]);
      return { IsLogging: t.isLogging, LatestDeliveryTime: Date.parse("2024-01-15T10:00:00Z") / 1000, StartLoggingTime: Date.parse("2024-01-01T00:00:00Z") / 1000 };
    }
    case "GetEventSelectors": {
      const t = findTrail(ctx, input["TrailName"]);
      if (t.advancedEventSelectors !== undefined) return { TrailARN: trailArn(ctx, t), AdvancedEventSelectors: t.advancedEventSelectors };
      return {
        TrailARN: trailArn(ctx, t),
        EventSelectors: t.eventSelectors ?? [{ ReadWriteType: "All", IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }],
      };
    }
    default:
      throw new ServiceError("UnknownOperationException", `Unknown operation ${ctx.action}`, 400);
  }
}

const routing = awsJson11Routing<Input>(SHORT_PREFIX, dispatch, jsonResponse);

export const cloudTrailHandler: ServiceHandler = {
  service: "cloudtrail",
  action(req) {
    const target = req.headers["x-amz-target"];
    if (typeof target !== "string") return undefined;
    const prefix = [LONG_PREFIX, SHORT_PREFIX].find((p) => target.startsWith(p));
    return prefix === undefined ? undefined : target.slice(prefix.length);
  },
  handle: routing.handle,
  formatError: jsonError,
  throttleError: () => new ServiceError("ThrottlingException", "Rate exceeded", 429),
  internalError: () => new ServiceError("InternalFailure", "An internal error occurred.", 500),
  accessDeniedError: (ctx) => new ServiceError("AccessDeniedException", `User: ${callerArn(ctx)} is not authorized to perform: cloudtrail:${ctx.action}`, 403),
  unknownCredentialsError: () => new ServiceError("UnrecognizedClientException", "The security token included in the request is invalid.", 400),
};
