/**
 * "Alert once per opening" for IAM.4 / IAM.3 findings. Security Hub re-imports an unchanged FAILED control
 * finding at every check (periodic checks rerun within 12 or 24 h, change-triggered ones refresh
 * `UpdatedAt` every 18 h), and every import is a "Security Hub Findings - Imported" event
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-integration-types.html), so a
 * rule on `Compliance.Status = FAILED` alone pages again at each one.
 *
 * The finding's workflow status carries the "already alerted" bit without losing a new failure:
 *  - a new finding starts as `NEW`, and Security Hub resets `NOTIFIED` or `RESOLVED` to `NEW` when
 *    `Compliance.Status` changes from PASSED to FAILED (or RecordState ARCHIVED to ACTIVE): every opening
 *    and reopening is `NEW` again (API reference, `Workflow`:
 *    https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_Workflow.html);
 *  - the alert rule matches `Workflow.Status = NEW` only, and the same event starts this state machine,
 *    which sets the finding to `NOTIFIED` ("the resource owner has been notified") with BatchUpdateFindings
 *    (administrators may update their members' findings:
 *    https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchupdatefindings.html);
 *  - later imports of the still-FAILED finding carry `NOTIFIED` and match nothing.
 * If the update fails, the finding stays `NEW` and the next import alerts again: a failure here costs a
 * repeated alert, never a missed one. No Lambda: a Step Functions AWS SDK task calls Security Hub directly.
 * Security Hub automation rules were not used: whether an automation rule's update lands before the
 * EventBridge event of the same import is not documented, and if it did the alert would never fire.
 */
import { Construct } from "constructs";
import { IamRole, IamRolePolicy, SfnStateMachine } from "../aws";
import type { Partition } from "../config/regions";

export interface FindingAcknowledgementProps {
  readonly partition: Partition;
  /** The security-tooling account (confused-deputy conditions). */
  readonly accountId: string;
}

/** The state machine's definition: mark the event's finding NOTIFIED; fail visibly if Security Hub did not. */
export function acknowledgeFindingDefinition(partition: Partition): Record<string, unknown> {
  return {
    Comment: "Mark an alerted IAM.4 / IAM.3 finding NOTIFIED so its next imports do not alert again",
    StartAt: "MarkNotified",
    States: {
      MarkNotified: {
        Type: "Task",
        Resource: `arn:${partition}:states:::aws-sdk:securityhub:batchUpdateFindings`,
        // Each "Security Hub Findings - Imported" event carries exactly one finding.
        Parameters: {
          FindingIdentifiers: [{ "Id.$": "$.detail.findings[0].Id", "ProductArn.$": "$.detail.findings[0].ProductArn" }],
          Workflow: { Status: "NOTIFIED" },
        },
        Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 5, MaxAttempts: 4, BackoffRate: 2 }],
        Next: "Updated",
      },
      // BatchUpdateFindings reports per-finding failures in UnprocessedFindings with HTTP 200.
      Updated: {
        Type: "Choice",
        Choices: [{ Variable: "$.UnprocessedFindings[0]", IsPresent: true, Next: "NotUpdated" }],
        Default: "Done",
      },
      NotUpdated: { Type: "Fail", Error: "FindingNotUpdated", Cause: "Security Hub left the finding NEW; its next import alerts again" },
      Done: { Type: "Succeed" },
    },
  };
}

const serviceTrust = (service: string, accountId: string): string =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        // Confused deputy: only this account's rules / state machines
        // (https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html,
        // https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html).
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  });

export class FindingAcknowledgement extends Construct {
  readonly stateMachine: SfnStateMachine;
  /** Role EventBridge uses to start the state machine (rule target `role_arn`). */
  readonly invokeRole: IamRole;

  constructor(scope: Construct, id: string, props: FindingAcknowledgementProps) {
    super(scope, id);
    const role = new IamRole(this, "role", {
      name: "GuardrailsFindingAcknowledgement",
      description: "Sets alerted IAM.4 / IAM.3 findings to NOTIFIED",
      assumeRolePolicy: serviceTrust("states.amazonaws.com", props.accountId),
    });
    new IamRolePolicy(this, "role-policy", {
      name: "MarkFindingsNotified",
      role: role.name,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "SetWorkflowNotifiedOnly",
            Effect: "Allow",
            Action: "securityhub:BatchUpdateFindings",
            Resource: "*",
            // The field-level condition key of BatchUpdateFindings: this role can set NOTIFIED and nothing else
            // (https://docs.aws.amazon.com/securityhub/latest/userguide/finding-update-batchupdatefindings.html).
            Condition: { StringEquals: { "securityhub:ASFFSyntaxPath/Workflow.Status": "NOTIFIED" } },
          },
        ],
      }),
    });
    this.stateMachine = new SfnStateMachine(this, "state-machine", {
      name: "guardrails-acknowledge-finding",
      type: "STANDARD",
      roleArn: role.arn,
      definition: JSON.stringify(acknowledgeFindingDefinition(props.partition)),
    });

    this.invokeRole = new IamRole(this, "invoke-role", {
      name: "GuardrailsStartFindingAcknowledgement",
      description: "Lets the alert rule start the finding acknowledgement",
      assumeRolePolicy: serviceTrust("events.amazonaws.com", props.accountId),
    });
    new IamRolePolicy(this, "invoke-role-policy", {
      name: "StartFindingAcknowledgement",
      role: this.invokeRole.name,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "StartAcknowledgement", Effect: "Allow", Action: "states:StartExecution", Resource: this.stateMachine.arn }],
      }),
    });
  }
}
