/**
 * The gate service's IAM policies as data (the synth tests compare them with what the handlers send).
 *
 * The function's role gets what promote and sweep call with the gate's own credentials: the promotion policy's
 * statements (modules/gate-access: tag only the readiness keys, move only into the production OU, AssumeRole only
 * into this organization's gate roles, Organizations reads) with the evidence write narrowed to the service's
 * prefix, plus the work bucket. It does not get iam:ListOrganizationsFeatures: the service never accepts
 * "no root credentials" (that stays a CLI flag), so it never calls it.
 */
import { gatePromotionPolicy, type PolicyDocument, type PolicyStatement, type PromotionPolicyProps } from "../gate-access/policies";

export interface FunctionPolicyProps extends PromotionPolicyProps {
  readonly evidencePrefix: string;
  readonly workBucket: string;
  /** The function's own log group (logs:CreateLogStream / PutLogEvents). */
  readonly logGroupArn: string;
}

const FUNCTION_DROPS = new Set(["iam:ListOrganizationsFeatures"]);

export function functionPolicy(props: FunctionPolicyProps): PolicyDocument {
  const s3 = (bucket: string, key = ""): string => `arn:${props.partition}:s3:::${bucket}${key}`;
  const promotion = gatePromotionPolicy(props).Statement.flatMap((st): PolicyStatement[] => {
    if (st.Sid === "WriteEvidenceBundles") return [{ ...st, Resource: s3(props.evidenceBucketName, `/${props.evidencePrefix}/*`) }];
    if (!Array.isArray(st.Action)) return [st];
    const actions = st.Action.filter((a) => !FUNCTION_DROPS.has(a));
    return actions.length === 0 ? [] : [{ ...st, Action: actions }];
  });
  return {
    Version: "2012-10-17",
    Statement: [
      ...promotion,
      {
        Sid: "SweepWorkFiles",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:GetObject"],
        Resource: s3(props.workBucket, "/runs/*"),
      },
      {
        // ListObjectsV2 is authorized as s3:ListBucket on the bucket (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
        Sid: "ListSweepResults",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: s3(props.workBucket),
        Condition: { StringLike: { "s3:prefix": "runs/*" } },
      },
      {
        // The function's log group is created by the module (no logs:CreateLogGroup).
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${props.logGroupArn}:*`,
      },
    ],
  };
}

/** A service principal trusted for this account's resources only (confused deputy: aws:SourceAccount). */
export function serviceTrustPolicy(service: string, accountId: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ThisAccountOnly",
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html; Step Functions, EventBridge and
        // Scheduler document aws:SourceAccount for their execution roles. For Lambda no guide page says so; AWS's own
        // Lambda trust policy example carries it (aws/agent-toolkit-for-aws, skills/specialized-skills/
        // serverless-skills/deploying-custom-domain-rest-api/scripts/lambda-trust-policy.json). Should Lambda not
        // send it, CreateFunction fails at deploy ("cannot be assumed by Lambda"), never at run time.
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  };
}

/**
 * CloudWatch Logs delivery for a state machine: these actions do not support resource-level permissions, so
 * Resource "*" is what AWS documents (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).
 */
const LOG_DELIVERY: PolicyStatement = {
  Sid: "DeliverExecutionLogs",
  Effect: "Allow",
  Action: [
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
  ],
  Resource: "*",
};

export function promoteStateMachinePolicy(functionArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "InvokeTheGate", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: functionArn }, LOG_DELIVERY],
  };
}

export interface SweepStateMachinePolicyProps {
  readonly partition: string;
  readonly functionArn: string;
  readonly workBucket: string;
  /** The sweep state machine's own ARN (its Distributed Map starts child executions of it). */
  readonly stateMachineArn: string;
}

/**
 * Distributed Map: the state machine starts its child workflows as executions of itself and reads the item list
 * from S3 (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html).
 */
export function sweepStateMachinePolicy(props: SweepStateMachinePolicyProps): PolicyDocument {
  const executions = props.stateMachineArn.replace(":stateMachine:", ":execution:");
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "InvokeTheGate", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: props.functionArn },
      { Sid: "StartChildWorkflows", Effect: "Allow", Action: "states:StartExecution", Resource: props.stateMachineArn },
      { Sid: "ManageChildWorkflows", Effect: "Allow", Action: ["states:DescribeExecution", "states:StopExecution"], Resource: `${executions}/*` },
      { Sid: "ReadAccountList", Effect: "Allow", Action: "s3:GetObject", Resource: `arn:${props.partition}:s3:::${props.workBucket}/runs/*` },
      LOG_DELIVERY,
    ],
  };
}

/** EventBridge rules and the Scheduler schedule start one state machine each. */
export function startExecutionPolicy(stateMachineArn: string): PolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Sid: "StartExecution", Effect: "Allow", Action: "states:StartExecution", Resource: stateMachineArn }] };
}

/**
 * An EventBridge rule's role puts events on one bus and nowhere else: a vending event forwarded to the home
 * region's bus (Sid ForwardToHomeRegion), a failed execution to the security-tooling account's (ForwardToSecurityTooling).
 */
export function putEventsPolicy(eventBusArn: string, sid: "ForwardToHomeRegion" | "ForwardToSecurityTooling"): PolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Sid: sid, Effect: "Allow", Action: "events:PutEvents", Resource: eventBusArn }] };
}

/**
 * Trust of GuardrailsPromoteCaller: exactly the configured roles, and only while their account belongs to this
 * organization (aws:PrincipalOrgID: an account that leaves the organization loses the role even if its ARN stays
 * listed). A Task state's `Credentials.RoleArn` is assumed with the credentials of the calling state machine's
 * execution role, so that role is the principal named here
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-access-cross-acct-resources.html).
 */
export function promoteCallerTrustPolicy(callerRoleArns: readonly string[], organizationId: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ConfiguredCallersInThisOrganization",
        Effect: "Allow",
        Principal: { AWS: [...callerRoleArns] },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:PrincipalOrgID": organizationId } },
      },
    ],
  };
}

/**
 * What GuardrailsPromoteCaller may do: start guardrails-promote, and describe or stop its executions. That is the
 * `states:startExecution.sync:2` policy of https://docs.aws.amazon.com/step-functions/latest/dg/stepfunctions-iam.html
 * without its events:PutTargets/PutRule/DescribeRule on StepFunctionsGetEventsForStepFunctionsExecutionRule: a
 * `.sync` call through another account's role is followed by polling (DescribeExecution), and "the Amazon
 * EventBridge permissions from the example policies aren't required"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-cross-acct-sync-pattern.html). StopExecution: Step
 * Functions stops the started execution when the calling Task is stopped or times out. A pipeline polling
 * `describe-execution` needs the same two.
 */
export function promoteCallerPolicy(promoteStateMachineArn: string): PolicyDocument {
  // Execution ARNs: arn:<partition>:states:<region>:<account>:execution:<state machine name>:<execution name>.
  const executions = `${promoteStateMachineArn.replace(":stateMachine:", ":execution:")}:*`;
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "StartGuardrailsPromote", Effect: "Allow", Action: "states:StartExecution", Resource: promoteStateMachineArn },
      { Sid: "FollowGuardrailsPromoteExecutions", Effect: "Allow", Action: ["states:DescribeExecution", "states:StopExecution"], Resource: executions },
    ],
  };
}
