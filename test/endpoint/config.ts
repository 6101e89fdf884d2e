/**
 * AWS Config (awsJson1_1, X-Amz-Target StarlingDoveService.<Op>): DescribeConfigRules and
 * StartConfigRulesEvaluation. Evaluations are recorded in the world; a hook may change state in response.
 */
import { awsJson11Routing, type CallContext, type ServiceHandler } from "./service";
import { callerArn } from "./sts";
import { ServiceError, decodeToken, encodeToken, jsonError, jsonResponse, page } from "./wire";
import type { ConfigRule } from "./world";

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

function dispatch(ctx: CallContext, input: Input): unknown {
  switch (ctx.action) {
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
