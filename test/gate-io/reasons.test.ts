/**
 * Reasons audited as a whole (issue 10): for each failure class, the reason a pipeline log shows
 * names THAT cause and the fix that helps, once, briefly. Every case goes through the real SDK: the
 * local endpoint with faults, a closed port, a name that cannot resolve, a plain-HTTP server spoken to
 * in TLS, and an environment with no credentials at all.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { controlFinding, type AsffFinding, type LocalAws } from "../endpoint";
import { checkAccount } from "../../gates/check";
import type { AccountVerdict } from "../../gates/types";
import { fastOptions, IDS, startEndpoint } from "./harness";

let aws: LocalAws;
beforeAll(async () => {
  aws = await startEndpoint();
});
afterAll(() => aws.close());
afterEach(() => {
  aws.world.hooks = {};
  aws.reset();
});

/** A pipeline log reader reads these: one short paragraph each. */
const MAX_REASON_CHARS = 520;
const iam4 = (v: AccountVerdict): string[] => v.controls.find((c) => c.id === "IAM.4")?.reasons ?? [];
const iam3 = (v: AccountVerdict): string[] => v.controls.find((c) => c.id === "IAM.3")?.reasons ?? [];
function expectShort(v: AccountVerdict): void {
  for (const reason of v.controls.flatMap((c) => c.reasons)) expect({ reason, short: reason.length <= MAX_REASON_CHARS }).toEqual({ reason, short: true });
}
const hoursAgo = (h: number): string => new Date(Date.now() - h * 3600_000).toISOString();

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs `body` with no credentials anywhere the SDK's default chain looks. */
async function withoutCredentials<T>(body: () => Promise<T>): Promise<T> {
  const names = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "HOME", "AWS_EC2_METADATA_DISABLED"];
  const saved = new Map(names.map((n) => [n, process.env[n]]));
  for (const n of names) delete process.env[n];
  const home = mkdtempSync(join(tmpdir(), "no-aws-home-"));
  process.env["HOME"] = home;
  process.env["AWS_EC2_METADATA_DISABLED"] = "true";
  try {
    return await body();
  } finally {
    for (const [n, v] of saved) {
      if (v === undefined) delete process.env[n];
      else process.env[n] = v;
    }
    rmSync(home, { recursive: true, force: true });
  }
}

describe("each failure class names its cause and the fix that helps", () => {
  it("no credentials: one reason naming where the SDK looked; IAM.3 does not blame iam:ListUsers; nothing sent", async () => {
    const v = await withoutCredentials(() => checkAccount(fastOptions(aws, IDS.clean, { require: ["IAM.4", "IAM.3"] })));
    expect(v.verdict).toBe("INCONCLUSIVE");
    const reasons = iam4(v);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^No IAM\.4 source could be read: no AWS credentials found/);
    expect(reasons[0]).toMatch(/the SDK's default chain looked for AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY, profile "default" in ~\/\.aws\/credentials and ~\/\.aws\/config, AWS_WEB_IDENTITY_TOKEN_FILE and instance metadata \(off: AWS_EC2_METADATA_DISABLED\), so nothing was sent/);
    expect(reasons[0]).toMatch(/give the pipeline credentials \(environment, profile or OIDC role\) of a principal GuardrailsGateReadOnly trusts; waiting cannot help\.$/);
    expect(iam3(v).join(" ")).toMatch(/no AWS credentials found/);
    expect(iam3(v).join(" ")).not.toMatch(/iam:ListUsers access|grant iam:ListUsers/);
    expect(aws.requests).toHaveLength(0);
    expectShort(v);
  });

  it("endpoint unreachable (ECONNREFUSED): names the address and --endpoint-url", async () => {
    const port = await closedPort();
    const v = await checkAccount(fastOptions(aws, IDS.clean, { endpointUrl: `http://127.0.0.1:${port}` }));
    expect(v.verdict).toBe("INCONCLUSIVE");
    expect(iam4(v)).toEqual([expect.stringMatching(new RegExp(`^No IAM\\.4 source could be read: nothing accepts connections at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\); check --endpoint-url / AWS_ENDPOINT_URL`))]);
    expectShort(v);
  });

  it("DNS failure: names the host that does not resolve", async () => {
    // RFC 6761: .invalid never resolves.
    const v = await checkAccount(fastOptions(aws, IDS.clean, { endpointUrl: "http://gate-test.invalid" }));
    expect(v.verdict).toBe("INCONCLUSIVE");
    expect(iam4(v)).toEqual([expect.stringMatching(/^No IAM\.4 source could be read: the host name gate-test\.invalid (does not resolve \(ENOTFOUND\)|could not be resolved)/)]);
    expectShort(v);
  });

  it("TLS failure: https:// spoken to a plain-HTTP endpoint", async () => {
    const v = await checkAccount(fastOptions(aws, IDS.clean, { endpointUrl: aws.url.replace("http://", "https://") }));
    expect(v.verdict).toBe("INCONCLUSIVE");
    expect(iam4(v)).toEqual([expect.stringMatching(/^No IAM\.4 source could be read: the TLS handshake with the endpoint failed \(EPROTO\); the endpoint does not speak HTTPS as configured/)]);
    expectShort(v);
  });

  it("one call timing out names --call-timeout (not --timeout)", async () => {
    aws.faults.push({ service: "iam", action: "GetAccountSummary", fault: "hang" });
    const v = await checkAccount(fastOptions(aws, IDS.clean, { callTimeoutMs: 250, timeoutMs: 3_000 }));
    expect(v.verdict).toBe("INCONCLUSIVE");
    const reason = iam4(v).join(" ");
    expect(reason).toMatch(/GetAccountSummary could not be read in 333333333333 \(us-east-1\): iam:GetAccountSummary did not answer within the call timeout \(0\.25 s\); .*raise --call-timeout/);
    expect(reason).not.toMatch(/--timeout\b/);
    expectShort(v);
  });

  it("the account deadline names --timeout", async () => {
    aws.faults.push({ service: "iam", action: "GetAccountSummary", fault: "hang" });
    const v = await checkAccount(fastOptions(aws, IDS.clean, { callTimeoutMs: 5_000, timeoutMs: 400 }));
    expect(v.verdict).toBe("INCONCLUSIVE");
    expect(iam4(v).join(" ")).toMatch(/the account deadline \(0\.4 s\) passed before iam:GetAccountSummary finished; raise --timeout/);
    expectShort(v);
  });

  it("AssumeRole denied: names the role ARN, the action, and both causes (not deployed yet: --wait; trust policy)", async () => {
    (aws.world.accounts[IDS.clean] as { roles: string[] }).roles = [];
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(v.verdict).toBe("INCONCLUSIVE");
    const reasons = iam4(v);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/sts:AssumeRole on arn:aws:iam::333333333333:role\/GuardrailsGateReadOnly was denied \(AccessDenied\)/);
    expect(reasons[0]).toMatch(/not deployed in 333333333333 yet .*rerun with --wait.* trust policy does not trust this pipeline's principal \(gate\.trustedPrincipalArns\)/);
    expectShort(v);
  });

  it("credentials AWS rejects (unknown or expired key): says so, not 'access denied'", async () => {
    const saved = process.env["AWS_ACCESS_KEY_ID"];
    process.env["AWS_ACCESS_KEY_ID"] = "AKIAI44QH8DHBEXAMPLE"; // a documentation key the endpoint does not know
    try {
      const v = await checkAccount(fastOptions(aws, IDS.clean));
      expect(iam4(v)).toEqual([expect.stringMatching(/^No IAM\.4 source could be read: AWS rejected the credentials on sts:AssumeRole \(InvalidClientTokenId\): they are invalid or expired; refresh the pipeline's AWS credentials/)]);
      expectShort(v);
    } finally {
      process.env["AWS_ACCESS_KEY_ID"] = saved;
    }
  });

  it("an API denied: names the action and the role to grant it to", async () => {
    aws.faults.push({ service: "iam", action: "GetAccountSummary", fault: "accessDenied" });
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(iam4(v)).toEqual([
      "GetAccountSummary could not be read in 333333333333 (us-east-1): iam:GetAccountSummary was denied to GuardrailsGateReadOnly in 333333333333 (AccessDenied); grant iam:GetAccountSummary to that role (the modules' gate-access policy lists it), or lift the SCP that denies it.",
    ]);
  });

  it("throttled beyond the retries", async () => {
    aws.faults.push({ service: "iam", action: "GetAccountSummary", fault: "throttle" });
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(iam4(v).join(" ")).toMatch(/iam:GetAccountSummary stayed throttled through every retry \(Throttling\); .*rerun later, --wait keeps retrying/);
    expectShort(v);
  });

  it("a malformed response", async () => {
    aws.faults.push({ service: "iam", action: "GetAccountSummary", fault: "malformedBody" });
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(iam4(v).join(" ")).toMatch(/the answer to iam:GetAccountSummary could not be parsed .*check that --endpoint-url/);
    expectShort(v);
  });

  it("Security Hub off in the account: named as such, with the fix, never 'rerun with --wait'", async () => {
    (aws.world.accounts[IDS.clean] as { securityHubRegions: string[] }).securityHubRegions = [];
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(iam4(v)).toEqual([expect.stringMatching(/^Security Hub is not enabled in 333333333333 \(us-east-1\).*waiting will not help: associate the account/)]);
    expectShort(v);
  });

  it("no finding yet: time fixes it, --wait is the fix", async () => {
    const v = await checkAccount(fastOptions(aws, IDS.awaitingFindings));
    expect(iam4(v).join(" ")).toMatch(/Security Hub has no IAM\.4 finding for 555555555555 in us-east-1 yet: the control runs within 24 h of enablement; rerun with --wait/);
    expectShort(v);
  });

  it("a stale finding: names its age limit and what keeps it fresh", async () => {
    const findings = aws.world.findings[IDS.securityTooling] as AsffFinding[];
    aws.world.findings[IDS.securityTooling] = [
      ...findings.filter((f) => f.AwsAccountId !== IDS.clean || f.Compliance?.SecurityControlId !== "IAM.4"),
      controlFinding({ control: "IAM.4", accountId: IDS.clean, region: "us-east-1", status: "PASSED", updatedAt: hoursAgo(30) }),
    ];
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(iam4(v).join(" ")).toMatch(/is stale: last updated .*more than 26 h ago; check that AWS Config records global resources in us-east-1/);
    expectShort(v);
  });

  it("a stale report that this run's regeneration did not refresh: says IAM kept it and when to re-check, not 'rerun'", async () => {
    const generated = new Date(Date.now() - (4 * 60 + 5) * 60_000);
    Object.assign(aws.world.accounts[IDS.clean]!.credentialReport, { state: "ready", generatedTime: generated.toISOString() });
    // IAM's clock runs 10 minutes behind ours: to IAM the report is 3 h 55 min old, so it generates none.
    aws.world.hooks.now = () => new Date(Date.now() - 10 * 60_000);
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(aws.requests.some((r) => r.action === "GenerateCredentialReport")).toBe(true);
    const reason = iam4(v).join(" ");
    expect(reason).toMatch(/The credential report of 333333333333 is stale \(generated .*, 4 h 5 min ago by the gate's clock; at most 4 h is accepted\)\. The gate asked IAM for a new one in this run, but IAM returns the existing report while it is younger than 4 h by IAM's clock/);
    const retryAt = new Date(generated.getTime() + (4 * 60 + 10) * 60_000).toISOString().slice(0, 16);
    expect(reason).toContain(`re-check after ${retryAt}`);
    expect(reason).not.toMatch(/regenerates it on the next run/);
    expectShort(v);
  });
});
