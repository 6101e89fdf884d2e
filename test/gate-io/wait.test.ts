/**
 * --wait waits only on what time can fix (no finding yet, stale evidence, the gate role not deployed
 * yet, throttling) and stops when it cannot: at once without credentials; after two attempts in a row
 * for an unreachable endpoint, a denied API or Security Hub off. Real SDK, local endpoint, short backoff.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_GATE_ROLE, type LocalAws } from "../endpoint";
import { AwsClientFactory } from "../../gates/aws/clients";
import { Deadline } from "../../gates/aws/call";
import { checkAccount } from "../../gates/check";
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

/** A long wait that only an early stop (or success) ends within a test's time. */
const LONG_WAIT = { waitMs: 60_000, waitBackoff: { baseDelayMs: 20, maxDelayMs: 40 } };

async function checkWithProgress(accountId: string, extra: Parameters<typeof fastOptions>[2] = {}) {
  const lines: string[] = [];
  const started = Date.now();
  const verdict = await checkAccount(fastOptions(aws, accountId, { ...LONG_WAIT, onProgress: (l) => lines.push(l), ...extra }));
  return { verdict, lines, tookMs: Date.now() - started, attempts: lines.filter((l) => /^attempt \d+:/.test(l)).length };
}

it("no credentials at all: stops after the first attempt, without even asking Config", async () => {
  const names = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "HOME", "AWS_EC2_METADATA_DISABLED"];
  const saved = new Map(names.map((n) => [n, process.env[n]]));
  for (const n of names) delete process.env[n];
  const home = mkdtempSync(join(tmpdir(), "no-aws-home-"));
  process.env["HOME"] = home;
  process.env["AWS_EC2_METADATA_DISABLED"] = "true";
  try {
    const r = await checkWithProgress(IDS.clean);
    expect(r.verdict.verdict).toBe("INCONCLUSIVE");
    expect(r.attempts).toBe(1);
    expect(r.lines.at(-1)).toMatch(/^stopped waiting: .*no AWS credentials found/);
    expect(r.tookMs).toBeLessThan(3_000);
    expect(aws.requests).toHaveLength(0);
  } finally {
    for (const [n, v] of saved) {
      if (v === undefined) delete process.env[n];
      else process.env[n] = v;
    }
    rmSync(home, { recursive: true, force: true });
  }
});

it("endpoint unreachable: stops once the same cause is seen on two attempts in a row", async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const r = await checkWithProgress(IDS.clean, { endpointUrl: `http://127.0.0.1:${port}` });
  expect(r.attempts).toBe(2);
  expect(r.lines.at(-1)).toMatch(/^stopped waiting: .*ECONNREFUSED.*\(seen on two attempts in a row\)$/);
});

it("an API denied to the gate role: stops after two attempts, naming the action", async () => {
  aws.faults.push({ service: "iam", action: "GetAccountSummary", fault: "accessDenied" });
  const r = await checkWithProgress(IDS.clean);
  expect(r.attempts).toBe(2);
  expect(r.lines.at(-1)).toMatch(/^stopped waiting: .*iam:GetAccountSummary was denied to GuardrailsGateReadOnly/);
});

it("Security Hub off in the account: stops after two attempts", async () => {
  (aws.world.accounts[IDS.clean] as { securityHubRegions: string[] }).securityHubRegions = [];
  const r = await checkWithProgress(IDS.clean);
  expect(r.verdict.verdict).toBe("INCONCLUSIVE");
  expect(r.attempts).toBe(2);
  expect(r.lines.at(-1)).toMatch(/^stopped waiting: Security Hub is not enabled in 333333333333/);
});

it("AssumeRole denied in a just-vended account is waited out: the role appears and the account passes", async () => {
  const account = aws.world.accounts[IDS.clean] as { roles: string[] };
  account.roles = [];
  const r = await checkWithProgress(IDS.clean, {
    onProgress: (line) => {
      // The StackSet finishes deploying the gate role while the gate waits.
      if (line.startsWith("attempt 2:")) account.roles = [DEFAULT_GATE_ROLE];
    },
  });
  expect(r.verdict.verdict).toBe("PASS");
  expect(aws.requests.filter((q) => q.action === "AssumeRole" && q.status === 403).length).toBeGreaterThanOrEqual(2);
});

it("throttling is waited on until the wait is over", async () => {
  aws.faults.push({ service: "iam", action: "GetAccountSummary", fault: "throttle" });
  // 1 s: room for two attempts even when the machine is slow (with 400 ms, one attempt took it all under load).
  const r = await checkWithProgress(IDS.clean, { waitMs: 1_000 });
  expect(r.verdict.verdict).toBe("INCONCLUSIVE");
  expect(r.attempts).toBeGreaterThanOrEqual(2);
  expect(r.lines.some((l) => l.startsWith("stopped waiting"))).toBe(false);
  // It ran until the wait was (nearly) over: the last backoff that would overrun it is skipped.
  expect(r.tookMs).toBeGreaterThanOrEqual(900);
});

describe("assumed-role sessions outlive a long --wait", () => {
  it("credentials within a minute of expiry are replaced by a new AssumeRole", async () => {
    // The endpoint's clock runs 899 s behind: the 900 s sessions it issues expire 1 s from now.
    aws.world.hooks.now = () => new Date(Date.now() - 899_000);
    const factory = new AwsClientFactory({ region: "us-east-1", partition: "aws", endpointUrl: aws.url, callTimeoutMs: 2_000, roleName: DEFAULT_GATE_ROLE, sessionName: "gate-test" });
    const policy = { deadline: new Deadline(5_000), callTimeoutMs: 2_000, retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 } };
    try {
      await factory.inAccount(IDS.clean, policy);
      await factory.inAccount(IDS.clean, policy);
      expect(aws.requests.filter((q) => q.action === "AssumeRole")).toHaveLength(2);
      aws.world.hooks = {};
      aws.requests.length = 0;
      await factory.inAccount(IDS.inactiveRootKey, policy);
      await factory.inAccount(IDS.inactiveRootKey, policy);
      expect(aws.requests.filter((q) => q.action === "AssumeRole")).toHaveLength(1);
    } finally {
      factory.destroy();
    }
  });
});
