/**
 * What the gate may do: a read-only role in the security-tooling account (the same role reaches member
 * accounts through the member-baseline StackSet) and a promotion policy in the management account.
 */
import { Construct } from "constructs";
import { IamPolicy, IamRole, IamRolePolicy, IamRolePolicyAttachment } from "../aws";
import { GATE_PROMOTION_POLICY_NAME, GATE_READ_ONLY_ROLE_NAME } from "../constants";
import type { Partition } from "../config/regions";
import { gatePromotionPolicy, gateReadOnlyPolicy, gateTrustPolicy, type PromotionPolicyProps } from "./policies";

export * from "./policies";
export * from "./remediation";

export interface GateReadOnlyRoleProps {
  readonly partition: Partition;
  /** Principals allowed to assume the role; concrete account ids, ARN wildcards allowed after it. */
  readonly trustedPrincipalArns: readonly string[];
  /** @default GATE_READ_ONLY_ROLE_NAME */
  readonly roleName?: string;
}

export class GateReadOnlyRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: GateReadOnlyRoleProps) {
    super(scope, id);
    if (props.trustedPrincipalArns.length === 0) throw new Error("GateReadOnlyRole: trustedPrincipalArns is empty; nobody could assume the role");
    this.role = new IamRole(this, "role", {
      name: props.roleName ?? GATE_READ_ONLY_ROLE_NAME,
      description: "Read-only role assumed by the production-readiness gate",
      assumeRolePolicy: JSON.stringify(gateTrustPolicy(props.partition, props.trustedPrincipalArns)),
      maxSessionDuration: 3600,
    });
    new IamRolePolicy(this, "policy", {
      name: "GuardrailsGateReadOnly",
      role: this.role.name,
      policy: JSON.stringify(gateReadOnlyPolicy()),
    });
  }
}

export interface PromotionPolicyHolders {
  /** Names of management-account roles the policy is attached to. */
  readonly roleNames: string[];
  /** Trusted principals it cannot be attached to by name, each with the reason; their owners attach it. */
  readonly notAttached: { arn: string; reason: string }[];
}

/**
 * Who gets `GuardrailsGatePromotion`: the gate's trusted principals that are exact IAM roles of the
 * management account (promote and sweep call Organizations with their own credentials, and only the
 * management account, or a delegated administrator, may). A role ARN with a path attaches by its name,
 * the last path segment (IAM role names are unique in an account). Wildcard patterns, other accounts and
 * non-role principals cannot be attached by name and are reported instead.
 */
export function promotionPolicyHolders(managementAccountId: string, trustedPrincipalArns: readonly string[]): PromotionPolicyHolders {
  const roleNames: string[] = [];
  const notAttached: { arn: string; reason: string }[] = [];
  for (const arn of trustedPrincipalArns) {
    const [, , service, , account, resource = ""] = arn.split(":");
    if (account !== managementAccountId) notAttached.push({ arn, reason: "not in the management account" });
    else if (service !== "iam" || !resource.startsWith("role/")) notAttached.push({ arn, reason: "not an IAM role" });
    else if (resource.includes("*") || resource.includes("?")) notAttached.push({ arn, reason: "a pattern, not one role" });
    else roleNames.push(resource.split("/").pop()!);
  }
  return { roleNames: [...new Set(roleNames)], notAttached };
}

export interface GatePromotionPolicyProps extends PromotionPolicyProps {
  /** Management-account role names the policy is attached to. @default [] */
  readonly attachToRoleNames?: readonly string[];
}

/** Managed policy (management account) that lets the vending pipeline's role promote accounts. */
export class GatePromotionPolicy extends Construct {
  readonly policy: IamPolicy;

  constructor(scope: Construct, id: string, props: GatePromotionPolicyProps) {
    super(scope, id);
    if (!/^ou-/.test(props.productionOuId)) throw new Error(`GatePromotionPolicy: productionOuId "${props.productionOuId}" is not an OU id`);
    this.policy = new IamPolicy(this, "policy", {
      name: GATE_PROMOTION_POLICY_NAME,
      description: "Tag accounts with the readiness tags only, move accounts into the production OU only, write evidence",
      policy: JSON.stringify(gatePromotionPolicy(props)),
    });
    // A separate attachment resource: it does not take the role over from whoever manages it.
    for (const roleName of props.attachToRoleNames ?? []) {
      new IamRolePolicyAttachment(this, `attach-${roleName}`, { role: roleName, policyArn: this.policy.arn });
    }
  }
}
