/**
 * The gate service's settings (DESIGN.md section 10): what the CLI takes from flags and the config file, fixed
 * at synth by modules/gate-service and handed to the one Lambda function as the environment variable
 * GUARDRAILS_GATE_SERVICE (JSON). Validated before any request; a bad value is GuardrailsMisconfigured.
 *
 * Every handler error is an Error whose `name` is what the state machine catches: for a Lambda function
 * written in Node.js, Step Functions matches a Catch or Retry on the error's name
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html, "Handling Lambda
 * errors": the Node.js CustomError example sets `this.name` and is caught by `ErrorEquals: ["CustomError"]`).
 */
import { z } from "zod";
import { CONTROL_IAM3, CONTROL_IAM4, PROMOTE_MAX_RECHECKS } from "../../modules/constants";
import type { CallPolicy, RetryPolicy } from "../aws/call";
import type { AdaptiveLimiterSettings } from "../sweep/limiter";
import { homeRegionProblems, OU_ID_PATTERN } from "../options";

export const SETTINGS_ENV = "GUARDRAILS_GATE_SERVICE";

/** Bad input to a handler: nothing was sent to AWS. Not retried; the promote state machine ends in Fail `InvalidInput`. */
export class InvalidInputError extends Error {
  constructor(message: string) {
    super(message);
    // The Node.js runtime reports an Error's `name` as the invocation's errorType, which Step Functions matches
    // against ErrorEquals ("The name property of the Error object must match the ErrorEquals value":
    // https://docs.aws.amazon.com/step-functions/latest/dg/tutorial-handling-error-conditions.html).
    this.name = "GuardrailsInvalidInput";
  }
}

/** The function's settings are missing or invalid (a deploy problem, not the caller's). */
export class MisconfiguredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GuardrailsMisconfigured";
  }
}

const accountId = z.string().regex(/^\d{12}$/, "is not a 12-digit AWS account id");
const bucket = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "is not an S3 bucket name");
const keyPrefix = z.string().regex(/^[A-Za-z0-9!_.*'()/-]{0,200}$/, "is not an S3 key prefix").transform((p) => p.replace(/^\/+|\/+$/g, ""));

const settingsSchema = z.strictObject({
  partition: z.enum(["aws", "aws-us-gov", "aws-cn"]),
  homeRegion: z.string().min(1),
  managementAccountId: accountId,
  securityHubAccountId: accountId,
  roleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, "is not an IAM role name"),
  require: z.array(z.enum([CONTROL_IAM4, CONTROL_IAM3])).min(1),
  maxAccessKeyAgeDays: z.number().int().min(1).max(365),
  acceptNoRootCredentials: z.boolean(),
  ownerTagKey: z.string().min(1).max(128),
  tagKey: z.string().min(1).max(128),
  productionOuId: z.string().regex(OU_ID_PATTERN, "is not an OU id"),
  evidenceBucket: bucket,
  evidencePrefix: keyPrefix,
  workBucket: bucket,
  /** Accounts per Distributed Map batch (ItemBatcher MaxItemsPerBatch), also the findings shard size. */
  batchSize: z.number().int().min(1).max(1000),
  /** Accounts a batch checks at once. */
  concurrency: z.number().int().min(1).max(64),
  timeoutMs: z.number().int().min(1000).max(600_000),
  callTimeoutMs: z.number().int().min(100).max(60_000),
  /** Longest `wait` a promote execution accepts (the execution history's 25,000 events bound the loop). */
  maxWaitSeconds: z.number().int().min(0),
  waitBackoff: z.strictObject({ baseSeconds: z.number().int().min(1), maxSeconds: z.number().int().min(1) }),
  /** Tests and VPC endpoints only; absent in the deployed function (the SDK's own endpoint resolution). */
  endpointUrl: z.string().url().optional(),
});

export type ServiceSettings = z.output<typeof settingsSchema>;

/** Throws MisconfiguredError naming every bad field. */
export function parseSettings(raw: unknown): ServiceSettings {
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new MisconfiguredError(`${SETTINGS_ENV} is invalid: ${problems.join("; ")}`);
  }
  const region = homeRegionProblems(parsed.data.homeRegion, parsed.data.partition);
  if (region.length > 0) throw new MisconfiguredError(`${SETTINGS_ENV} is invalid: ${region.join("; ")}`);
  const { maxWaitSeconds, waitBackoff } = parsed.data;
  if (Math.ceil(maxWaitSeconds / waitBackoff.maxSeconds) > PROMOTE_MAX_RECHECKS) {
    // Waiting that long would end the execution at its history limit (a failure and a page), not in a verdict.
    throw new MisconfiguredError(`${SETTINGS_ENV} is invalid: waitBackoff.maxSeconds: ${waitBackoff.maxSeconds} s between re-checks over maxWaitSeconds ${maxWaitSeconds} s is more than ${PROMOTE_MAX_RECHECKS} re-checks`);
  }
  return parsed.data;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceSettings {
  const text = env[SETTINGS_ENV];
  if (text === undefined || text === "") throw new MisconfiguredError(`${SETTINGS_ENV} is not set: the function was not deployed by modules/gate-service`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new MisconfiguredError(`${SETTINGS_ENV} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseSettings(raw);
}

/** What tests and the benchmark tune (short backoffs); the deployed function uses the gate's defaults. */
export interface ServiceTuning {
  retry?: Partial<RetryPolicy>;
  reportPoll?: { baseDelayMs: number; maxDelayMs: number };
  clock?: () => Date;
  /** The sweep steps' adaptive limiter (gates/sweep/limiter.ts); its defaults pace the documented quotas. */
  limiter?: Partial<AdaptiveLimiterSettings>;
}

/** The Lambda context's one member the handlers use (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html). */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/** Without a Lambda context (tests): as long as the longest Lambda timeout, 15 minutes. */
export const NO_CONTEXT: InvocationContext = { getRemainingTimeInMillis: () => 15 * 60_000 };

/** What a handler keeps back from its remaining time to store its result and return. */
export const RETURN_MARGIN_MS = 20_000;

export type { CallPolicy };
