/**
 * Security Hub CSPM (restJson1): POST /findings (GetFindings), GET /accounts (DescribeHub),
 * POST /standards/get (GetEnabledStandards). Findings are read from the calling account's store,
 * i.e. the aggregating account sees every member's findings; filters are applied server-side.
 */
import { matchesFilters, validateFilters } from "./findings";
import type { CallContext, ServiceHandler, ServiceRequest } from "./service";
import { callerArn } from "./sts";
import { ServiceError, decodeToken, encodeToken, page, pageSize, restJsonError, restJsonResponse } from "./wire";

const ROUTES: Record<string, string> = {
  "POST /findings": "GetFindings",
  "GET /accounts": "DescribeHub",
  "POST /standards/get": "GetEnabledStandards",
};

type Input = Record<string, unknown>;

function requireSubscribed(ctx: CallContext): void {
  const acct = ctx.world.accounts[ctx.accountId];
  if (!acct || !acct.securityHubRegions.includes(ctx.region)) {
    // The model gives InvalidAccessException HTTP 401; the message is what AWS prints.
    throw new ServiceError("InvalidAccessException", `Account ${ctx.accountId} is not subscribed to AWS Security Hub`, 401);
  }
}

function dispatch(ctx: CallContext, input: Input): unknown {
  requireSubscribed(ctx);
  const p = ctx.world.partition;
  switch (ctx.action) {
    case "GetFindings": {
      const filters = typeof input["Filters"] === "object" && input["Filters"] !== null ? (input["Filters"] as Input) : {};
      validateFilters(filters);
      const stored = ctx.world.findings[ctx.accountId] ?? [];
      const matching = stored.filter((f) => matchesFilters(f, filters));
      const offset = decodeToken(typeof input["NextToken"] === "string" ? input["NextToken"] : undefined, "InvalidInputException");
      const slice = page(matching, offset, pageSize(input["MaxResults"], 100, 100));
      return { Findings: slice.items, NextToken: slice.next === undefined ? undefined : encodeToken(slice.next) };
    }
    case "DescribeHub":
      return {
        HubArn: `arn:${p}:securityhub:${ctx.region}:${ctx.accountId}:hub/default`,
        SubscribedAt: "2024-01-15T10:00:00.000Z",
        AutoEnableControls: true,
        ControlFindingGenerator: "SECURITY_CONTROL",
      };
    case "GetEnabledStandards": {
      const acct = ctx.world.accounts[ctx.accountId];
      return {
        StandardsSubscriptions: (acct?.enabledStandards ?? []).map((template) => {
          const standardsArn = template.replace("<region>", ctx.region).replace(/^arn:aws:/, `arn:${p}:`);
          const tail = standardsArn.replace(/^arn:[^:]+:securityhub:[^:]*::/, "");
          return {
            StandardsSubscriptionArn: `arn:${p}:securityhub:${ctx.region}:${ctx.accountId}:subscription/${tail.replace(/^(standards|ruleset)\//, "")}`,
            StandardsArn: standardsArn,
            StandardsInput: {},
            StandardsStatus: "READY",
          };
        }),
      };
    }
    default:
      throw new ServiceError("InvalidInputException", `Unknown operation ${ctx.action}`, 400);
  }
}

export const securityHubHandler: ServiceHandler = {
  service: "securityhub",
  action: (req: ServiceRequest) => ROUTES[`${req.method} ${req.path.replace(/\/+$/, "")}`],
  handle(ctx, req) {
    const input = req.body.length > 0 ? (JSON.parse(req.body.toString("utf8")) as Input) : {};
    return restJsonResponse(dispatch(ctx, input));
  },
  formatError: restJsonError,
  throttleError: () => new ServiceError("TooManyRequestsException", "Rate exceeded", 429),
  internalError: () => new ServiceError("InternalException", "Internal service failure.", 500),
  accessDeniedError: (ctx) =>
    new ServiceError("AccessDeniedException", `User: ${callerArn(ctx)} is not authorized to perform: securityhub:${ctx.action}`, 403),
  unknownCredentialsError: () => new ServiceError("UnrecognizedClientException", "The security token included in the request is invalid.", 403),
};
