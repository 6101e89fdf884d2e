/** How the sources are read: report generation and polling, pagination, concurrency, filters. */
import { controlFinding, type LocalAws } from "../endpoint";
import { checkAccount } from "../../gates/check";
import { fastOptions, IDS, startEndpoint } from "./harness";

let aws: LocalAws;
beforeAll(async () => {
  aws = await startEndpoint();
});
afterAll(() => aws.close());
afterEach(() => aws.reset());

const calls = (action: string): number => aws.requests.filter((r) => r.action === action).length;

describe("credential report", () => {
  it("generates an absent report and polls until COMPLETE", async () => {
    const report = aws.world.accounts[IDS.clean]!.credentialReport;
    Object.assign(report, { state: "absent", generatedTime: null, pollsToComplete: 3, pollsRemaining: 0 });
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(v.verdict).toBe("PASS");
    expect(calls("GenerateCredentialReport")).toBeGreaterThanOrEqual(2);
  });

  it("regenerates a report older than 4 hours", async () => {
    const report = aws.world.accounts[IDS.clean]!.credentialReport;
    Object.assign(report, { state: "ready", generatedTime: new Date(Date.now() - 5 * 3600_000).toISOString(), pollsToComplete: 1 });
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(calls("GenerateCredentialReport")).toBeGreaterThanOrEqual(1);
    expect(v.verdict).toBe("PASS");
  });

  it("a report still generating at the deadline is INCONCLUSIVE", async () => {
    const report = aws.world.accounts[IDS.clean]!.credentialReport;
    Object.assign(report, { state: "absent", generatedTime: null, pollsToComplete: 1_000_000, pollsRemaining: 0 });
    const v = await checkAccount(fastOptions(aws, IDS.clean, { timeoutMs: 300 }));
    expect(v.verdict).toBe("INCONCLUSIVE");
    // Polling ends at the deadline, or the deadline cuts a poll in flight: either way the reason names --timeout.
    expect(v.controls[0]?.reasons.join(" ")).toMatch(/(IAM was still generating the credential report when the account deadline passed|the account deadline \([\d.]+ s\) passed before iam:\w+CredentialReport finished)[^.]*--timeout/);
  });

  it("LimitExceeded from GenerateCredentialReport is retried as throttling", async () => {
    const report = aws.world.accounts[IDS.clean]!.credentialReport;
    Object.assign(report, { state: "expired", pollsToComplete: 0 });
    aws.faults.push({ service: "iam", action: "GenerateCredentialReport", fault: "error", error: { code: "LimitExceeded", status: 409 }, times: 1 });
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(v.verdict).toBe("PASS");
  });
});

describe("Security Hub findings", () => {
  it("reads every page and filters on the server by account, control, product, record state and region", async () => {
    const findings = aws.world.findings[IDS.securityTooling]!;
    // 250 other-account findings the server filter must drop, plus 230 extra PASSED IAM.4 findings for the account.
    for (let i = 0; i < 230; i++) findings.push(controlFinding({ control: "IAM.4", accountId: IDS.clean, region: "us-east-1", status: "PASSED", updatedAt: new Date(Date.now() - 3600_000).toISOString() }));
    for (let i = 0; i < 250; i++) findings.push(controlFinding({ control: "IAM.4", accountId: IDS.inactiveRootKey, region: "us-east-1", status: "FAILED", updatedAt: new Date().toISOString() }));
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(v.verdict).toBe("PASS");
    const iam4Pages = aws.requests.filter((r) => r.action === "GetFindings");
    // IAM.4: 231 findings over pages of 100 = 3 pages; IAM.3: 1 page.
    expect(iam4Pages.length).toBeGreaterThanOrEqual(4);
  });

  it("a FAILED finding on a later page is seen", async () => {
    const findings = aws.world.findings[IDS.securityTooling]!;
    for (let i = 0; i < 150; i++) findings.push(controlFinding({ control: "IAM.4", accountId: IDS.clean, region: "us-east-1", status: "PASSED", updatedAt: new Date(Date.now() - 3600_000).toISOString() }));
    findings.push(controlFinding({ control: "IAM.4", accountId: IDS.clean, region: "us-east-1", status: "FAILED", updatedAt: new Date().toISOString() }));
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(v.verdict).not.toBe("PASS");
  });
});

describe("concurrency", () => {
  it("reads the three IAM.4 sources concurrently, not in sequence", async () => {
    // Each read is answered LATENCY ms after it arrives. In sequence, a read arrives only after the previous one
    // was answered, so arrivals would be at least LATENCY apart; concurrently all three arrive before the first
    // answer. Asserted on the endpoint's arrival times, not on wall time (which a loaded machine stretches).
    const LATENCY = 500;
    const reads = ["GetAccountSummary", "GetCredentialReport", "GetFindings"];
    for (const action of reads) aws.faults.push({ service: action === "GetFindings" ? "securityhub" : "iam", action, latencyMs: LATENCY });
    const v = await checkAccount(fastOptions(aws, IDS.clean, { callTimeoutMs: 5_000 }));
    expect(v.verdict).toBe("PASS");
    const firstArrivals = reads.map((action) => Date.parse(aws.requests.find((r) => r.action === action)!.at));
    expect(Math.max(...firstArrivals) - Math.min(...firstArrivals)).toBeLessThan(LATENCY);
  });
});

describe("verdicts from live data", () => {
  it("an inactive root key is FAIL", async () => {
    const v = await checkAccount(fastOptions(aws, IDS.inactiveRootKey));
    expect(v.verdict).toBe("FAIL");
  });
  it("an account without findings yet is INCONCLUSIVE", async () => {
    const v = await checkAccount(fastOptions(aws, IDS.awaitingFindings));
    expect(v.verdict).toBe("INCONCLUSIVE");
  });
  it("lists IAM.3 as evaluated but not required by default, and required with require", async () => {
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(v.controls.map((c) => [c.id, c.required])).toEqual([["IAM.4", true], ["IAM.3", false]]);
    const r = await checkAccount(fastOptions(aws, IDS.clean, { require: ["IAM.4", "IAM.3"] }));
    expect(r.controls.map((c) => [c.id, c.required])).toEqual([["IAM.4", true], ["IAM.3", true]]);
  });
});

describe("--accept-no-root-credentials", () => {
  it("lets clean live data pass without a finding only when root credentials management is enabled", async () => {
    aws.world.organizationFeatures = ["RootCredentialsManagement"];
    const accepted = await checkAccount(fastOptions(aws, IDS.awaitingFindings, { acceptNoRootCredentials: true }));
    expect(accepted.verdict).toBe("PASS");
    expect(aws.requests.some((r) => r.action === "ListOrganizationsFeatures")).toBe(true);
    aws.world.organizationFeatures = [];
    const refused = await checkAccount(fastOptions(aws, IDS.awaitingFindings, { acceptNoRootCredentials: true }));
    expect(refused.verdict).toBe("INCONCLUSIVE");
  });
});

it("IAM.4 stays required even when require lists only IAM.3", async () => {
  const v = await checkAccount(fastOptions(aws, IDS.inactiveRootKey, { require: ["IAM.3"] }));
  expect(v.controls.map((c) => [c.id, c.required])).toEqual([["IAM.4", true], ["IAM.3", true]]);
  expect(v.verdict).toBe("FAIL");
});
