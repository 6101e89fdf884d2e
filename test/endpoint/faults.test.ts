/** Fault injection as the SDK experiences it: retries, modelled errors, deserialization failures, timeouts. */
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, type STSClientConfig } from "@aws-sdk/client-sts";
import { GenerateCredentialReportCommand, GetAccountSummaryCommand, IAMClient } from "@aws-sdk/client-iam";
import { ListRootsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { ConfigServiceClient, DescribeConfigRulesCommand } from "@aws-sdk/client-config-service";
import { GetFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CloudTrailClient, DescribeTrailsCommand } from "@aws-sdk/client-cloudtrail";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { EXAMPLE_IDS, clientConfig, startLocalAws, type FaultKind, type LocalAws, type ServiceName } from "./index";

type RetryStrategyConfig = NonNullable<STSClientConfig["retryStrategy"]>;
interface StandardRetryOptions {
  maxAttempts: number;
  backoff: { computeNextBackoffDelay: (retryCount: number) => number; setDelayBase: (delayMs: number) => void };
}

/**
 * The SDK's own standard retry strategy (what it retries, how many attempts, its retry quota), with the
 * backoff before each retry cut to 1 ms: the default sleeps a random share of 1 s before a throttling
 * retry, ~0.5 s for each of the 14 throttle retries below. The class is the one the clients build
 * themselves when no strategy is given (retry mode "standard"), taken from a client, so this is the
 * SDK's code and version, not a copy. Its options { maxAttempts, backoff } are public: smithy-typescript
 * packages/core/src/submodules/retry/util-retry/StandardRetryStrategy.ts (StandardRetryStrategyOptions;
 * refreshRetryTokenForRetry sleeps backoff.computeNextBackoffDelay(retry count) itself).
 */
let fastRetry: (maxAttempts: number) => RetryStrategyConfig;

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws();
  const standard = await new STSClient({ region: "us-east-1" }).config.retryStrategy();
  expect((standard as { mode?: string }).mode).toBe("standard");
  const StandardRetryStrategy = standard.constructor as new (options: StandardRetryOptions) => RetryStrategyConfig;
  fastRetry = (maxAttempts) => new StandardRetryStrategy({ maxAttempts, backoff: { computeNextBackoffDelay: () => 1, setDelayBase: () => undefined } });
});
afterAll(() => aws.close());
beforeEach(() => {
  aws.reset();
  aws.world.s3Buckets["evidence"] = { ownerAccountId: EXAMPLE_IDS.management, objectLockEnabled: false, objects: {} };
});

/** Client config for the endpoint: the SDK retries up to `maxAttempts` in all, 1 ms apart (fastRetry). */
const retried = (maxAttempts: number) => ({ ...clientConfig(aws.url, { maxAttempts }), retryStrategy: fastRetry(maxAttempts) });

/** One representative call per service, made with the management account's credentials. */
const CALLS: Record<ServiceName, { action: string; call: (maxAttempts: number) => Promise<unknown> }> = {
  sts: { action: "GetCallerIdentity", call: (m) => new STSClient(retried(m)).send(new GetCallerIdentityCommand({})) },
  iam: { action: "GetAccountSummary", call: (m) => new IAMClient(retried(m)).send(new GetAccountSummaryCommand({})) },
  organizations: { action: "ListRoots", call: (m) => new OrganizationsClient(retried(m)).send(new ListRootsCommand({})) },
  config: { action: "DescribeConfigRules", call: (m) => new ConfigServiceClient(retried(m)).send(new DescribeConfigRulesCommand({})) },
  securityhub: { action: "GetFindings", call: (m) => new SecurityHubClient(retried(m)).send(new GetFindingsCommand({})) },
  s3: { action: "PutObject", call: (m) => new S3Client(retried(m)).send(new PutObjectCommand({ Bucket: "evidence", Key: "k", Body: "x" })) },
  cloudtrail: { action: "DescribeTrails", call: (m) => new CloudTrailClient(retried(m)).send(new DescribeTrailsCommand({})) },
};
const SERVICES = Object.keys(CALLS) as ServiceName[];

// The management account is Security Hub-enabled in the example world only via the aggregator; enable it here.
beforeEach(() => aws.world.accounts[EXAMPLE_IDS.management].securityHubRegions.push("us-east-1"));

const THROTTLE_NAME: Record<ServiceName, string> = {
  sts: "Throttling", iam: "Throttling", organizations: "TooManyRequestsException", config: "ThrottlingException",
  securityhub: "TooManyRequestsException", s3: "SlowDown", cloudtrail: "ThrottlingException",
};
const DENIED_NAME: Record<ServiceName, string> = {
  sts: "AccessDenied", iam: "AccessDenied", organizations: "AccessDeniedException", config: "AccessDeniedException",
  securityhub: "AccessDeniedException", s3: "AccessDenied", cloudtrail: "AccessDeniedException",
};

describe.each(SERVICES)("%s", (service) => {
  const { action, call } = CALLS[service];
  const inject = (fault: FaultKind, times?: number) => aws.faults.push({ service, action, fault, times });
  const received = () => aws.requests.filter((r) => r.service === service && r.action === action);

  test("throttling is retried by the SDK, then succeeds", async () => {
    inject("throttle", 1);
    await expect(call(2)).resolves.toBeDefined();
    expect(received().map((r) => r.status)).toEqual([service === "s3" ? 503 : service === "organizations" || service === "securityhub" || service === "cloudtrail" ? 429 : 400, 200]);
  });

  test("throttling beyond the retries surfaces with the service's error name", async () => {
    inject("throttle");
    await expect(call(2)).rejects.toMatchObject({ name: THROTTLE_NAME[service] });
    expect(received()).toHaveLength(2);
  });

  test("HTTP 500 is retried", async () => {
    inject("http5xx", 1);
    await expect(call(2)).resolves.toBeDefined();
    expect(received().map((r) => r.status)).toEqual([500, 200]);
  });

  test("access denied surfaces with its name and is not retried", async () => {
    inject("accessDenied");
    await expect(call(3)).rejects.toMatchObject({ name: DENIED_NAME[service] });
    expect(received()).toHaveLength(1);
  });

  test.each(["malformedBody", "truncatedBody"] as const)("%s gives a deserialization error, not empty data", async (fault) => {
    if (service === "s3") {
      // PutObject has no body to parse; S3's success payloads are exercised by GetObject in protocols.test.ts.
      return;
    }
    inject(fault);
    const err = await call(3).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(200);
    expect(received()).toHaveLength(1);
  });
});

describe("timing faults", () => {
  test("a hanging call is aborted by requestTimeout with throwOnRequestTimeout", async () => {
    aws.faults.push({ service: "iam", action: "GetAccountSummary", fault: "hang" });
    const iam = new IAMClient({
      ...clientConfig(aws.url, { maxAttempts: 1 }),
      requestHandler: new NodeHttpHandler({ requestTimeout: 150, throwOnRequestTimeout: true }),
    });
    const started = Date.now();
    await expect(iam.send(new GetAccountSummaryCommand({}))).rejects.toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(aws.requests.at(-1)).toMatchObject({ action: "GetAccountSummary", status: 0, fault: "hang" });
  });

  test("latency delays the answer", async () => {
    aws.faults.push({ service: "sts", latencyMs: 120 });
    const started = Date.now();
    await new STSClient(clientConfig(aws.url)).send(new GetCallerIdentityCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  test("ratePerSecond throttles beyond the bucket", async () => {
    aws.faults.push({ service: "sts", action: "GetCallerIdentity", ratePerSecond: 3 });
    const sts = new STSClient(clientConfig(aws.url, { maxAttempts: 1 }));
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => sts.send(new GetCallerIdentityCommand({}))));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(aws.faults[0].applied).toBe(3);
  });

  test("ratePerSecond with perAccount: each calling account has its own bucket, as AWS throttles per account", async () => {
    aws.faults.push({ service: "iam", action: "GetAccountSummary", ratePerSecond: 2, perAccount: true });
    const sts = new STSClient(clientConfig(aws.url, { maxAttempts: 1 }));
    const iamIn = async (accountId: string): Promise<IAMClient> => {
      const c = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/GuardrailsGateReadOnly`, RoleSessionName: "gate" }))).Credentials;
      return new IAMClient({ ...clientConfig(aws.url, { maxAttempts: 1 }), credentials: { accessKeyId: c?.AccessKeyId ?? "", secretAccessKey: c?.SecretAccessKey ?? "", sessionToken: c?.SessionToken ?? "" } });
    };
    const [a, b] = [await iamIn(EXAMPLE_IDS.clean), await iamIn(EXAMPLE_IDS.inactiveRootKey)];
    const burst = (iam: IAMClient) => Promise.allSettled(Array.from({ length: 3 }, () => iam.send(new GetAccountSummaryCommand({}))));
    const [ra, rb] = await Promise.all([burst(a), burst(b)]);
    expect([ra, rb].map((r) => r.filter((x) => x.status === "fulfilled").length)).toEqual([2, 2]);
    expect(aws.faults[0]?.applied).toBe(2);
  });

  test("close() ends hanging sockets", async () => {
    const local = await startLocalAws({ faults: [{ fault: "hang" }] });
    const pending = new STSClient(clientConfig(local.url, { maxAttempts: 1 })).send(new GetCallerIdentityCommand({}));
    const outcome = pending.then(() => "resolved", () => "rejected");
    await new Promise((r) => setTimeout(r, 50));
    await local.close();
    expect(await outcome).toBe("rejected");
  });
});

describe("rule matching", () => {
  test("after/times, accountId matching, custom errors, and 'no request received'", async () => {
    aws.faults.push({ service: "iam", action: "GenerateCredentialReport", fault: "error", error: { code: "LimitExceeded", status: 409 }, after: 1, times: 5 });
    // LimitExceededException is one of the SDK's throttling errors (smithy-typescript packages/core/src/submodules/retry/
    // service-error-classification/constants.ts, THROTTLING_ERROR_CODES): retried once (maxAttempts 2), short backoff.
    const iam = new IAMClient(retried(2));
    await expect(iam.send(new GenerateCredentialReportCommand({}))).resolves.toMatchObject({ State: "COMPLETE" });
    await expect(iam.send(new GenerateCredentialReportCommand({}))).rejects.toMatchObject({ name: "LimitExceededException" });
    expect(aws.faults[0]).toMatchObject({ seen: 3, applied: 2 });

    aws.faults.push({ service: "sts", accountId: "999999999999", fault: "accessDenied" });
    await expect(new STSClient(clientConfig(aws.url)).send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
    expect(aws.requests.filter((r) => r.service === "organizations")).toEqual([]);
  });

  test("unknown access keys are rejected as the service does", async () => {
    const sts = new STSClient({ ...clientConfig(aws.url), credentials: { accessKeyId: "AKIAUNKNOWNKEY000000", secretAccessKey: "x" } });
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: "InvalidClientTokenId" });
  });
});
