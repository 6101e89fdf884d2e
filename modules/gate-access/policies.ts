/**
 * The gate's IAM permissions as data, shared by the StackSet template (every member account), the
 * security-tooling role and the tests. Exactly what the gate calls, nothing more (DESIGN.md section 4-5).
 */
import { GATE_READ_ONLY_ROLE_NAME, GATE_TAG_KEYS } from "../constants";
import type { Partition } from "../config/regions";

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  /** Absent only in trust policies, where IAM forbids it. */
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
  Principal?: Record<string, string | string[]>;
}
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** Read-only permissions the gate needs in each account it checks. */
export function gateReadOnlyPolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadRootAndUserCredentials",
        Effect: "Allow",
        Action: [
          "iam:GetAccountSummary",
          // GenerateCredentialReport only asks IAM to (re)build the report; it changes no identity.
          "iam:GenerateCredentialReport",
          "iam:GetCredentialReport",
          "iam:ListUsers",
          "iam:ListAccessKeys",
          "iam:ListUserTags",
          "iam:GetAccessKeyLastUsed",
        ],
        Resource: "*",
      },
      {
        Sid: "ReadAndReevaluateConfigRules",
        Effect: "Allow",
        // StartConfigRulesEvaluation is the one non-read action: `--wait` re-runs IAM_ROOT_ACCESS_KEY_CHECK
        // so a freshly fixed account does not wait up to 24 h for the periodic evaluation.
        Action: ["config:DescribeConfigRules", "config:StartConfigRulesEvaluation"],
        Resource: "*",
      },
      {
        Sid: "ReadSecurityHubFindings",
        Effect: "Allow",
        // DescribeHub in the target account tells "Security Hub not enabled" from "no finding yet" (DESIGN 5).
        Action: ["securityhub:GetFindings", "securityhub:DescribeHub"],
        Resource: "*",
      },
    ],
  };
}

/**
 * Trust policy of the gate role. IAM forbids wildcards in `Principal`, so the principal is each trusted
 * account's root and the exact ARNs (wildcards allowed) are enforced with `aws:PrincipalArn`.
 */
export function gateTrustPolicy(partition: Partition, trustedPrincipalArns: readonly string[]): PolicyDocument {
  const accounts = [...new Set(trustedPrincipalArns.map((arn) => arn.split(":")[4] ?? ""))];
  for (const account of accounts) {
    if (!/^\d{12}$/.test(account)) throw new Error(`gate trust: principal account "${account}" must be a 12-digit account id (no wildcard)`);
  }
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "TrustedGateCallers",
        Effect: "Allow",
        Principal: { AWS: accounts.map((a) => `arn:${partition}:iam::${a}:root`) },
        Action: "sts:AssumeRole",
        Condition: { ArnLike: { "aws:PrincipalArn": [...trustedPrincipalArns] } },
      },
    ],
  };
}

export interface PromotionPolicyProps {
  readonly partition: Partition;
  readonly managementAccountId: string;
  /** The organization id (o-...): Organizations ARNs carry it, and it pins the AssumeRole statement. */
  readonly organizationId: string;
  readonly rootId: string;
  readonly sourceOuIds: readonly string[];
  readonly productionOuId: string;
  readonly evidenceBucketName: string;
  /** The gate's read-only role name (same in every account). @default GATE_READ_ONLY_ROLE_NAME */
  readonly gateRoleName?: string;
  /** @default GATE_TAG_KEYS */
  readonly tagKeys?: readonly string[];
}

/**
 * Promotion permissions (management account): exactly what promote and sweep call with the pipeline's own
 * credentials (Organizations, IAM ListOrganizationsFeatures, S3), plus AssumeRole into the gate's role.
 *
 * Residual limitation of MoveAccount: IAM authorizes it against the account AND both the source and the
 * destination parent, and offers no condition key telling them apart. The source parents (root and target
 * OUs) must therefore be allowed too, so a move from the production OU back into one of them is also
 * authorized. It cannot move accounts anywhere else (no other OU is listed).
 */
export function gatePromotionPolicy(props: PromotionPolicyProps): PolicyDocument {
  const orgArn = (kind: string, rest: string): string =>
    `arn:${props.partition}:organizations::${props.managementAccountId}:${kind}/${props.organizationId}/${rest}`;
  const tagKeys = [...(props.tagKeys ?? GATE_TAG_KEYS)];
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "TagAccountsWithReadinessTagsOnly",
        Effect: "Allow",
        Action: ["organizations:TagResource", "organizations:UntagResource"],
        Resource: orgArn("account", "*"),
        Condition: {
          "ForAllValues:StringEquals": { "aws:TagKeys": tagKeys },
          // ForAllValues is true for an empty key set; require that keys are actually present.
          Null: { "aws:TagKeys": "false" },
        },
      },
      {
        Sid: "ReadOrganizationForSweep",
        Effect: "Allow",
        Action: [
          "organizations:ListTagsForResource",
          // The account's status: only an ACTIVE account can PASS (DESIGN 4).
          "organizations:DescribeAccount",
          "organizations:ListParents",
          "organizations:ListAccounts",
          "organizations:ListAccountsForParent",
          "organizations:ListOrganizationalUnitsForParent",
          "iam:ListOrganizationsFeatures",
        ],
        Resource: "*",
      },
      {
        Sid: "MoveAccountsIntoProductionOuOnly",
        Effect: "Allow",
        Action: "organizations:MoveAccount",
        Resource: [
          orgArn("account", "*"),
          orgArn("ou", props.productionOuId),
          orgArn("root", props.rootId),
          ...props.sourceOuIds.filter((ou) => ou !== props.productionOuId).map((ou) => orgArn("ou", ou)),
        ],
      },
      {
        // check/promote/sweep read each account through its read-only role; nothing else is assumable.
        Sid: "AssumeGateReadOnlyRole",
        Effect: "Allow",
        Action: "sts:AssumeRole",
        Resource: `arn:${props.partition}:iam::*:role/${props.gateRoleName ?? GATE_READ_ONLY_ROLE_NAME}`,
        // Only roles of this organization: a role of the same name in any other account is out of reach.
        // aws:ResourceOrgID is the organization of the account owning the resource
        // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid).
        Condition: { StringEquals: { "aws:ResourceOrgID": props.organizationId } },
      },
      {
        Sid: "WriteEvidenceBundles",
        Effect: "Allow",
        Action: "s3:PutObject",
        Resource: `arn:${props.partition}:s3:::${props.evidenceBucketName}/*`,
      },
    ],
  };
}
