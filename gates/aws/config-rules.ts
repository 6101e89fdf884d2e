/**
 * --wait: ask AWS Config, in the target account and home region, to re-evaluate every rule backed
 * by IAM_ROOT_ACCESS_KEY_CHECK so that Security Hub gets a fresh IAM.4 finding sooner.
 */
import { DescribeConfigRulesCommand, StartConfigRulesEvaluationCommand } from "@aws-sdk/client-config-service";
import { RULE_ROOT_ACCESS_KEY_CHECK } from "../../modules/constants";
import { callAws, type CallPolicy } from "./call";
import type { AwsClientFactory } from "./clients";

/** StartConfigRulesEvaluation accepts at most 25 rule names per call. */
const MAX_RULES_PER_CALL = 25;

/** Returns the names of the rules whose evaluation was started (empty when none exists). Throws AwsCallError. */
export async function reevaluateRootKeyRules(aws: AwsClientFactory, policy: CallPolicy, accountId: string): Promise<string[]> {
  const { config } = await aws.inAccount(accountId, policy);
  const names: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < 100; page++) {
    const out = await callAws("config:DescribeConfigRules", policy, (abortSignal) =>
      config.send(new DescribeConfigRulesCommand({ NextToken: token }), { abortSignal }),
    );
    for (const rule of out.ConfigRules ?? []) {
      if (rule.Source?.SourceIdentifier === RULE_ROOT_ACCESS_KEY_CHECK && rule.ConfigRuleName !== undefined) names.push(rule.ConfigRuleName);
    }
    token = out.NextToken;
    if (token === undefined || token === "") break;
  }
  for (let i = 0; i < names.length; i += MAX_RULES_PER_CALL) {
    const batch = names.slice(i, i + MAX_RULES_PER_CALL);
    await callAws("config:StartConfigRulesEvaluation", policy, (abortSignal) =>
      config.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: batch }), { abortSignal }),
    );
  }
  return names;
}
