/**
 * Security Hub CSPM (restJson1): POST /findings (GetFindings), GET /accounts (DescribeHub),
 * POST /standards/get (GetEnabledStandards), and the organization reads preflight makes:
 * GET /organization/admin (ListOrganizationAdminAccounts, management account), GET /organization/configuration,
 * GET /findingAggregator/list, GET /configurationPolicy/list. Findings are read from the calling account's
 * store, i.e. the aggregating account sees every member's findings; filters are applied server-side.
 */
import { matchesFilters, sortFindings, validateFilters } from "./findings";
import type { CallContext, ServiceHandler, ServiceRequest } from "./service";
import { callerArn } from "./sts";
import { ServiceError, decodeToken, encodeToken, page, pageSize, restJsonError, restJsonResponse } from "./wire";

const ROUTES: Record<string, string> = {
  "POST /findings": "GetFindings",
  "GET /accounts": "DescribeHub",
  "POST /standards/get": "GetEnabledStandards",
  "GET /organization/admin": "ListOrganizationAdminAccounts",
  "GET /organization/configuration": "DescribeOrganizationConfiguration",
  "GET /findingAggregator/list": "ListFindingAggregators",
  "GET /configurationPolicy/list": "ListConfigurationPolicies",
};

type Input = Record<string, unknown>;

function requireSubscribed(ctx: CallContext): void {
  const acct = ctx.world.accounts[ctx.accountId];
  if (!acct || !acct.securityHubRegions.includes(ctx.region)) {
    // The model gives InvalidAccessException HTTP 401; the message is what AWS prints.
    throw new ServiceError("InvalidAccessException", `Account ${ctx.accountId} is not subscribed to AWS Security Hub`, 401);
  }
}

/** Only the region's administrator holds the organization's Security Hub state (terraform-provider-aws #23079). */
function requireAdministrator(ctx: CallContext): void {
  if (ctx.world.securityHubAdmins[ctx.region] !== ctx.accountId) {
    throw new ServiceError("InvalidAccessException", `Account ${ctx.accountId} is not an administrator for this organization`, 401);
  }
}

function listPage<T>(items: readonly T[], input: Input) {
  const offset = decodeToken(typeof input["NextToken"] === "string" ? input["NextToken"] : undefined, "InvalidInputException");
  const slice = page(items, offset, pageSize(input["MaxResults"], 10, 100));
  return { items: slice.items, NextToken: slice.next === undefined ? undefined : encodeToken(slice.next) };
}

function organizationReads(ctx: CallContext, input: Input): unknown {
  const acct = ctx.world.accounts[ctx.accountId];
  switch (ctx.action) {
    case "ListOrganizationAdminAccounts": {
      if (ctx.accountId !== ctx.world.managementAccountId) {
        throw new ServiceError("AccessDeniedException", `User: ${callerArn(ctx)} is not authorized: only the organization management account can list administrator accounts`, 403);
      }
      const admin = ctx.world.securityHubAdmins[ctx.region];
      const p = listPage(admin === undefined ? [] : [admin], input);
      return { AdminAccounts: p.items.map((AccountId) => ({ AccountId, Status: "ENABLED" })), NextToken: p.NextToken, Feature: "SecurityHub" };
    }
    case "DescribeOrganizationConfiguration": {
      requireSubscribed(ctx);
      requireAdministrator(ctx);
      const c = acct?.securityHubOrganization;
      return {
        AutoEnable: c?.autoEnable ?? false,
        MemberAccountLimitReached: false,
        AutoEnableStandards: c?.autoEnableStandards ?? "NONE",
        OrganizationConfiguration: { ConfigurationType: c?.configurationType ?? "LOCAL", Status: c?.status ?? "ENABLED" },
      };
    }
    case "ListFindingAggregators": {
      requireSubscribed(ctx);
      const p = listPage(acct?.findingAggregators ?? [], input);
      return { FindingAggregators: p.items.map((FindingAggregatorArn) => ({ FindingAggregatorArn })), NextToken: p.NextToken };
    }
    case "ListConfigurationPolicies": {
      requireSubscribed(ctx);
      requireAdministrator(ctx);
      const p = listPage(acct?.configurationPolicies ?? [], input);
      return {
        ConfigurationPolicySummaries: p.items.map((x) => ({
          Arn: `arn:${ctx.world.partition}:securityhub:${ctx.region}:${ctx.accountId}:configuration-policy/${x.id}`,
          Id: x.id,
          Name: x.name,
          Description: x.name,
          UpdatedAt: "2024-01-15T10:00:00.000Z",
          ServiceEnabled: true,
        })),
        NextToken: p.NextToken,
      };
    }
    default:
      throw new ServiceError("InvalidInputException", `Unknown operation ${ctx.action}`, 400);
  }
}

function dispatch(ctx: CallContext, input: Input): unknown {
  if (ctx.action === "ListOrganizationAdminAccounts" || ctx.action === "DescribeOrganizationConfiguration" || ctx.action === "ListFindingAggregators" || ctx.action === "ListConfigurationPolicies") {
    return organizationReads(ctx, input);
  }
  requireSubscribed(ctx);
  const p = ctx.world.partition;
  switch (ctx.action) {
    case "GetFindings": {
      const filters = typeof input["Filters"] === "object" && input["Filters"] !== null ? (input["Filters"] as Input) : {};
      validateFilters(filters);
      const stored = ctx.world.findings[ctx.accountId] ?? [];
      const matching = sortFindings(stored.filter((f) => matchesFilters(f, filters)), input["SortCriteria"]);
      const offset = decodeToken(typeof input["NextToken"] === "string" ? input["NextToken"] : undefined, "InvalidInputException");
      const slice = page(matching, offset, pageSize(input["MaxResults"], 100, 100));
      return { Findings: slice.items, NextToken: slice.next === undefined ? undefined : encodeToken(slice.next) };
    }
    case "DescribeHub": {
      const generator = ctx.world.accounts[ctx.accountId]?.controlFindingGenerator;
      return {
        HubArn: `arn:${p}:securityhub:${ctx.region}:${ctx.accountId}:hub/default`,
        SubscribedAt: "2024-01-15T10:00:00.000Z",
        AutoEnableControls: true,
        ...(generator === null ? {} : { ControlFindingGenerator: generator ?? "SECURITY_CONTROL" }),
      };
    }
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
    // GET operations carry their input (NextToken, MaxResults) in the query string.
    const input = req.body.length > 0 ? (JSON.parse(req.body.toString("utf8")) as Input) : Object.fromEntries(req.query);
    return restJsonResponse(dispatch(ctx, input));
  },
  formatError: restJsonError,
  throttleError: () => new ServiceError("TooManyRequestsException", "Rate exceeded", 429),
  internalError: () => new ServiceError("InternalException", "Internal service failure.", 500),
  accessDeniedError: (ctx) =>
    new ServiceError("AccessDeniedException", `User: ${callerArn(ctx)} is not authorized to perform: securityhub:${ctx.action}`, 403),
  unknownCredentialsError: () => new ServiceError("UnrecognizedClientException", "The security token included in the request is invalid.", 403),
};
