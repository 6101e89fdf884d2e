/**
 * Callers of `guardrails-promote` in other accounts (config gateService.promote.callerRoleArns, off when empty):
 * the role GuardrailsPromoteCaller, which those roles assume to start the state machine and follow its executions.
 *
 * Why a role here rather than a policy on the state machine: Step Functions state machines have no resource-based
 * policy, so another account reaches one by assuming a role of its account; a Task state does so with its
 * `Credentials.RoleArn`, "the ARN of an IAM role that Step Functions assumes for the task"
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_TaskCredentials.html,
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-access-cross-acct-resources.html). Step Functions
 * cannot reach another region that way (same page: no cross-Region resource access), so a calling state machine
 * must run in the service's home region. The calling side needs sts:AssumeRole on this role in its own policy.
 */
import { Construct } from "constructs";
import { IamRole, IamRolePolicy } from "../aws";
import type { GuardrailsConfig } from "../config/schema";
import { PROMOTE_CALLER_ROLE_NAME, PROMOTE_STATE_MACHINE_NAME, stateMachineArn } from "./names";
import { promoteCallerPolicy, promoteCallerTrustPolicy } from "./policies";

export class PromoteCallers extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, config: GuardrailsConfig) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: PROMOTE_CALLER_ROLE_NAME,
      description: "Assumed by gateService.promote.callerRoleArns (AFT provisioning customizations, pipelines) to start guardrails-promote and follow its executions",
      // Every listed role must exist when this trust policy is saved: IAM refuses a principal it cannot resolve.
      assumeRolePolicy: JSON.stringify(promoteCallerTrustPolicy(config.gateService.promote.callerRoleArns, config.organization.id)),
    });
    new IamRolePolicy(this, "policy", {
      name: "StartAndFollowGuardrailsPromote",
      role: this.role.name,
      policy: JSON.stringify(promoteCallerPolicy(stateMachineArn(config, PROMOTE_STATE_MACHINE_NAME))),
    });
  }
}
