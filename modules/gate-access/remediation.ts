/**
 * `GuardrailsRootRemediation` (management account): what `guardrails remediate` needs with the incident
 * responder's own credentials, and nothing more. It is powerful (a root session can delete a member account's
 * root credentials), so it exists only with `remediation.enabled` and is attached only to the listed
 * responder roles, never to the vending pipeline.
 *
 * What the root session itself may do is not granted here: AWS's root-task policy scopes it
 * (IAMAuditRootUserCredentials for a dry run, IAMDeleteRootUserCredentials for --apply; their documents in
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/security-iam-awsmanpol.html).
 */
import { Construct } from "constructs";
import { IamPolicy, IamRolePolicyAttachment } from "../aws";
import { GATE_READ_ONLY_ROLE_NAME, GATE_REMEDIATION_POLICY_NAME, ROOT_TASK_POLICY_AUDIT, ROOT_TASK_POLICY_DELETE, rootTaskPolicyArn } from "../constants";
import type { Partition } from "../config/regions";
import type { PolicyDocument } from "./policies";

export interface RemediationPolicyProps {
  readonly partition: Partition;
  /** The organization id (o-...): pins AssumeRoot and AssumeRole to this organization's accounts. */
  readonly organizationId: string;
  /** The gate's read-only role name (same in every account). @default GATE_READ_ONLY_ROLE_NAME */
  readonly gateRoleName?: string;
}

export function gateRemediationPolicy(props: RemediationPolicyProps): PolicyDocument {
  const inThisOrganization = { "aws:ResourceOrgID": props.organizationId };
  return {
    Version: "2012-10-17",
    Statement: [
      {
        // sts:AssumeRoot's resource is the target member account's root, `arn:<partition>:iam::<account>:root`, and
        // its condition key sts:TaskPolicyArn names the root-task policy asked for (Service Authorization Reference,
        // AWS STS: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html;
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_taskpolicyarn).
        // Only the two task policies remediate uses. AssumeRoot itself only reaches "a member account in your
        // organization" (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html), and AWS's own
        // AssumeRoot examples condition on sts:TaskPolicyArn alone (IAM User Guide, id_root-user-privileged-task.html).
        // aws:ResourceOrgID (the organization of the account owning the resource:
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid)
        // is pinned too, but IfExists: no AWS source says the key is in AssumeRoot's request context, and a plain
        // StringEquals on an absent key would deny every remediation. Present, it must match.
        Sid: "AssumeRootToDeleteRootAccessKeys",
        Effect: "Allow",
        Action: "sts:AssumeRoot",
        Resource: `arn:${props.partition}:iam::*:root`,
        Condition: {
          StringEquals: {
            "sts:TaskPolicyArn": [rootTaskPolicyArn(props.partition, ROOT_TASK_POLICY_AUDIT), rootTaskPolicyArn(props.partition, ROOT_TASK_POLICY_DELETE)],
          },
          StringEqualsIfExists: inThisOrganization,
        },
      },
      {
        // The preconditions: the organization's root access features, the management account, the target's status.
        Sid: "ReadRemediationPreconditions",
        Effect: "Allow",
        Action: ["iam:ListOrganizationsFeatures", "organizations:DescribeAccount", "organizations:DescribeOrganization"],
        Resource: "*",
      },
      {
        // GetAccountSummary and the credential report, before and after, through the gate's read-only role.
        Sid: "AssumeGateReadOnlyRole",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: `arn:${props.partition}:iam::*:role/${props.gateRoleName ?? GATE_READ_ONLY_ROLE_NAME}`,
        Condition: { StringEquals: inThisOrganization },
      },
    ],
  };
}

export interface GateRemediationPolicyProps extends RemediationPolicyProps {
  /** Management-account role names (the incident responders) the policy is attached to. */
  readonly attachToRoleNames: readonly string[];
}

/** The remediation policy and its attachments (separate resources: they do not take the roles over). */
export class GateRemediationPolicy extends Construct {
  readonly policy: IamPolicy;

  constructor(scope: Construct, id: string, props: GateRemediationPolicyProps) {
    super(scope, id);
    this.policy = new IamPolicy(this, "policy", {
      name: GATE_REMEDIATION_POLICY_NAME,
      description: "guardrails remediate: sts:AssumeRoot into this organization's member accounts with the root-task policies that audit and delete root credentials only",
      policy: JSON.stringify(gateRemediationPolicy(props)),
    });
    for (const roleName of props.attachToRoleNames) {
      new IamRolePolicyAttachment(this, `attach-${roleName}`, { role: roleName, policyArn: this.policy.arn });
    }
  }
}
