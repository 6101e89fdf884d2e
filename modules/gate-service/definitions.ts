/**
 * The two state machines as Amazon States Language (pure data; the tests validate them with an ASL validator and
 * run them with a local interpreter bound to the real handlers).
 *
 * Task states name the function by its ARN: the state's input (after Parameters) is the invocation's payload and
 * the function's result is the state's result ("Resource": a Lambda function ARN,
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html). Lambda's own transient errors are
 * retried as AWS recommends (Lambda.ServiceException, Lambda.AWSLambdaException, Lambda.SdkClientException,
 * Lambda.TooManyRequestsException: https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html);
 * the gate's own errors carry their name (GuardrailsInvalidInput, gates/service/settings.ts) and are caught by it.
 */
export interface PromoteDefinitionProps {
  readonly functionArn: string;
}

export interface SweepDefinitionProps {
  readonly functionArn: string;
  readonly partition: string;
  readonly workBucket: string;
  readonly batchSize: number;
  readonly maxConcurrency: number;
}

export type StateMachineDefinition = Record<string, unknown>;

/** The function's longest run (the Lambda maximum, https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html). */
export const FUNCTION_TIMEOUT_SECONDS = 900;

const LAMBDA_RETRY = [
  {
    ErrorEquals: ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
    IntervalSeconds: 2,
    MaxAttempts: 6,
    BackoffRate: 2,
    JitterStrategy: "FULL",
  },
];

const INVALID_INPUT_CATCH = [{ ErrorEquals: ["GuardrailsInvalidInput"], ResultPath: "$.error", Next: "InvalidInput" }];

function task(functionArn: string, parameters: Record<string, unknown>, rest: Record<string, unknown>): Record<string, unknown> {
  return { Type: "Task", Resource: functionArn, Parameters: parameters, TimeoutSeconds: FUNCTION_TIMEOUT_SECONDS, Retry: LAMBDA_RETRY, ...rest };
}

/**
 * `guardrails-promote`: input `{accountId, moveToOu?, wait?}`; output the promote JSON of DESIGN.md section 4, or
 * the Fail state NotProductionReady (so `.sync` callers block on the verdict).
 *
 *   Start -> (wait asked?) -> Check -> Decide -> Reevaluate (first time) -> WaitBeforeRecheck -> Check ...
 *                          \-> Promote <-------/ (PASS, a live-data FAIL, a cause time cannot fix, the deadline)
 */
export function promoteDefinition(props: PromoteDefinitionProps): StateMachineDefinition {
  const fn = props.functionArn;
  return {
    Comment: "guardrails promote <accountId> [--move-to-ou] [--wait]: check, wait and re-check, then tag the account production-ready only on PASS",
    StartAt: "Start",
    States: {
      Start: {
        Type: "Pass",
        // The loop's state lives here: the function keeps none between invocations.
        Parameters: { "request.$": "$", "startedAt.$": "$$.Execution.StartTime", loop: { attempt: 0, persistent: [] } },
        Next: "WaitAsked",
      },
      WaitAsked: {
        Type: "Choice",
        Choices: [{ Variable: "$.request.wait", IsPresent: true, Next: "Check" }],
        // Without a wait the promote step's own check is the only one.
        Default: "Promote",
      },
      Check: task(fn, { action: "check", "request.$": "$.request", "loop.$": "$.loop", "startedAt.$": "$.startedAt" }, { ResultPath: "$.loop", Catch: INVALID_INPUT_CATCH, Next: "Decide" }),
      Decide: {
        Type: "Choice",
        Choices: [
          { Variable: "$.loop.next", StringEquals: "reevaluate", Next: "Reevaluate" },
          { Variable: "$.loop.next", StringEquals: "wait", Next: "WaitBeforeRecheck" },
        ],
        Default: "Promote",
      },
      Reevaluate: task(fn, { action: "reevaluate", "request.$": "$.request" }, { ResultPath: "$.reevaluation", Catch: INVALID_INPUT_CATCH, Next: "WaitBeforeRecheck" }),
      WaitBeforeRecheck: { Type: "Wait", SecondsPath: "$.loop.waitSeconds", Next: "Check" },
      Promote: task(fn, { action: "promote", "request.$": "$.request" }, { ResultPath: "$.promotion", Catch: INVALID_INPUT_CATCH, Next: "IsProductionReady" }),
      IsProductionReady: {
        Type: "Choice",
        Choices: [{ Variable: "$.promotion.productionReady", BooleanEquals: true, Next: "ProductionReady" }],
        Default: "NotProductionReady",
      },
      ProductionReady: { Type: "Succeed", OutputPath: "$.promotion.verdict" },
      // CausePath: the Fail state's cause from the state's input (https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html).
      NotProductionReady: { Type: "Fail", Error: "NotProductionReady", CausePath: "$.promotion.cause" },
      InvalidInput: { Type: "Fail", Error: "GuardrailsInvalidInput", CausePath: "$.error.Cause" },
    },
  };
}

/**
 * `guardrails-sweep`: list accounts to S3, a Distributed Map over them in batches (S3 item reader, ItemBatcher,
 * bounded MaxConcurrency, no tolerated failure), then the index. Input `{ouIds?, revoke?}` (the schedule's).
 *
 * Distributed Map: ItemReader with InputType JSON reads a JSON array from S3
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html); ItemBatcher hands each child
 * `{"BatchInput": ..., "Items": [...]}` (input-output-itembatcher.html); ToleratedFailurePercentage 0 fails the Map
 * on the first failed child (maprun-fail-threshold.html). The Map's results are discarded (ResultPath null): each
 * batch stores its own in the work bucket, which the index step reads; a failed Map still gets its index (Catch),
 * naming the accounts left without a bundle, and the execution fails.
 */
export function sweepDefinition(props: SweepDefinitionProps): StateMachineDefinition {
  const fn = props.functionArn;
  return {
    Comment: "guardrails sweep: every ACTIVE account checked, one bundle each and an index in the evidence bucket",
    StartAt: "ListAccounts",
    States: {
      ListAccounts: task(fn, { action: "listAccounts", "runId.$": "$$.Execution.Name", "input.$": "$" }, { ResultPath: "$.listing", Next: "CheckAccounts" }),
      CheckAccounts: {
        Type: "Map",
        Label: "CheckAccounts",
        ItemReader: {
          Resource: `arn:${props.partition}:states:::s3:getObject`,
          ReaderConfig: { InputType: "JSON" },
          Parameters: { Bucket: props.workBucket, "Key.$": "$.listing.itemsKey" },
        },
        ItemBatcher: { MaxItemsPerBatch: props.batchSize, BatchInput: { "runId.$": "$.listing.runId", "revoke.$": "$.listing.revoke" } },
        MaxConcurrency: props.maxConcurrency,
        ToleratedFailurePercentage: 0,
        ItemProcessor: {
          // STANDARD children: a batch may run up to the function's 15 minutes (EXPRESS children stop at 5).
          ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
          StartAt: "CheckBatch",
          States: {
            CheckBatch: task(fn, { action: "checkBatch", "BatchInput.$": "$.BatchInput", "Items.$": "$.Items" }, { End: true }),
          },
        },
        ResultPath: null,
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.mapError", Next: "WriteIndexAfterMapFailure" }],
        Next: "WriteIndex",
      },
      WriteIndex: task(fn, { action: "writeSweepIndex", "runId.$": "$.listing.runId", "revoke.$": "$.listing.revoke" }, { ResultPath: "$.index", Next: "AllProductionReady" }),
      WriteIndexAfterMapFailure: task(
        fn,
        { action: "writeSweepIndex", "runId.$": "$.listing.runId", "revoke.$": "$.listing.revoke", "mapError.$": "$.mapError" },
        { ResultPath: "$.index", Next: "SweepIncomplete" },
      ),
      AllProductionReady: {
        Type: "Choice",
        Choices: [{ Variable: "$.index.summary.verdict", StringEquals: "PASS", Next: "Swept" }],
        Default: "NotAllProductionReady",
      },
      Swept: { Type: "Succeed", OutputPath: "$.index" },
      // As `guardrails sweep` exits 1 or 3 when an account is not PASS: the failed execution pages (failed-executions.ts).
      NotAllProductionReady: { Type: "Fail", Error: "NotAllProductionReady", CausePath: "$.index.cause" },
      SweepIncomplete: { Type: "Fail", Error: "SweepIncomplete", CausePath: "$.index.cause" },
    },
  };
}
