/**
 * What starts the gate service's state machines, and what pages when one fails:
 * - EventBridge rules on the vending events (events.ts), each optional, starting `guardrails-promote`;
 * - an EventBridge Scheduler schedule starting `guardrails-sweep`;
 * - executions that failed, timed out or were aborted: an EventBridge rule forwarding their Step Functions events
 *   to the security-tooling account's default bus, where modules/alerting publishes them to the alert topic
 *   (failed-executions.ts). No alarm and no topic of the service's own: one page per failed execution, with its
 *   cause, on the topic security already watches, and no grant on that topic's key to another account.
 */
import { Construct } from "constructs";
import { CloudwatchEventRule, CloudwatchEventTarget, IamRole, IamRolePolicy, SchedulerSchedule, SfnStateMachine } from "../aws";
import type { GuardrailsConfig } from "../config/schema";
import { ORGANIZATIONS_EVENT_REGION } from "../config/regions";
import { CONTROL_TOWER_ACCOUNT_CREATED, ORGANIZATIONS_ACCOUNT_CREATED, promoteInputTransformer, type VendingEvent } from "./events";
import { FAILED_EXECUTIONS_FORWARD_ROLE_NAME, FAILED_EXECUTIONS_FORWARD_RULE_NAME, failedExecutionsPattern } from "./failed-executions";
import { PROMOTE_STATE_MACHINE_NAME, SWEEP_STATE_MACHINE_NAME } from "./names";
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
  constructor(scope: Construct, id: string, props: GateServiceTriggersProps) {
    super(scope, id);
    const { config, accountId } = props;
    const { partition, homeRegion } = config;
    const promote = config.gateService.promote;

    // ---- vending events -> guardrails-promote
    const events: { event: VendingEvent; region: string }[] = [];
    if (promote.onControlTowerAccountCreated) events.push({ event: CONTROL_TOWER_ACCOUNT_CREATED, region: promote.controlTowerHomeRegion ?? homeRegion });
    if (promote.onOrganizationsAccountCreated) events.push({ event: ORGANIZATIONS_ACCOUNT_CREATED, region: ORGANIZATIONS_EVENT_REGION[partition] });
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
        new IamRolePolicy(this, `${event.id}-forward-policy`, { name: `Forward-${event.id}`, role: forwardRole.name, policy: JSON.stringify(putEventsPolicy(homeBus, "ForwardToHomeRegion")) });
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

    // ---- failed executions page, through the security-tooling alert topic (failed-executions.ts)
    const securityTooling = config.securityToolingAccountId;
    // In the security-tooling account itself the events are already on the bus the alerting rule reads.
    if (accountId !== securityTooling) {
      const securityBus = `arn:${partition}:events:${homeRegion}:${securityTooling}:event-bus/default`;
      // A rule whose target is another account's bus, with a role EventBridge assumes to put the event there: "the
      // sending event bus must have IAM roles attached" when the receiving bus grants an organization
      // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html); "we recommend always
      // using IAM roles when the target of a rule is an event bus" (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html).
      const forwardRole = new IamRole(this, "failures-forward-role", {
        name: FAILED_EXECUTIONS_FORWARD_ROLE_NAME,
        description: "EventBridge forwards failed gate service executions to the security-tooling account's default bus",
        assumeRolePolicy: JSON.stringify(serviceTrustPolicy("events.amazonaws.com", accountId)),
      });
      new IamRolePolicy(this, "failures-forward-policy", { name: "ForwardFailedExecutions", role: forwardRole.name, policy: JSON.stringify(putEventsPolicy(securityBus, "ForwardToSecurityTooling")) });
      const rule = new CloudwatchEventRule(this, "failures-forward", {
        name: FAILED_EXECUTIONS_FORWARD_RULE_NAME,
        description: `guardrails-promote / guardrails-sweep executions that failed, timed out or were aborted, to the security-tooling account (${securityTooling})`,
        eventPattern: JSON.stringify(failedExecutionsPattern({ accountId, stateMachineArns: [props.promoteArn, props.sweepArn] })),
      });
      new CloudwatchEventTarget(this, "failures-forward-target", { rule: rule.name, targetId: "security-tooling-bus", arn: securityBus, roleArn: forwardRole.arn });
    }
  }
}
