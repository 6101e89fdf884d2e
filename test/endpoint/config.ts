/**
 * AWS Config (awsJson1_1, X-Amz-Target StarlingDoveService.<Op>): DescribeConfigRules,
 * StartConfigRulesEvaluation, DescribeConfigurationRecorders and DescribeConfigurationRecorderStatus.
 * Evaluations are recorded in the world; a hook may change state in response.
 */
import { awsJson11Routing, type CallContext, type ServiceHandler } from "./service";
import { callerArn } from "./sts";
import { ServiceError, decodeToken, encodeToken, jsonError, jsonResponse, page } from "./wire";
import type { ConfigRecorderState, ConfigRule } from "./world";

const TARGET_PREFIX = "StarlingDoveService.";
type Input = Record<string, unknown>;

function rulesHere(ctx: CallContext): ConfigRule[] {
  return ctx.world.accounts[ctx.accountId]?.configRules[ctx.region] ?? [];
}

function ruleJson(ctx: CallContext, rule: ConfigRule, index: number) {
  return {
    ConfigRuleName: rule.name,
    ConfigRuleArn: `arn:${ctx.world.partition}:config:${ctx.region}:${ctx.accountId}:config-rule/config-rule-${index.toString(36).padStart(6, "0")}`,
    ConfigRuleId: `config-rule-${index.toString(36).padStart(6, "0")}`,
    Source: { Owner: rule.owner, SourceIdentifier: rule.sourceIdentifier },
    InputParameters: "{}",
    MaximumExecutionFrequency: rule.maximumExecutionFrequency,
    ConfigRuleState: "ACTIVE",
    CreatedBy: rule.createdBy,
  };
}

function selectRules(ctx: CallContext, input: Input): ConfigRule[] {
  const all = rulesHere(ctx);
  const names = Array.isArray(input["ConfigRuleNames"]) ? (input["ConfigRuleNames"] as unknown[]).filter((n): n is string => typeof n === "string") : [];
  if (names.length === 0) return all;
  return names.map((name) => {
    const rule = all.find((r) => r.name === name);
    if (!rule) throw new ServiceError("NoSuchConfigRuleException", `The ConfigRule '${name}' provided in the request is invalid. Please check the configRule name`, 400);
    return rule;
  });
}

/** Re-evaluation makes the member's pending findings visible in the aggregating account, freshly updated. */
function releasePendingFindings(ctx: CallContext): void {
  const pending = ctx.world.findingsAfterEvaluation[ctx.accountId];
  if (!pending || pending.length === 0) return;
  const now = ctx.now.toISOString();
  const store = (ctx.world.findings[ctx.world.securityHubAccountId] ??= []);
  for (const finding of pending) store.push({ ...finding, UpdatedAt: now, LastObservedAt: now });
  delete ctx.world.findingsAfterEvaluation[ctx.accountId];
}

/**
 * Without a name, ServicePrincipal or Arn the API "returns details for the customer managed configuration
 * recorder configured for the account, if applicable" (DescribeConfigurationRecorders in the SDK model);
 * ServicePrincipal selects a service-linked one; a name that does not exist is NoSuchConfigurationRecorderException.
 */
function selectRecorders(ctx: CallContext, input: Input): ConfigRecorderState[] {
  const all = ctx.world.accounts[ctx.accountId]?.configRecorders[ctx.region] ?? [];
  const principal = typeof input["ServicePrincipal"] === "string" ? input["ServicePrincipal"] : undefined;
  const names = Array.isArray(input["ConfigurationRecorderNames"]) ? (input["ConfigurationRecorderNames"] as unknown[]).filter((n): n is string => typeof n === "string") : [];
  if (names.length > 0) {
    return names.map((name) => {
      const r = all.find((x) => x.name === name);
      if (!r) throw new ServiceError("NoSuchConfigurationRecorderException", `Cannot find configuration recorder with the specified name '${name}'.`, 400);
      return r;
    });
  }
  return principal !== undefined ? all.filter((r) => r.servicePrincipal === principal) : all.filter((r) => r.servicePrincipal === undefined);
}

function recorderArn(ctx: CallContext, r: ConfigRecorderState): string {
  return `arn:${ctx.world.partition}:config:${ctx.region}:${ctx.accountId}:configuration-recorder/${r.name}/${r.name.length.toString(16).padStart(8, "0")}`;
}

function dispatch(ctx: CallContext, input: Input): unknown {
  switch (ctx.action) {
    case "DescribeConfigurationRecorders":
      return {
        ConfigurationRecorders: selectRecorders(ctx, input).map((r) => ({
          arn: recorderArn(ctx, r),
          name: r.name,
          roleARN: `arn:${ctx.world.partition}:iam::${ctx.accountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
          recordingGroup: { allSupported: true, includeGlobalResourceTypes: false, resourceTypes: [] },
          recordingMode: { recordingFrequency: "CONTINUOUS", recordingModeOverrides: [] },
          recordingScope: r.servicePrincipal === undefined ? "PAID" : "INTERNAL",
          servicePrincipal: r.servicePrincipal,
        })),
      };
    case "DescribeConfigurationRecorderStatus":
      return {
        ConfigurationRecordersStatus: selectRecorders(ctx, input).map((r) => ({
          arn: recorderArn(ctx, r),
          name: r.name,
          recording: r.recording,
          lastStatus: r.recording ? "SUCCESS" : "PENDING",
          lastStartTime: r.recording ? Date.parse("2024-01-15T10:00:00Z") / 1000 : undefined,
          servicePrincipal: r.servicePrincipal,
        })),
      };
    case "DescribeConfigRules": {
      const rules = selectRules(ctx, input);
      const offset = decodeToken(typeof input["NextToken"] === "string" ? input["NextToken"] : undefined, "InvalidNextTokenException");
      // Config returns up to 25 rules per page.
      const p = page(rules, offset, 25);
      return {
        ConfigRules: p.items.map((r) => ruleJson(ctx, r, rulesHere(ctx).indexOf(r))),
        NextToken: p.next === undefined ? undefined : encodeToken(p.next),
      };
    }
    case "StartConfigRulesEvaluation": {
      const rules = selectRules(ctx, input);
      if (rules.length === 0) throw new ServiceError("InvalidParameterValueException", "ConfigRuleNames must not be empty", 400);
      const request = { accountId: ctx.accountId, region: ctx.region, ruleNames: rules.map((r) => r.name), at: ctx.now.toISOString() };
      ctx.world.configEvaluations.push(request);
      releasePendingFindings(ctx);
      ctx.world.hooks.onConfigRulesEvaluation?.(ctx.world, request);
      return {};
    }
    default:
      throw new ServiceError("UnknownOperationException", `Unknown operation ${ctx.action}`, 400);
  }
}

export const configHandler: ServiceHandler = {
  service: "config",
  ...awsJson11Routing<Input>(TARGET_PREFIX, dispatch, jsonResponse),
  formatError: jsonError,
  throttleError: () => new ServiceError("ThrottlingException", "Rate exceeded", 400),
  internalError: () => new ServiceError("InternalFailure", "An internal error occurred.", 500),
  accessDeniedError: (ctx) =>
    new ServiceError("AccessDeniedException", `User: ${callerArn(ctx)} is not authorized to perform: config:${ctx.action}`, 400),
  unknownCredentialsError: () => new ServiceError("UnrecognizedClientException", "The security token included in the request is invalid.", 400),
};
