/**
 * Guardrail SCPs as data. Statements follow Control Tower (GRRESTRICTROOTUSERACCESSKEYS), LZA (GRRU: let
 * centralized-root sessions through with `Null aws:AssumedRoot`) and AWS's SCP examples (Security Hub V2
 * actions). Content is minified JSON: that string is what AWS measures against the size quota.
 */
import type { Partition } from "../config/regions";
import type { PolicyDocument, PolicyStatement } from "../gate-access/policies";

export interface GuardrailScp {
  readonly name: string;
  readonly description: string;
  readonly document: PolicyDocument;
  /** Minified JSON: the exact `content` of the organizations policy. */
  readonly content: string;
}

export interface GuardrailScpOptions {
  readonly partition: Partition;
  /** Also deny every action to the root user. @default false */
  readonly denyAllRootActions?: boolean;
  /** Role ARN patterns exempt from the service protections. @default [] */
  readonly breakGlassPrincipalArns?: readonly string[];
}

/** Actions that turn Security Hub (CSPM and the new Security Hub, "V2") off or hide its findings. */
export const SECURITY_HUB_DISABLING_ACTIONS: readonly string[] = [
  "securityhub:DisableSecurityHub",
  "securityhub:DisableSecurityHubV2",
  "securityhub:DisassociateFromAdministratorAccount",
  "securityhub:DisassociateFromMasterAccount",
  "securityhub:DeleteMembers",
  "securityhub:DisassociateMembers",
  "securityhub:BatchDisableStandards",
  "securityhub:UpdateStandardsControl",
  "securityhub:DisableImportFindingsForProduct",
  "securityhub:DeleteConnectorV2",
  "securityhub:DeleteAutomationRuleV2",
  "securityhub:BatchDeleteAutomationRules",
];

/**
 * Actions that stop or blind AWS Config. SCPs exempt only service-linked roles and the management account
 * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html). The
 * service-managed StackSet that installs the recorders runs in each member account as `stacksets-exec-*`,
 * an ordinary service role, not a service-linked one
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-activate-trusted-access.html),
 * and Control Tower manages recorders through `AWSControlTowerExecution`: both are exempted by name below
 * ({@link SERVICE_DEPLOYMENT_ROLE_PATTERNS}), or the StackSet could not create, update or delete a recorder.
 */
export const CONFIG_DISABLING_ACTIONS: readonly string[] = [
  "config:StopConfigurationRecorder",
  "config:DeleteConfigurationRecorder",
  "config:DeleteServiceLinkedConfigurationRecorder",
  "config:PutConfigurationRecorder",
  "config:DeleteDeliveryChannel",
  "config:PutDeliveryChannel",
  "config:DeleteRetentionConfiguration",
  "config:DeleteConfigurationAggregator",
  "config:DeleteEvaluationResults",
];

/**
 * Roles AWS deployment services act through in member accounts, exempt from the service protections as
 * Control Tower exempts its own role from its Config guardrails (AWS-GR_CONFIG_CHANGE_PROHIBITED) and
 * superwerker its SCP for Security Hub (anchors.md 2.4):
 *  - `stacksets-exec-*`: the service-managed StackSet execution role; it creates, updates and deletes the
 *    member baseline's recorder and delivery channel (Config statement only: the baseline touches no
 *    Security Hub setting).
 *  - `AWSControlTowerExecution`: Control Tower enrollment and landing-zone updates manage Config and
 *    Control Tower's Security Hub standard through it (both statements).
 * Exempting by name means a member-account administrator who creates a role with one of these names
 * escapes the Config / Security Hub protections in that account, the same trade-off Control Tower and LZA
 * make. Leaving the organization is never exempted for them.
 */
export const SERVICE_DEPLOYMENT_ROLE_PATTERNS = {
  stackSetExecution: "role/stacksets-exec-*",
  controlTowerExecution: "role/AWSControlTowerExecution",
} as const;

export function minify(document: PolicyDocument): string {
  return JSON.stringify(document);
}

export function guardrailScps(options: GuardrailScpOptions): GuardrailScp[] {
  const rootArn = `arn:${options.partition}:iam::*:root`;
  // Root sessions started with sts:AssumeRoot (centralized root access) carry aws:AssumedRoot; let them through.
  const rootCondition = { ArnLike: { "aws:PrincipalArn": [rootArn] }, Null: { "aws:AssumedRoot": "true" } };
  const rootStatements: PolicyStatement[] = [
    { Sid: "DenyRootCreateAccessKey", Effect: "Deny", Action: "iam:CreateAccessKey", Resource: "*", Condition: rootCondition },
  ];
  if (options.denyAllRootActions) {
    rootStatements.push({ Sid: "DenyRootAllActions", Effect: "Deny", Action: "*", Resource: "*", Condition: rootCondition });
  }

  const breakGlass = [...(options.breakGlassPrincipalArns ?? [])];
  const roleArn = (pattern: string): string => `arn:${options.partition}:iam::*:${pattern}`;
  const exempt = (principals: string[]): Pick<PolicyStatement, "Condition"> =>
    principals.length > 0 ? { Condition: { ArnNotLike: { "aws:PrincipalArn": principals } } } : {};
  const controlTower = roleArn(SERVICE_DEPLOYMENT_ROLE_PATTERNS.controlTowerExecution);
  const stackSets = roleArn(SERVICE_DEPLOYMENT_ROLE_PATTERNS.stackSetExecution);
  const protectStatements: PolicyStatement[] = [
    { Sid: "DenyDisablingSecurityHub", Effect: "Deny", Action: [...SECURITY_HUB_DISABLING_ACTIONS], Resource: "*", ...exempt([controlTower, ...breakGlass]) },
    { Sid: "DenyDisablingConfig", Effect: "Deny", Action: [...CONFIG_DISABLING_ACTIONS], Resource: "*", ...exempt([stackSets, controlTower, ...breakGlass]) },
    { Sid: "DenyLeavingOrganization", Effect: "Deny", Action: "organizations:LeaveOrganization", Resource: "*", ...exempt(breakGlass) },
  ];

  const make = (name: string, description: string, statements: PolicyStatement[]): GuardrailScp => {
    const document: PolicyDocument = { Version: "2012-10-17", Statement: statements };
    return { name, description, document, content: minify(document) };
  };
  return [
    make("GuardrailsRootUser", options.denyAllRootActions ? "Deny all root user actions (centralized root sessions allowed)" : "Deny root access key creation (centralized root sessions allowed)", rootStatements),
    make("GuardrailsProtectSecurityServices", "Deny disabling Security Hub and AWS Config, and leaving the organization", protectStatements),
  ];
}

export interface ScpBudget {
  /** @default 10240 */
  readonly maxPolicyCharacters: number;
  /** @default 10 */
  readonly maxPoliciesPerTarget: number;
  /** Slots used on every target by policies not managed here (FullAWSAccess, Control Tower). */
  readonly slotsAlreadyUsed: number;
  readonly slotsAlreadyUsedByTarget?: Readonly<Record<string, number>>;
}

/** Every quota violation, each naming the policy or target, the number and the limit. Empty = fits. */
export function scpBudgetErrors(policies: readonly GuardrailScp[], targetIds: readonly string[], budget: ScpBudget): string[] {
  const errors: string[] = [];
  for (const policy of policies) {
    if (policy.content.length > budget.maxPolicyCharacters) {
      errors.push(`SCP "${policy.name}" is ${policy.content.length} characters minified, over the limit of ${budget.maxPolicyCharacters} (scp.maxPolicyCharacters)`);
    }
  }
  for (const targetId of targetIds) {
    const used = budget.slotsAlreadyUsedByTarget?.[targetId] ?? budget.slotsAlreadyUsed;
    const total = used + policies.length;
    if (total > budget.maxPoliciesPerTarget) {
      errors.push(`target "${targetId}" would carry ${total} SCPs (${policies.length} guardrails + ${used} already attached), over the limit of ${budget.maxPoliciesPerTarget} (scp.maxPoliciesPerTarget)`);
    }
  }
  return errors;
}
