/**
 * CloudFormation template the member-baseline StackSet deploys into every account of the target OUs, in
 * every governed region, and the management stack deploys into the management account (which no
 * service-managed StackSet reaches): one template, one source of truth. Service-managed StackSets with
 * auto-deployment reach accounts created later, so nothing here (or in synth) grows with the number of
 * accounts.
 *
 * Per stack instance (account x region):
 *  - Config recorder + delivery channel, unless CreateRecorder is "false" (recorders already exist, e.g.
 *    Control Tower, or a region that is deployed only for root-event forwarding). Global resources (IAM)
 *    are recorded only in the home region, so IAM.4 is evaluated exactly once per account.
 *  - The gate's read-only role, once per account (home region; IAM is global), except in the
 *    security-tooling account whose stack creates it directly.
 *  - In the IAM event region: a rule forwarding root CreateAccessKey calls to the central event bus.
 */
import type { PolicyDocument } from "../gate-access/policies";

export interface MemberBaselineTemplateProps {
  /** Region where IAM publishes its CloudTrail events to EventBridge. */
  readonly iamEventRegion: string;
  readonly gateReadOnlyPolicy: PolicyDocument;
  readonly gateTrustPolicy: PolicyDocument;
}

export const MEMBER_BASELINE_PARAMETERS = [
  "CreateRecorder",
  "CreateConfigServiceLinkedRole",
  "DeliveryBucketName",
  "DeliveryKeyPrefix",
  "HomeRegion",
  "SecurityToolingAccountId",
  "GateRoleName",
  "ForwardRootEvents",
  "CentralEventBusArn",
] as const;
export type MemberBaselineParameter = (typeof MEMBER_BASELINE_PARAMETERS)[number];

const CONFIG_SERVICE_LINKED_ROLE_ARN =
  "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig";

const isTrue = (parameter: MemberBaselineParameter): unknown => ({ "Fn::Equals": [{ Ref: parameter }, "true"] });

export function memberBaselineTemplate(props: MemberBaselineTemplateProps): Record<string, unknown> {
  const parameters = Object.fromEntries(MEMBER_BASELINE_PARAMETERS.map((name) => [name, { Type: "String" }]));
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "CIS guardrails member baseline: Config recorder, gate read-only role, root event forwarding",
    Parameters: parameters,
    Conditions: {
      IsHomeRegion: { "Fn::Equals": [{ Ref: "AWS::Region" }, { Ref: "HomeRegion" }] },
      RecorderEnabled: isTrue("CreateRecorder"),
      HasDeliveryKeyPrefix: { "Fn::Not": [{ "Fn::Equals": [{ Ref: "DeliveryKeyPrefix" }, ""] }] },
      CreateServiceLinkedRole: { "Fn::And": [{ Condition: "RecorderEnabled" }, { Condition: "IsHomeRegion" }, isTrue("CreateConfigServiceLinkedRole")] },
      CreateGateRole: {
        "Fn::And": [{ Condition: "IsHomeRegion" }, { "Fn::Not": [{ "Fn::Equals": [{ Ref: "AWS::AccountId" }, { Ref: "SecurityToolingAccountId" }] }] }],
      },
      ForwardRootEventsHere: {
        "Fn::And": [isTrue("ForwardRootEvents"), { "Fn::Equals": [{ Ref: "AWS::Region" }, props.iamEventRegion] }],
      },
    },
    Resources: {
      ConfigServiceLinkedRole: {
        Type: "AWS::IAM::ServiceLinkedRole",
        Condition: "CreateServiceLinkedRole",
        Properties: { AWSServiceName: "config.amazonaws.com" },
      },
      ConfigRecorder: {
        Type: "AWS::Config::ConfigurationRecorder",
        Condition: "RecorderEnabled",
        Properties: {
          Name: "default",
          // Where this stack creates the service-linked role (home region), the recorder must wait for it:
          // a Ref inside Fn::If gives CloudFormation that dependency only when the role is created here
          // (Ref of AWS::IAM::ServiceLinkedRole is the role name). Other regions run after the home region.
          RoleARN: {
            "Fn::If": [
              "CreateServiceLinkedRole",
              { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/config.amazonaws.com/${ConfigServiceLinkedRole}" },
              { "Fn::Sub": CONFIG_SERVICE_LINKED_ROLE_ARN },
            ],
          },
          RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: { "Fn::If": ["IsHomeRegion", true, false] } },
        },
      },
      ConfigDeliveryChannel: {
        Type: "AWS::Config::DeliveryChannel",
        Condition: "RecorderEnabled",
        // "Before you can create a delivery channel, you must create a configuration recorder."
        // (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-config-deliverychannel.html)
        // Nothing else orders them: without DependsOn CloudFormation creates both at once.
        DependsOn: "ConfigRecorder",
        Properties: {
          Name: "default",
          S3BucketName: { Ref: "DeliveryBucketName" },
          // Control Tower's log-archive bucket only accepts Config deliveries under `<organization id>/`.
          S3KeyPrefix: { "Fn::If": ["HasDeliveryKeyPrefix", { Ref: "DeliveryKeyPrefix" }, { Ref: "AWS::NoValue" }] },
          ConfigSnapshotDeliveryProperties: { DeliveryFrequency: "One_Hour" },
        },
      },
      GateReadOnlyRole: {
        Type: "AWS::IAM::Role",
        Condition: "CreateGateRole",
        Properties: {
          RoleName: { Ref: "GateRoleName" },
          Description: "Read-only role assumed by the production-readiness gate",
          MaxSessionDuration: 3600,
          AssumeRolePolicyDocument: props.gateTrustPolicy,
          Policies: [{ PolicyName: "GuardrailsGateReadOnly", PolicyDocument: props.gateReadOnlyPolicy }],
        },
      },
      RootEventForwardingRole: {
        Type: "AWS::IAM::Role",
        Condition: "ForwardRootEventsHere",
        Properties: {
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sts:AssumeRole",
                // Confused deputy: only EventBridge acting for this account's rules may use the role
                // (https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html).
                Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
              },
            ],
          },
          Policies: [
            {
              PolicyName: "PutEventsToCentralBus",
              PolicyDocument: {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: { Ref: "CentralEventBusArn" } }],
              },
            },
          ],
        },
      },
      RootEventForwardingRule: {
        Type: "AWS::Events::Rule",
        Condition: "ForwardRootEventsHere",
        Properties: {
          Description: "Forward root CreateAccessKey calls to the security-tooling account",
          // "To record events with a detail-type value of AWS API Call via CloudTrail, a CloudTrail trail
          // with logging enabled is required" (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html):
          // a deploy prerequisite (preflight check `cloudtrail`), not something this template can create.
          EventPattern: rootCreateAccessKeyPattern(),
          State: "ENABLED",
          // A role is required when the target bus grants access to the organization, not to the account.
          Targets: [{ Id: "central-bus", Arn: { Ref: "CentralEventBusArn" }, RoleArn: { "Fn::GetAtt": ["RootEventForwardingRole", "Arn"] } }],
        },
      },
    },
  };
}

/** Root calling iam:CreateAccessKey, as recorded by CloudTrail (shared with the central alert rule). */
export function rootCreateAccessKeyPattern(): Record<string, unknown> {
  return {
    source: ["aws.iam"],
    "detail-type": ["AWS API Call via CloudTrail"],
    detail: { eventSource: ["iam.amazonaws.com"], eventName: ["CreateAccessKey"], userIdentity: { type: ["Root"] } },
  };
}
