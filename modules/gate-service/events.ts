/**
 * The vending events that start `guardrails-promote`, and how each becomes its input `{accountId, wait, moveToOu?}`.
 *
 * - Control Tower `CreateManagedAccount` lifecycle event, state SUCCEEDED: source `aws.controltower`, detail-type
 *   "AWS Service Event via CloudTrail", the new account at
 *   detail.serviceEventDetails.createManagedAccountStatus.account.accountId; delivered in Control Tower's home
 *   region of the management account (https://docs.aws.amazon.com/controltower/latest/userguide/lifecycle-events.html,
 *   sample in test/fixtures/aws-samples).
 * - Organizations `CreateAccountResult`, state SUCCEEDED: the CloudTrail service event of CreateAccount's
 *   background workflow, the new account at detail.serviceEventDetails.createAccountStatus.accountId
 *   (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_cloudtrail-integration.html); Organizations
 *   is a global service whose events EventBridge delivers in US East (N. Virginia) only
 *   (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_security_incident-response.html): the
 *   partition's ORGANIZATIONS_EVENT_REGION (modules/config/regions.ts: in China, Ningxia).
 * An event in another region than the service's is forwarded to the service region's default bus, where a rule
 * with the same pattern starts the state machine (cross-region bus targets:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html).
 */
export interface VendingEvent {
  /** Construct id and rule name suffix. */
  readonly id: "control-tower-account-created" | "organizations-account-created";
  readonly description: string;
  readonly pattern: Record<string, unknown>;
  /** JSONPath of the new account's id in the event. */
  readonly accountIdPath: string;
}

export const CONTROL_TOWER_ACCOUNT_CREATED: VendingEvent = {
  id: "control-tower-account-created",
  description: "Control Tower created a managed account (CreateManagedAccount SUCCEEDED): promote it",
  pattern: {
    source: ["aws.controltower"],
    "detail-type": ["AWS Service Event via CloudTrail"],
    detail: { eventName: ["CreateManagedAccount"], serviceEventDetails: { createManagedAccountStatus: { state: ["SUCCEEDED"] } } },
  },
  accountIdPath: "$.detail.serviceEventDetails.createManagedAccountStatus.account.accountId",
};

export const ORGANIZATIONS_ACCOUNT_CREATED: VendingEvent = {
  id: "organizations-account-created",
  description: "Organizations created an account (CreateAccountResult SUCCEEDED): promote it",
  pattern: {
    source: ["aws.organizations"],
    "detail-type": ["AWS Service Event via CloudTrail"],
    detail: { eventName: ["CreateAccountResult"], serviceEventDetails: { createAccountStatus: { state: ["SUCCEEDED"] } } },
  },
  accountIdPath: "$.detail.serviceEventDetails.createAccountStatus.accountId",
};

export interface PromoteInputTransformer {
  inputPaths: Record<string, string>;
  inputTemplate: string;
}

/**
 * The rule target's input transformer. A placeholder outside quotes is replaced by the value as JSON (a string
 * gets its quotes), so `<accountId>` gives `"123456789012"`
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html).
 */
export function promoteInputTransformer(event: VendingEvent, waitMinutes: number, moveToOu: string | null): PromoteInputTransformer {
  const fixed = JSON.stringify({ ...(waitMinutes > 0 ? { wait: `${waitMinutes}m` } : {}), ...(moveToOu !== null ? { moveToOu } : {}) });
  return { inputPaths: { accountId: event.accountIdPath }, inputTemplate: fixed === "{}" ? `{"accountId": <accountId>}` : `{"accountId": <accountId>, ${fixed.slice(1)}` };
}
