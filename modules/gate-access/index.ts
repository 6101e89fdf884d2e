/**
 * What the gate may do: a read-only role in the security-tooling account (the same role reaches member
 * accounts through the member-baseline StackSet) and a promotion policy in the management account.
 */
import { Construct } from "constructs";
import { IamPolicy, IamRole, IamRolePolicy } from "../aws";
import { GATE_PROMOTION_POLICY_NAME, GATE_READ_ONLY_ROLE_NAME } from "../constants";
import type { Partition } from "../config/regions";
import { gatePromotionPolicy, gateReadOnlyPolicy, gateTrustPolicy, type PromotionPolicyProps } from "./policies";

export * from "./policies";

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

export type GatePromotionPolicyProps = PromotionPolicyProps;

/** Managed policy the vending pipeline's role attaches to promote accounts. */
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
  }
}
