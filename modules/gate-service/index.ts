/**
 * The gate as a service in the organization (DESIGN.md section 10; config `gateService`, off by default): one
 * Lambda function running the gate's own code, the `guardrails-promote` and `guardrails-sweep` state machines,
 * their work bucket and logs. What starts them and what pages on failure is in triggers.ts; the role callers in
 * other accounts assume to start guardrails-promote, in callers.ts.
 */
import { Fn, TerraformAsset, AssetType } from "cdktf";
import { Construct } from "constructs";
import {
  CloudwatchLogGroup,
  IamRole,
  IamRolePolicy,
  LambdaFunction,
  S3Bucket,
  S3BucketLifecycleConfiguration,
  S3BucketOwnershipControls,
  S3BucketPolicy,
  S3BucketPublicAccessBlock,
  S3BucketServerSideEncryptionConfigurationA,
  SfnStateMachine,
} from "../aws";
import type { GuardrailsConfig } from "../config/schema";
import { promotionPolicyProps } from "../config/validate";
import { bundleGateService, type GateBundle } from "./bundle";
import { FUNCTION_TIMEOUT_SECONDS, promoteDefinition, sweepDefinition } from "./definitions";
import {
  GATE_SERVICE_FUNCTION_NAME,
  GATE_SERVICE_ROLE_NAME,
  PROMOTE_STATE_MACHINE_NAME,
  SWEEP_STATE_MACHINE_NAME,
  gateServiceAccountId,
  gateServiceSettings,
  gateServiceWorkBucket,
  stateMachineArn,
} from "./names";
import { functionPolicy, promoteStateMachinePolicy, serviceTrustPolicy, sweepStateMachinePolicy } from "./policies";
import { GateServiceTriggers } from "./triggers";
import { PromoteCallers } from "./callers";
import { SETTINGS_ENV } from "../../gates/service/settings";

export * from "./names";
export { promoteDefinition, sweepDefinition } from "./definitions";
export { promoteCallerPolicy, promoteCallerTrustPolicy } from "./policies";
export { CONTROL_TOWER_ACCOUNT_CREATED, ORGANIZATIONS_ACCOUNT_CREATED, promoteInputTransformer } from "./events";
export * from "./failed-executions";

/**
 * Lambda's architectures (https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html): arm64 (Graviton)
 * costs less per GB-second than x86_64 (https://aws.amazon.com/lambda/pricing/); the bundle is plain JavaScript.
 */
export const GATE_SERVICE_ARCHITECTURE = "arm64";

export class GateService extends Construct {
  readonly function: LambdaFunction;
  readonly promote: SfnStateMachine;
  readonly sweep: SfnStateMachine;
  readonly bundle: GateBundle;

  constructor(scope: Construct, id: string, config: GuardrailsConfig) {
    super(scope, id);
    const { partition, homeRegion } = config;
    const service = config.gateService;
    const accountId = gateServiceAccountId(config);
    const workBucket = gateServiceWorkBucket(config);
    const logGroupArn = (name: string): string => `arn:${partition}:logs:${homeRegion}:${accountId}:log-group:${name}`;

    // ---- the work bucket: the sweep's account list, findings shards and batch results; expire on their own
    const bucket = new S3Bucket(this, "work-bucket", { bucket: workBucket, forceDestroy: true });
    new S3BucketServerSideEncryptionConfigurationA(this, "work-bucket-encryption", { bucket: bucket.id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
    new S3BucketPublicAccessBlock(this, "work-bucket-public-access-block", { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    new S3BucketOwnershipControls(this, "work-bucket-ownership", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketLifecycleConfiguration(this, "work-bucket-lifecycle", {
      bucket: bucket.id,
      rule: [{ id: "expire-sweep-runs", status: "Enabled", filter: [{ prefix: "runs/" }], expiration: [{ days: service.workRetentionDays }] }],
    });
    const bucketArn = `arn:${partition}:s3:::${workBucket}`;
    // Named by ARN, not by reference, so that the state machine definitions are plain JSON in the synth output.
    const functionArn = `arn:${partition}:lambda:${homeRegion}:${accountId}:function:${GATE_SERVICE_FUNCTION_NAME}`;
    new S3BucketPolicy(this, "work-bucket-policy", {
      bucket: bucket.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucketArn, `${bucketArn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
      }),
      dependsOn: [bucket],
    });

    // ---- the function
    const functionLogs = new CloudwatchLogGroup(this, "function-logs", { name: `/aws/lambda/${GATE_SERVICE_FUNCTION_NAME}`, retentionInDays: service.logRetentionDays });
    const role = new IamRole(this, "function-role", {
      name: GATE_SERVICE_ROLE_NAME,
      description: "The gate service's function: reads accounts through the gate's read-only role, tags and moves as promote does, writes evidence",
      assumeRolePolicy: JSON.stringify(serviceTrustPolicy("lambda.amazonaws.com", accountId)),
    });
    new IamRolePolicy(this, "function-policy", {
      name: "GuardrailsGateService",
      role: role.name,
      policy: JSON.stringify(
        functionPolicy({
          ...promotionPolicyProps(config),
          evidencePrefix: service.evidencePrefix,
          workBucket,
          logGroupArn: logGroupArn(`/aws/lambda/${GATE_SERVICE_FUNCTION_NAME}`),
        }),
      ),
    });
    this.bundle = bundleGateService();
    const code = new TerraformAsset(this, "function-code", { path: this.bundle.zip, type: AssetType.FILE });
    this.function = new LambdaFunction(this, "function", {
      functionName: GATE_SERVICE_FUNCTION_NAME,
      description: "cis-guardrails gate: check, promote and sweep steps of guardrails-promote and guardrails-sweep",
      role: role.arn,
      runtime: service.runtime,
      architectures: [GATE_SERVICE_ARCHITECTURE],
      handler: "index.handler",
      filename: code.path,
      // "Must be set to a base64-encoded SHA256 hash of the package file" (provider docs, lambda_function source_code_hash).
      sourceCodeHash: Fn.filebase64sha256(code.path),
      memorySize: service.memoryMb,
      timeout: FUNCTION_TIMEOUT_SECONDS,
      environment: { variables: { [SETTINGS_ENV]: JSON.stringify(gateServiceSettings(config)) } },
      loggingConfig: { logFormat: "Text", logGroup: functionLogs.name },
      dependsOn: [functionLogs],
    });

    // ---- the state machines
    const promoteLogs = new CloudwatchLogGroup(this, "promote-logs", { name: `/aws/vendedlogs/states/${PROMOTE_STATE_MACHINE_NAME}`, retentionInDays: service.logRetentionDays });
    const sweepLogs = new CloudwatchLogGroup(this, "sweep-logs", { name: `/aws/vendedlogs/states/${SWEEP_STATE_MACHINE_NAME}`, retentionInDays: service.logRetentionDays });
    const promoteRole = new IamRole(this, "promote-role", { name: "GuardrailsPromoteStateMachine", assumeRolePolicy: JSON.stringify(serviceTrustPolicy("states.amazonaws.com", accountId)) });
    new IamRolePolicy(this, "promote-policy", { name: "GuardrailsPromoteStateMachine", role: promoteRole.name, policy: JSON.stringify(promoteStateMachinePolicy(functionArn)) });
    const sweepArn = stateMachineArn(config, SWEEP_STATE_MACHINE_NAME);
    const sweepRole = new IamRole(this, "sweep-role", { name: "GuardrailsSweepStateMachine", assumeRolePolicy: JSON.stringify(serviceTrustPolicy("states.amazonaws.com", accountId)) });
    new IamRolePolicy(this, "sweep-policy", {
      name: "GuardrailsSweepStateMachine",
      role: sweepRole.name,
      policy: JSON.stringify(sweepStateMachinePolicy({ partition, functionArn, workBucket, stateMachineArn: sweepArn })),
    });
    // The provider's log_group arn has no ":*"; Step Functions wants the log group's streams (provider docs, sfn_state_machine logging example).
    // Errors only, with their data: every transition of a 10,000-account sweep at level ALL would cost more than the sweep.
    const logging = (group: CloudwatchLogGroup) => ({ level: "ERROR", includeExecutionData: true, logDestination: `${group.arn}:*` });
    this.promote = new SfnStateMachine(this, "promote", {
      name: PROMOTE_STATE_MACHINE_NAME,
      type: "STANDARD",
      roleArn: promoteRole.arn,
      definition: JSON.stringify(promoteDefinition({ functionArn })),
      loggingConfiguration: logging(promoteLogs),
      dependsOn: [this.function],
    });
    this.sweep = new SfnStateMachine(this, "sweep", {
      name: SWEEP_STATE_MACHINE_NAME,
      type: "STANDARD",
      roleArn: sweepRole.arn,
      definition: JSON.stringify(sweepDefinition({ functionArn, partition, workBucket, batchSize: service.sweep.batchSize, maxConcurrency: service.sweep.maxConcurrency })),
      loggingConfiguration: logging(sweepLogs),
      dependsOn: [this.function, bucket],
    });

    new GateServiceTriggers(this, "triggers", { config, accountId, promote: this.promote, sweep: this.sweep, promoteArn: stateMachineArn(config, PROMOTE_STATE_MACHINE_NAME), sweepArn });
    // Only when asked: with no caller the output is what it was without the setting.
    if (service.promote.callerRoleArns.length > 0) new PromoteCallers(this, "promote-callers", config);
  }
}
