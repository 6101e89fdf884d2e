/**
 * What pages when a gate service execution fails: Step Functions' own "Execution Status Change" event, matched
 * for the two state machines and routed to the security-tooling alert topic (modules/alerting) the way root
 * CreateAccessKey events already are: a rule in the service's account forwards it to the security-tooling
 * account's default bus, where a rule publishes it to the topic. The topic's key then only ever serves that
 * account's own EventBridge; no alarm and no cross-account grant on the key.
 *
 * The event (https://docs.aws.amazon.com/step-functions/latest/dg/eventbridge-integration.html, sample in
 * test/fixtures/aws-samples): source `aws.states`, detail-type "Step Functions Execution Status Change", sent by
 * Standard workflows only, to the default bus of the state machine's account and region; its `detail` "provides
 * the same information as the DescribeExecution API": executionArn, stateMachineArn, name, status (RUNNING,
 * SUCCEEDED, FAILED, TIMED_OUT, ABORTED), and for a failed execution `error` and `cause`
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html). Delivery is "best
 * effort" (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-states.html).
 *
 * Distributed Map children: guardrails-sweep's child workflow executions (STANDARD) are executions of the
 * labelled state machine `arn:...:stateMachine:guardrails-sweep/CheckAccounts`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-examine-map-run.html: "a labelled State Machine
 * ARN"; the qualified ARN `stateMachine:myStateMachine/mapStateLabel` of
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html), so an exact
 * stateMachineArn value does not match them. A failed child fails the Map (ToleratedFailurePercentage 0), which
 * fails the parent execution: that one event pages, with the index's cause, not one page per failed batch.
 */
import type { GuardrailsConfig } from "../config/schema";
import { gateServiceAccountId, PROMOTE_STATE_MACHINE_NAME, stateMachineArn, SWEEP_STATE_MACHINE_NAME } from "./names";

/** In the security-tooling account: publishes to the alert topic. */
export const FAILED_EXECUTIONS_RULE_NAME = "guardrails-gate-service-failed";
/** In the service's account, when that is not the security-tooling account: forwards to its default bus. */
export const FAILED_EXECUTIONS_FORWARD_RULE_NAME = "guardrails-gate-service-failed-forward";
export const FAILED_EXECUTIONS_FORWARD_ROLE_NAME = "GuardrailsForwardFailedExecutions";

/** Statuses of an execution that ended without succeeding (the former alarms' ExecutionsFailed/TimedOut/Aborted). */
export const FAILED_EXECUTION_STATUSES = ["FAILED", "TIMED_OUT", "ABORTED"] as const;

export interface FailedExecutionsSource {
  /** The account the state machines run in (gateService.accountId, else the management account). */
  readonly accountId: string;
  /** guardrails-promote's and guardrails-sweep's ARNs, unqualified. */
  readonly stateMachineArns: readonly string[];
}

/**
 * Both rules' pattern. `account` is pinned too: the security-tooling bus admits PutEvents from the organization,
 * and "rules with an account field do not match any events sent from other accounts"
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html, `Principal`), so only the
 * service's account's own Step Functions events match (the ARNs name that account as well).
 */
export function failedExecutionsPattern(source: FailedExecutionsSource): Record<string, unknown> {
  return {
    source: ["aws.states"],
    "detail-type": ["Step Functions Execution Status Change"],
    account: [source.accountId],
    detail: { status: [...FAILED_EXECUTION_STATUSES], stateMachineArn: [...source.stateMachineArns] },
  };
}

export interface GateServiceFailures extends FailedExecutionsSource {
  /** The role the service's forwarding rule puts events with; undefined when the service runs in the security-tooling account. */
  readonly forwardRoleArn?: string;
}

/** What the security-tooling stack's alerting routes to its topic: undefined while the service is off (output unchanged). */
export function gateServiceFailures(config: GuardrailsConfig): GateServiceFailures | undefined {
  if (!config.gateService.enabled) return undefined;
  const accountId = gateServiceAccountId(config);
  return {
    accountId,
    stateMachineArns: [stateMachineArn(config, PROMOTE_STATE_MACHINE_NAME), stateMachineArn(config, SWEEP_STATE_MACHINE_NAME)],
    forwardRoleArn: accountId === config.securityToolingAccountId ? undefined : `arn:${config.partition}:iam::${accountId}:role/${FAILED_EXECUTIONS_FORWARD_ROLE_NAME}`,
  };
}

export interface FailedExecutionsMessage {
  inputPaths: Record<string, string>;
  inputTemplate: string;
}

/**
 * The alert topic target's input transformer: one readable line. A template that is one quoted string gives a
 * string, each `<variable>` inside it replaced by the value's text
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html). The cause is what the
 * Fail state put there (definitions.ts, CausePath): for guardrails-promote which account is not production-ready
 * and why, for guardrails-sweep which accounts are not PASS or were left unchecked.
 */
export function failedExecutionsMessage(): FailedExecutionsMessage {
  return {
    inputPaths: {
      account: "$.account",
      region: "$.region",
      stateMachine: "$.detail.stateMachineArn",
      name: "$.detail.name",
      status: "$.detail.status",
      error: "$.detail.error",
      cause: "$.detail.cause",
      execution: "$.detail.executionArn",
    },
    inputTemplate:
      '"cis-guardrails gate service: execution <name> of <stateMachine> ended <status> (account <account>, <region>). ' +
      `Error: <error>. Cause: <cause>. Execution: <execution> (${PROMOTE_STATE_MACHINE_NAME}: the account was not promoted; ${SWEEP_STATE_MACHINE_NAME}: the sweep index names every account that is not PASS)"`,
  };
}
