/**
 * What starts the gate service's state machines, and what pages when one fails:
 * - EventBridge rules on the vending events (events.ts), each optional, starting `guardrails-promote`;
 * - an EventBridge Scheduler schedule starting `guardrails-sweep`;
 * - CloudWatch alarms on executions that failed, timed out or were aborted, to an SNS topic of the service's own,
 *   subscribed by alerting.email (the address of the security-tooling alert topic).
 *
 * Why a topic of its own: an alarm action publishes as CloudWatch in the alarm's account, and an encrypted topic
 * must let that principal use its KMS key (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html,
 * "encrypted topic"). The security-tooling alert topic and key admit that account's EventBridge only; opening them
 * to another account's CloudWatch would put a cross-account grant on the key of every security alert. A topic in
 * the service's account, whose key admits this account's CloudWatch only, keeps each key policy to its own account.
 */
import { Construct } from "constructs";
import { CloudwatchEventRule, CloudwatchEventTarget, CloudwatchMetricAlarm, IamRole, IamRolePolicy, KmsAlias, KmsKey, SchedulerSchedule, SfnStateMachine, SnsTopic, SnsTopicSubscription } from "../aws";
import type { GuardrailsConfig } from "../config/schema";
import { IAM_EVENT_REGION } from "../config/regions";
import { CONTROL_TOWER_ACCOUNT_CREATED, ORGANIZATIONS_ACCOUNT_CREATED, promoteInputTransformer, type VendingEvent } from "./events";
import { GATE_SERVICE_TOPIC_NAME, PROMOTE_STATE_MACHINE_NAME, SWEEP_STATE_MACHINE_NAME } from "./names";
import { putEventsPolicy, serviceTrustPolicy, startExecutionPolicy } from "./policies";

export interface GateServiceTriggersProps {
  readonly config: GuardrailsConfig;
  readonly accountId: string;
  readonly promote: SfnStateMachine;
  readonly sweep: SfnStateMachine;
  readonly promoteArn: string;
  readonly sweepArn: string;
}

export class GateServiceTriggers extends Construct {
  readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: GateServiceTriggersProps) {
    super(scope, id);
    const { config, accountId } = props;
    const { partition, homeRegion } = config;
    const promote = config.gateService.promote;

    // ---- vending events -> guardrails-promote
    const events: { event: VendingEvent; region: string }[] = [];
    if (promote.onControlTowerAccountCreated) events.push({ event: CONTROL_TOWER_ACCOUNT_CREATED, region: promote.controlTowerHomeRegion ?? homeRegion });
    if (promote.onOrganizationsAccountCreated) events.push({ event: ORGANIZATIONS_ACCOUNT_CREATED, region: IAM_EVENT_REGION[partition] });
    if (events.length > 0) {
      const startRole = new IamRole(this, "events-role", { name: "GuardrailsStartPromote", assumeRolePolicy: JSON.stringify(serviceTrustPolicy("events.amazonaws.com", accountId)) });
      new IamRolePolicy(this, "events-policy", { name: "StartPromote", role: startRole.name, policy: JSON.stringify(startExecutionPolicy(props.promoteArn)) });
      const homeBus = `arn:${partition}:events:${homeRegion}:${accountId}:event-bus/default`;
      let forwardRole: IamRole | undefined;
      for (const { event, region } of events) {
        const name = `guardrails-promote-on-${event.id}`;
        const rule = new CloudwatchEventRule(this, event.id, { name, description: event.description, eventPattern: JSON.stringify(event.pattern) });
        const transformer = promoteInputTransformer(event, promote.eventWaitMinutes, promote.eventMoveToProductionOu ? config.organization.productionOuId : null);
        new CloudwatchEventTarget(this, `${event.id}-target`, {
          rule: rule.name,
          targetId: PROMOTE_STATE_MACHINE_NAME,
          arn: props.promote.arn,
          roleArn: startRole.arn,
          inputTransformer: { inputPaths: transformer.inputPaths, inputTemplate: transformer.inputTemplate },
        });
        if (region === homeRegion) continue;
        // Delivered in another region: a rule there forwards it to the home region's bus, where the rule above
        // matches it. Provider v6 resources take their own `region`
        // (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/enhanced-region-support).
        forwardRole ??= new IamRole(this, "forward-role", { name: "GuardrailsForwardVendingEvents", assumeRolePolicy: JSON.stringify(serviceTrustPolicy("events.amazonaws.com", accountId)) });
        new IamRolePolicy(this, `${event.id}-forward-policy`, { name: `Forward-${event.id}`, role: forwardRole.name, policy: JSON.stringify(putEventsPolicy(homeBus)) });
        const forward = new CloudwatchEventRule(this, `${event.id}-forward`, { region, name: `${name}-forward`, description: `${event.description} (forwarded to ${homeRegion})`, eventPattern: JSON.stringify(event.pattern) });
        new CloudwatchEventTarget(this, `${event.id}-forward-target`, { region, rule: forward.name, targetId: "home-region-bus", arn: homeBus, roleArn: forwardRole.arn });
      }
    }

    // ---- the schedule -> guardrails-sweep
    const sweep = config.gateService.sweep;
    const schedulerRole = new IamRole(this, "scheduler-role", { name: "GuardrailsStartSweep", assumeRolePolicy: JSON.stringify(serviceTrustPolicy("scheduler.amazonaws.com", accountId)) });
    new IamRolePolicy(this, "scheduler-policy", { name: "StartSweep", role: schedulerRole.name, policy: JSON.stringify(startExecutionPolicy(props.sweepArn)) });
    new SchedulerSchedule(this, "sweep-schedule", {
      name: SWEEP_STATE_MACHINE_NAME,
      description: "Sweep every account of the organization (guardrails sweep)",
      scheduleExpression: sweep.schedule,
      scheduleExpressionTimezone: sweep.scheduleTimezone,
      state: sweep.scheduled ? "ENABLED" : "DISABLED",
      flexibleTimeWindow: { mode: "OFF" },
      // Templated target: the state machine's ARN starts an execution with `input`
      // (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html).
      target: {
        arn: props.sweep.arn,
        roleArn: schedulerRole.arn,
        input: JSON.stringify({ ouIds: sweep.ouIds, revoke: sweep.revoke }),
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      },
    });

    // ---- failed executions page
    const key = new KmsKey(this, "alerts-key", {
      description: "Encrypts the gate service's alarm topic",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
          {
            Sid: "CloudWatchPublishesEncrypted",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
          },
        ],
      }),
    });
    new KmsAlias(this, "alerts-key-alias", { name: `alias/${GATE_SERVICE_TOPIC_NAME}`, targetKeyId: key.keyId });
    this.topic = new SnsTopic(this, "alerts", { name: GATE_SERVICE_TOPIC_NAME, kmsMasterKeyId: key.arn });
    new SnsTopicSubscription(this, "alerts-subscription", { topicArn: this.topic.arn, protocol: "email", endpoint: config.alerting.email });
    for (const [name, arn] of [
      [PROMOTE_STATE_MACHINE_NAME, props.promoteArn],
      [SWEEP_STATE_MACHINE_NAME, props.sweepArn],
    ] as const) {
      // Step Functions execution metrics (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html);
      // FILL(..., 0): a period without executions is no datapoint, which would leave the sum undefined.
      const metric = (id: string, metricName: string) => ({ id, metric: { namespace: "AWS/States", metricName, dimensions: { StateMachineArn: arn }, period: 300, stat: "Sum" } });
      new CloudwatchMetricAlarm(this, `${name}-failed`, {
        alarmName: `${name}-executions-failed`,
        alarmDescription: `${name}: an execution failed, timed out or was aborted (for guardrails-promote: an account was not promoted; guardrails-sweep: not every account is PASS, or the sweep broke). The execution's error and cause say which.`,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
        metricQuery: [
          metric("failed", "ExecutionsFailed"),
          metric("timedOut", "ExecutionsTimedOut"),
          metric("aborted", "ExecutionsAborted"),
          { id: "notSucceeded", expression: "FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)", label: "executions that did not succeed", returnData: true },
        ],
        alarmActions: [this.topic.arn],
      });
    }
  }
}
