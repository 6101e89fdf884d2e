/**
 * Alerting (security-tooling account, home region, where findings are aggregated): IAM.4 / IAM.3 FAILED
 * findings and root CreateAccessKey calls (forwarded from every account by the member baseline) go to an
 * encrypted SNS topic.
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

export interface AlertingProps {
  readonly partition: Partition;
  /** Account the topic lives in (used in the key and topic policies). */
  readonly accountId: string;
  /** E-mail subscribed to the topic. */
  readonly email: string;
  /** Accept root-event forwarding from the organization under this root (bus policy). Omit to skip. */
  readonly organizationRootId?: string;
  /** @default "guardrails-alerts" */
  readonly topicName?: string;
}

/** Security Hub findings of the gate's controls that failed. SUPPRESSED ones too: the gate counts them. */
export function failedGateControlFindingsPattern(): Record<string, unknown> {
  return {
    source: ["aws.securityhub"],
    "detail-type": ["Security Hub Findings - Imported"],
    detail: {
      findings: {
        Compliance: { Status: ["FAILED"], SecurityControlId: [CONTROL_IAM4, CONTROL_IAM3] },
        RecordState: ["ACTIVE"],
      },
    },
  };
}

export class Alerting extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.email)) throw new Error(`Alerting: email "${props.email}" is not an e-mail address`);
    const name = props.topicName ?? "guardrails-alerts";

    const key = new KmsKey(this, "key", {
      description: "Encrypts the guardrails alert topic",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${props.partition}:iam::${props.accountId}:root` }, Action: "kms:*", Resource: "*" },
          // SNS encrypts with the publisher's permissions: EventBridge needs the data key.
          { Sid: "EventBridgePublishesEncrypted", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: "*" },
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

    const rules: Array<[string, string, Record<string, unknown>]> = [
      ["gate-control-failed", `Security Hub ${CONTROL_IAM4} / ${CONTROL_IAM3} FAILED findings`, failedGateControlFindingsPattern()],
      ["root-create-access-key", "Root user called iam:CreateAccessKey", rootCreateAccessKeyPattern()],
    ];
    for (const [ruleId, description, pattern] of rules) {
      const rule = new CloudwatchEventRule(this, ruleId, { name: `guardrails-${ruleId}`, description, eventPattern: JSON.stringify(pattern) });
      new CloudwatchEventTarget(this, `${ruleId}-target`, { rule: rule.name, targetId: "alert-topic", arn: this.topic.arn });
    }

    if (props.organizationRootId) {
      new CloudwatchEventBusPolicy(this, "bus-policy", {
        eventBusName: "default",
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "OrganizationForwardsRootEvents",
              Effect: "Allow",
              Principal: "*",
              Action: "events:PutEvents",
              Resource: `arn:${props.partition}:events:*:${props.accountId}:event-bus/default`,
              // The organization id is not a config input; its root id pins the organization as well.
              Condition: { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": [`o-*/${props.organizationRootId}/*`] } },
            },
          ],
        }),
      });
    }
  }
}
