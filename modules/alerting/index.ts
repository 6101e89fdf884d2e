/**
 * Alerting (security-tooling account, home region, where findings are aggregated): IAM.4 / IAM.3 findings
 * that open (or reopen) FAILED, once each (acknowledge.ts), and root CreateAccessKey calls (forwarded from
 * every account by the member baseline) go to an encrypted SNS topic; so do the gate service's failed executions
 * when the service is enabled (forwarded from its account by modules/gate-service, failed-executions.ts).
 */
import { Construct } from "constructs";
import {
  CloudwatchEventBusPolicy,
  CloudwatchEventRule,
  CloudwatchEventTarget,
  KmsAlias,
  KmsKey,
  SnsTopic,
  SnsTopicPolicy,
  SnsTopicSubscription,
} from "../aws";
import { CONTROL_IAM3, CONTROL_IAM4 } from "../constants";
import { rootCreateAccessKeyPattern } from "../aws-config/member-baseline-template";
import type { Partition } from "../config/regions";
import { FAILED_EXECUTIONS_RULE_NAME, failedExecutionsMessage, failedExecutionsPattern, type GateServiceFailures } from "../gate-service/failed-executions";
import { FindingAcknowledgement } from "./acknowledge";

export { acknowledgeFindingDefinition, FindingAcknowledgement } from "./acknowledge";

export const DEFAULT_ALERT_TOPIC_NAME = "guardrails-alerts";

export interface AlertingProps {
  readonly partition: Partition;
  /** Account the topic lives in (used in the key and topic policies). */
  readonly accountId: string;
  /** Home region: IAM.4 / IAM.3 are global-resource controls, decided on their home-region findings. */
  readonly homeRegion: string;
  /** E-mail subscribed to the topic. */
  readonly email: string;
  /** Accept root-event forwarding from this organization's accounts (bus policy). Omit to skip. */
  readonly organizationId?: string;
  /** @default DEFAULT_ALERT_TOPIC_NAME */
  readonly topicName?: string;
  /** The gate service's failed executions page through the topic (gateService.enabled). Omit to skip. */
  readonly gateServiceFailures?: GateServiceFailures;
}


/**
 * Security Hub findings of the gate's controls that open or reopen FAILED: workflow `NEW` (see
 * acknowledge.ts for why that means "not alerted yet"), active, in the home region. IAM.4 and IAM.3 are
 * global-resource controls read only in the home region (DESIGN 3): other regions' copies would page once
 * per region for the same key. A finding someone SUPPRESSED no longer alerts; the gate still fails it.
 */
export function failedGateControlFindingsPattern(homeRegion: string): Record<string, unknown> {
  return {
    source: ["aws.securityhub"],
    "detail-type": ["Security Hub Findings - Imported"],
    detail: {
      findings: {
        Compliance: { Status: ["FAILED"], SecurityControlId: [CONTROL_IAM4, CONTROL_IAM3] },
        RecordState: ["ACTIVE"],
        Workflow: { Status: ["NEW"] },
        Region: [homeRegion],
      },
    },
  };
}

export class Alerting extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.email)) throw new Error(`Alerting: email "${props.email}" is not an e-mail address`);
    const name = props.topicName ?? DEFAULT_ALERT_TOPIC_NAME;

    const key = new KmsKey(this, "key", {
      description: "Encrypts the guardrails alert topic",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${props.partition}:iam::${props.accountId}:root` }, Action: "kms:*", Resource: "*" },
          // SNS encrypts with the publisher's permissions: EventBridge needs the data key, for this account's
          // rules only (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html, "Enable compatibility
          // between event sources from AWS services and encrypted topics"; confused deputy:
          // https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html).
          {
            Sid: "EventBridgePublishesEncrypted",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
          },
        ],
      }),
    });
    new KmsAlias(this, "alias", { name: `alias/${name}`, targetKeyId: key.keyId });

    this.topic = new SnsTopic(this, "topic", { name, kmsMasterKeyId: key.arn });
    new SnsTopicPolicy(this, "topic-policy", {
      arn: this.topic.arn,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "EventBridgePublishes",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sns:Publish",
            Resource: this.topic.arn,
            Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
          },
        ],
      }),
    });
    new SnsTopicSubscription(this, "subscription", { topicArn: this.topic.arn, protocol: "email", endpoint: props.email });

    const findingsRule = new CloudwatchEventRule(this, "gate-control-failed", {
      name: "guardrails-gate-control-failed",
      description: `Security Hub ${CONTROL_IAM4} / ${CONTROL_IAM3} findings that open or reopen FAILED`,
      eventPattern: JSON.stringify(failedGateControlFindingsPattern(props.homeRegion)),
    });
    new CloudwatchEventTarget(this, "gate-control-failed-target", { rule: findingsRule.name, targetId: "alert-topic", arn: this.topic.arn });
    const acknowledgement = new FindingAcknowledgement(this, "acknowledge", { partition: props.partition, accountId: props.accountId });
    new CloudwatchEventTarget(this, "gate-control-failed-acknowledge", {
      rule: findingsRule.name,
      targetId: "acknowledge",
      arn: acknowledgement.stateMachine.arn,
      roleArn: acknowledgement.invokeRole.arn,
    });

    const rootRule = new CloudwatchEventRule(this, "root-create-access-key", {
      name: "guardrails-root-create-access-key",
      description: "Root user called iam:CreateAccessKey",
      eventPattern: JSON.stringify(rootCreateAccessKeyPattern()),
    });
    new CloudwatchEventTarget(this, "root-create-access-key-target", { rule: rootRule.name, targetId: "alert-topic", arn: this.topic.arn });

    const failures = props.gateServiceFailures;
    if (failures) {
      const failuresRule = new CloudwatchEventRule(this, "gate-service-failed", {
        name: FAILED_EXECUTIONS_RULE_NAME,
        description: "guardrails-promote / guardrails-sweep executions that failed, timed out or were aborted",
        eventPattern: JSON.stringify(failedExecutionsPattern(failures)),
      });
      const message = failedExecutionsMessage();
      new CloudwatchEventTarget(this, "gate-service-failed-target", {
        rule: failuresRule.name,
        targetId: "alert-topic",
        arn: this.topic.arn,
        inputTransformer: { inputPaths: message.inputPaths, inputTemplate: message.inputTemplate },
      });
    }

    const busStatements: Record<string, unknown>[] = [];
    if (props.organizationId) {
      busStatements.push({
        Sid: "OrganizationForwardsRootEvents",
        Effect: "Allow",
        Principal: "*",
        Action: "events:PutEvents",
        // This bus exactly (the policy is the home region's default bus's): a bus policy's Resource names the bus
        // it is put on, as in the EventBridge guide's examples
        // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html); a region wildcard
        // adds nothing and risks the ValidationException EventBridge answers a Resource that is not this bus with
        // (hashicorp/terraform-provider-aws#27976: "The relative-id ... is invalid for ARN ...").
        Resource: `arn:${props.partition}:events:${props.homeRegion}:${props.accountId}:event-bus/default`,
        // The organization, by its id: a root-id path pattern (o-*/r-xxxx/*) matches any organization
        // whose root has that id. PutPermission's documented form for "all accounts in that organization"
        // is Principal "*" with the organization id in aws:PrincipalOrgID
        // (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html).
        Condition: { StringEquals: { "aws:PrincipalOrgID": props.organizationId } },
      });
    }
    if (failures?.forwardRoleArn) {
      // The service's forwarding role only, into the home region's bus: whether or not root-event forwarding
      // (the organization statement above) is on. Resource-based bus policies take IAM conditions
      // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html).
      busStatements.push({
        Sid: "GateServiceForwardsFailedExecutions",
        Effect: "Allow",
        Principal: { AWS: `arn:${props.partition}:iam::${failures.accountId}:root` },
        Action: "events:PutEvents",
        Resource: `arn:${props.partition}:events:${props.homeRegion}:${props.accountId}:event-bus/default`,
        Condition: { ArnEquals: { "aws:PrincipalArn": failures.forwardRoleArn } },
      });
    }
    if (busStatements.length > 0) {
      new CloudwatchEventBusPolicy(this, "bus-policy", { eventBusName: "default", policy: JSON.stringify({ Version: "2012-10-17", Statement: busStatements }) });
    }
  }
}
