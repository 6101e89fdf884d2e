/**
 * AWS Config: organization managed rules behind IAM.4 / IAM.3 and an organization aggregator (delegated
 * administrator side), the delegations (management side), and the member-baseline StackSet.
 */
import { Construct } from "constructs";
import {
  ConfigConfigurationAggregator,
  ConfigOrganizationManagedRule,
  IamRole,
  IamRolePolicyAttachment,
  OrganizationsDelegatedAdministrator,
} from "../aws";
import { RULE_ACCESS_KEYS_ROTATED, RULE_ROOT_ACCESS_KEY_CHECK } from "../constants";
import type { Partition } from "../config/regions";

export { memberBaselineTemplate, rootCreateAccessKeyPattern, MEMBER_BASELINE_PARAMETERS } from "./member-baseline-template";
export type { MemberBaselineTemplateProps, MemberBaselineParameter } from "./member-baseline-template";
export * from "./member-baseline";

export interface ConfigOrganizationRulesProps {
  readonly partition: Partition;
  /** Regions the aggregator collects from. */
  readonly governedRegions: readonly string[];
  /** maxAccessKeyAge for ACCESS_KEYS_ROTATED. @default 90 */
  readonly maxAccessKeyAgeDays?: number;
  /**
   * Accounts the organization rules do not evaluate (`excluded_accounts`). The provider: organization rules
   * "will include the master account unless its ID is added to the excluded_accounts argument", and "every
   * Organization account except those configured in the excluded_accounts argument must have a
   * Configuration Recorder with proper IAM permissions before the rule will successfully create or update" (website/docs/r/config_organization_managed_rule.html.markdown).
   * @default []
   */
  readonly excludedAccountIds?: readonly string[];
}

/**
 * Deployed in the delegated administrator account, in the home region only: both rules evaluate IAM,
 * a global resource recorded only there (one evaluation per account, not one per region). Every account
 * they evaluate needs a recorder first: the StackSet gives one to the target OUs (nested OUs included),
 * the management stack to the management account; accounts outside both are listed in
 * `excludedAccountIds` or bring their own (preflight check `config-recorders`).
 */
export class ConfigOrganizationRules extends Construct {
  constructor(scope: Construct, id: string, props: ConfigOrganizationRulesProps) {
    super(scope, id);
    const maxAge = props.maxAccessKeyAgeDays ?? 90;
    if (!Number.isInteger(maxAge) || maxAge < 1 || maxAge > 365) throw new Error(`ConfigOrganizationRules: maxAccessKeyAgeDays ${maxAge} is not an integer in 1..365`);
    if (props.governedRegions.length === 0) throw new Error("ConfigOrganizationRules: governedRegions is empty");
    const excludedAccounts = props.excludedAccountIds && props.excludedAccountIds.length > 0 ? [...props.excludedAccountIds] : undefined;

    new ConfigOrganizationManagedRule(this, "root-access-key-check", {
      name: "guardrails-iam-root-access-key-check",
      description: "IAM.4: the root user has no access key",
      ruleIdentifier: RULE_ROOT_ACCESS_KEY_CHECK,
      maximumExecutionFrequency: "TwentyFour_Hours",
      excludedAccounts,
    });
    new ConfigOrganizationManagedRule(this, "access-keys-rotated", {
      name: "guardrails-access-keys-rotated",
      description: `IAM.3: active access keys are rotated within ${maxAge} days`,
      ruleIdentifier: RULE_ACCESS_KEYS_ROTATED,
      // Config managed rules take every parameter as a string.
      inputParameters: JSON.stringify({ maxAccessKeyAge: String(maxAge) }),
      maximumExecutionFrequency: "TwentyFour_Hours",
      excludedAccounts,
    });

    const aggregatorRole = new IamRole(this, "aggregator-role", {
      name: "GuardrailsConfigAggregator",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "config.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    });
    new IamRolePolicyAttachment(this, "aggregator-role-policy", {
      role: aggregatorRole.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/service-role/AWSConfigRoleForOrganizations`,
    });
    new ConfigConfigurationAggregator(this, "aggregator", {
      name: "guardrails-organization",
      organizationAggregationSource: { roleArn: aggregatorRole.arn, regions: [...props.governedRegions] },
    });
  }
}

export interface ConfigDelegationProps {
  readonly adminAccountId: string;
}

/** Management side: lets the security-tooling account own organization rules and the aggregator. */
export class ConfigDelegation extends Construct {
  constructor(scope: Construct, id: string, props: ConfigDelegationProps) {
    super(scope, id);
    if (!/^\d{12}$/.test(props.adminAccountId)) throw new Error(`ConfigDelegation: adminAccountId "${props.adminAccountId}" is not a 12-digit account id`);
    // config-multiaccountsetup: organization rules; config: organization aggregator.
    for (const servicePrincipal of ["config-multiaccountsetup.amazonaws.com", "config.amazonaws.com"]) {
      new OrganizationsDelegatedAdministrator(this, servicePrincipal.split(".")[0]!, { accountId: props.adminAccountId, servicePrincipal });
    }
  }
}
