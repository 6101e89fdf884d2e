/**
 * Guardrail SCPs and their attachments (management account). The quota check runs at construction,
 * i.e. at synth, so an oversized policy or a full target fails before `cdktf deploy`, not halfway
 * through it (LZA #186, #705; aws-secure-environment-accelerator #1092).
 */
import { Construct } from "constructs";
import { OrganizationsPolicy, OrganizationsPolicyAttachment } from "../aws";
import { guardrailScps, scpBudgetErrors, type GuardrailScp, type GuardrailScpOptions, type ScpBudget } from "./policies";

export * from "./policies";

export interface GuardrailPoliciesProps extends GuardrailScpOptions {
  /** Organization root / OU ids every guardrail SCP is attached to. */
  readonly targetIds: readonly string[];
  /** Quotas. @default 10,240 characters, 10 per target, 1 slot already used (FullAWSAccess) */
  readonly budget?: Partial<ScpBudget>;
}

export class GuardrailPolicies extends Construct {
  readonly policies: readonly GuardrailScp[];

  constructor(scope: Construct, id: string, props: GuardrailPoliciesProps) {
    super(scope, id);
    if (props.targetIds.length === 0) throw new Error("GuardrailPolicies: targetIds is empty; the SCPs would protect nothing");
    const budget: ScpBudget = { maxPolicyCharacters: 10240, maxPoliciesPerTarget: 10, slotsAlreadyUsed: 1, ...props.budget };
    this.policies = guardrailScps(props);
    const errors = scpBudgetErrors(this.policies, props.targetIds, budget);
    if (errors.length > 0) throw new Error(`SCP quota check failed:\n${errors.join("\n")}`);

    for (const scp of this.policies) {
      const policy = new OrganizationsPolicy(this, scp.name, {
        name: scp.name,
        description: scp.description,
        type: "SERVICE_CONTROL_POLICY",
        content: scp.content,
      });
      // Not ordered after the member-baseline StackSet instances: the StackSet execution role's exemption
      // (policies.ts) is what lets it write recorders. Auto-deployment to accounts created later, updates and
      // deletes all run while these SCPs are attached, so ordering would only have covered the first deploy.
      for (const targetId of props.targetIds) {
        new OrganizationsPolicyAttachment(this, `${scp.name}-${targetId}`, { policyId: policy.id, targetId });
      }
    }
  }
}
