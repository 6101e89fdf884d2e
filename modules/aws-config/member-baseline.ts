/**
 * The member baseline (template in member-baseline-template.ts) reaches every account two ways:
 *  - {@link MemberBaselineStackSet}: service-managed StackSet, auto-deployment on, one instance resource per
 *    region targeting the target OUs (nested OUs included);
 *  - {@link ManagementAccountBaseline}: one CloudFormation stack per region in the management account,
 *    because "CloudFormation doesn't deploy stacks to the management account, even if that account is part
 *    of your organization or belongs to an organizational unit (OU)"
 *    (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-associate-stackset-with-org.html).
 * Both take the same template body and parameters; synth grows with regions, never with accounts.
 */
import { Construct } from "constructs";
import { CloudformationStack, CloudformationStackSet, CloudformationStackSetInstance } from "../aws";
import type { MemberBaselineParameter } from "./member-baseline-template";

/** Every template parameter except HomeRegion, which the constructs set from `homeRegion`. */
export type MemberBaselineParameters = Record<Exclude<MemberBaselineParameter, "HomeRegion">, string>;

export interface BaselineRegionsProps {
  readonly homeRegion: string;
  /** Regions with a recorder. */
  readonly governedRegions: readonly string[];
  /** Region where IAM publishes its CloudTrail events to EventBridge. */
  readonly iamEventRegion: string;
  readonly forwardRootEvents: boolean;
}

/**
 * Regions the baseline is deployed to, home region first (it creates the Config service-linked role the
 * recorders in other regions use), plus the IAM event region when root events are forwarded.
 */
export function baselineRegions(props: BaselineRegionsProps): string[] {
  if (!props.governedRegions.includes(props.homeRegion)) throw new Error(`member baseline: governedRegions does not include homeRegion "${props.homeRegion}"`);
  const regions = [props.homeRegion, ...props.governedRegions.filter((r) => r !== props.homeRegion)];
  if (props.forwardRootEvents && !regions.includes(props.iamEventRegion)) regions.push(props.iamEventRegion);
  return regions;
}

/** A region outside governedRegions is deployed only to forward root events: no recorder there. */
function regionParameterOverrides(region: string, governedRegions: readonly string[]): Partial<MemberBaselineParameters> | undefined {
  return governedRegions.includes(region) ? undefined : { CreateRecorder: "false" };
}

interface BaselineProps extends BaselineRegionsProps {
  /** JSON of the member-baseline template (memberBaselineTemplate). */
  readonly templateBody: string;
  readonly parameters: MemberBaselineParameters;
}

export interface MemberBaselineStackSetProps extends BaselineProps {
  readonly targetOuIds: readonly string[];
  /** @default "guardrails-member-baseline" */
  readonly name?: string;
}

/**
 * Service-managed StackSet plus one instance resource per region (never per account). Instances run one
 * after another, home region first.
 */
export class MemberBaselineStackSet extends Construct {
  readonly stackSet: CloudformationStackSet;
  readonly regions: string[];
  readonly instances: CloudformationStackSetInstance[] = [];

  constructor(scope: Construct, id: string, props: MemberBaselineStackSetProps) {
    super(scope, id);
    if (props.targetOuIds.length === 0) throw new Error("MemberBaselineStackSet: targetOuIds is empty");
    this.regions = baselineRegions(props);

    this.stackSet = new CloudformationStackSet(this, "stack-set", {
      name: props.name ?? "guardrails-member-baseline",
      description: "CIS guardrails: Config recorder, gate read-only role, root event forwarding in every account",
      permissionModel: "SERVICE_MANAGED",
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ["CAPABILITY_NAMED_IAM"],
      managedExecution: { active: true },
      operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25, regionConcurrencyType: "SEQUENTIAL" },
      templateBody: props.templateBody,
      parameters: { ...props.parameters, HomeRegion: props.homeRegion },
      // The service sets this for SERVICE_MANAGED stack sets; without this every plan shows a diff.
      lifecycle: { ignoreChanges: ["administration_role_arn"] },
    });

    let previous: CloudformationStackSetInstance | undefined;
    for (const region of this.regions) {
      previous = new CloudformationStackSetInstance(this, `instance-${region}`, {
        stackSetName: this.stackSet.name,
        stackSetInstanceRegion: region,
        // An OU target includes its child OUs (stacksets-orgs-associate-stackset-with-org.html).
        deploymentTargets: { organizationalUnitIds: [...props.targetOuIds] },
        parameterOverrides: regionParameterOverrides(region, props.governedRegions),
        retainStack: false,
        dependsOn: previous ? [previous] : undefined,
      });
      this.instances.push(previous);
    }
  }
}

export type ManagementAccountBaselineProps = BaselineProps;

/**
 * The member baseline in the management account: one `aws_cloudformation_stack` per region with the
 * provider's per-resource `region` argument (AWS provider v6 "Enhanced Region Support", no provider alias
 * per region; hashicorp/terraform-provider-aws #35898). The home-region stack goes first (service-linked
 * role), the others wait for it.
 */
export class ManagementAccountBaseline extends Construct {
  readonly stacks: CloudformationStack[] = [];
  readonly regions: string[];

  constructor(scope: Construct, id: string, props: ManagementAccountBaselineProps) {
    super(scope, id);
    this.regions = baselineRegions(props);
    let home: CloudformationStack | undefined;
    for (const region of this.regions) {
      const stack = new CloudformationStack(this, `stack-${region}`, {
        name: "guardrails-member-baseline",
        region,
        templateBody: props.templateBody,
        parameters: { ...props.parameters, ...regionParameterOverrides(region, props.governedRegions), HomeRegion: props.homeRegion },
        capabilities: ["CAPABILITY_NAMED_IAM"],
        // A failed create is deleted (DELETE_COMPLETE, which the provider reads as absent), so the next
        // apply creates it again instead of meeting a ROLLBACK_COMPLETE stack of the same name
        // (terraform-provider-aws internal/service/cloudformation/stack.go, waitStackCreated / findStackByName).
        onFailure: "DELETE",
        dependsOn: home ? [home] : undefined,
      });
      home ??= stack;
      this.stacks.push(stack);
    }
  }
}
