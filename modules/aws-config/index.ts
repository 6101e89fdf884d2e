/**
 * AWS Config: organization managed rules behind IAM.4 / IAM.3 and an organization aggregator (delegated
 * administrator side), the delegations (management side), and the member-baseline StackSet.
 */
import { Construct } from "constructs";
import {
  CloudformationStackSet,
  CloudformationStackSetInstance,
  ConfigConfigurationAggregator,
  ConfigOrganizationManagedRule,
  IamRole,
  IamRolePolicyAttachment,
  OrganizationsDelegatedAdministrator,
} from "../aws";
import { RULE_ACCESS_KEYS_ROTATED, RULE_ROOT_ACCESS_KEY_CHECK } from "../constants";
import type { Partition } from "../config/regions";
import { memberBaselineTemplate, type MemberBaselineParameter, type MemberBaselineTemplateProps } from "./member-baseline-template";

export { memberBaselineTemplate, rootCreateAccessKeyPattern, MEMBER_BASELINE_PARAMETERS } from "./member-baseline-template";

export interface ConfigOrganizationRulesProps {
  readonly partition: Partition;
  /** Regions the aggregator collects from. */
  readonly governedRegions: readonly string[];
  /** maxAccessKeyAge for ACCESS_KEYS_ROTATED. @default 90 */
  readonly maxAccessKeyAgeDays?: number;
}

/**
 * Deployed in the delegated administrator account, in the home region only: both rules evaluate IAM,
 * a global resource recorded only there (one evaluation per account, not one per region).
 */
export class ConfigOrganizationRules extends Construct {
  constructor(scope: Construct, id: string, props: ConfigOrganizationRulesProps) {
    super(scope, id);
    const maxAge = props.maxAccessKeyAgeDays ?? 90;
    if (!Number.isInteger(maxAge) || maxAge < 1 || maxAge > 365) throw new Error(`ConfigOrganizationRules: maxAccessKeyAgeDays ${maxAge} is not an integer in 1..365`);
    if (props.governedRegions.length === 0) throw new Error("ConfigOrganizationRules: governedRegions is empty");

    new ConfigOrganizationManagedRule(this, "root-access-key-check", {
      name: "guardrails-iam-root-access-key-check",
      description: "IAM.4: the root user has no access key",
      ruleIdentifier: RULE_ROOT_ACCESS_KEY_CHECK,
      maximumExecutionFrequency: "TwentyFour_Hours",
    });
    new ConfigOrganizationManagedRule(this, "access-keys-rotated", {
      name: "guardrails-access-keys-rotated",
      description: `IAM.3: active access keys are rotated within ${maxAge} days`,
      ruleIdentifier: RULE_ACCESS_KEYS_ROTATED,
      // Config managed rules take every parameter as a string.
      inputParameters: JSON.stringify({ maxAccessKeyAge: String(maxAge) }),
      maximumExecutionFrequency: "TwentyFour_Hours",
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

export interface MemberBaselineStackSetProps extends MemberBaselineTemplateProps {
  readonly homeRegion: string;
  /** Regions with a recorder. */
  readonly governedRegions: readonly string[];
  readonly targetOuIds: readonly string[];
  readonly parameters: Record<Exclude<MemberBaselineParameter, "HomeRegion">, string>;
  /** @default "guardrails-member-baseline" */
  readonly name?: string;
}

/**
 * Service-managed StackSet (auto-deployment on) plus one instance resource per region (never per
 * account). Instances run one after another, home region first: it creates the Config service-linked
 * role that recorders in the other regions use.
 */
export class MemberBaselineStackSet extends Construct {
  readonly stackSet: CloudformationStackSet;
  readonly regions: string[];

  constructor(scope: Construct, id: string, props: MemberBaselineStackSetProps) {
    super(scope, id);
    if (props.targetOuIds.length === 0) throw new Error("MemberBaselineStackSet: targetOuIds is empty");
    if (!props.governedRegions.includes(props.homeRegion)) throw new Error(`MemberBaselineStackSet: governedRegions does not include homeRegion "${props.homeRegion}"`);

    this.stackSet = new CloudformationStackSet(this, "stack-set", {
      name: props.name ?? "guardrails-member-baseline",
      description: "CIS guardrails: Config recorder, gate read-only role, root event forwarding in every account",
      permissionModel: "SERVICE_MANAGED",
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ["CAPABILITY_NAMED_IAM"],
      managedExecution: { active: true },
      operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25, regionConcurrencyType: "SEQUENTIAL" },
      templateBody: JSON.stringify(memberBaselineTemplate(props)),
      parameters: { ...props.parameters, HomeRegion: props.homeRegion },
      // The service sets this for SERVICE_MANAGED stack sets; without this every plan shows a diff.
      lifecycle: { ignoreChanges: ["administration_role_arn"] },
    });

    const forwarding = props.parameters.ForwardRootEvents === "true";
    const regions = [props.homeRegion, ...props.governedRegions.filter((r) => r !== props.homeRegion)];
    if (forwarding && !regions.includes(props.iamEventRegion)) regions.push(props.iamEventRegion);
    this.regions = regions;

    let previous: CloudformationStackSetInstance | undefined;
    for (const region of regions) {
      const governed = props.governedRegions.includes(region);
      previous = new CloudformationStackSetInstance(this, `instance-${region}`, {
        stackSetName: this.stackSet.name,
        stackSetInstanceRegion: region,
        deploymentTargets: { organizationalUnitIds: [...props.targetOuIds] },
        // A region outside governedRegions is deployed only to forward root events: no recorder there.
        parameterOverrides: governed ? undefined : { CreateRecorder: "false" },
        retainStack: false,
        dependsOn: previous ? [previous] : undefined,
      });
    }
  }
}
