/**
 * Source C through the real SDK: legacy findings that carry no Compliance.SecurityControlId must be
 * read (the GeneratorId query), in every documented form and partition, merged with the control-id
 * query by finding Id; and Security Hub switched off in the TARGET account is named as the cause.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { controlFinding, type AsffFinding, type FindingShape, type LocalAws } from "../endpoint";
import { checkAccount } from "../../gates/check";
import { fastOptions, IDS, startEndpoint } from "./harness";

let aws: LocalAws;
beforeAll(async () => {
  aws = await startEndpoint();
});
afterAll(() => aws.close());
afterEach(() => aws.reset());

const FIXTURES = join(__dirname, "..", "fixtures", "aws-samples");
const hoursAgo = (h: number): string => new Date(Date.now() - h * 3600_000).toISOString();
const tooling = (): AsffFinding[] => aws.world.findings[IDS.securityTooling] as AsffFinding[];
/** Replaces every IAM.4 finding of `accountId` in the aggregator with `findings`. */
function replaceIam4(accountId: string, ...findings: AsffFinding[]): void {
  const kept = tooling().filter((f) => !(f.AwsAccountId === accountId && (f.Compliance?.SecurityControlId === "IAM.4" || f.Title?.toString().includes("root"))));
  aws.world.findings[IDS.securityTooling] = [...kept, ...findings];
}
const legacy = (shape: FindingShape, status: "PASSED" | "FAILED", over: Partial<AsffFinding> = {}): AsffFinding => ({
  ...controlFinding({ control: "IAM.4", accountId: IDS.clean, region: "us-east-1", status, updatedAt: hoursAgo(2), shape, withoutSecurityControlId: true }),
  ...over,
});
/** The real CIS 1.4.0 rule 1.4 doc sample (full-ARN generator id, no SecurityControlId), moved to our account. */
function docSample(status: "PASSED" | "FAILED"): AsffFinding {
  const raw = JSON.parse(readFileSync(join(FIXTURES, "asff-iam4-cis140-rule1.4-FAILED-awsdocs-sample.json"), "utf8")) as AsffFinding;
  const at = hoursAgo(1);
  return {
    ...raw,
    Id: raw.Id.replace("123456789012", IDS.clean).replace("eu-west-1", "us-east-1"),
    AwsAccountId: IDS.clean,
    Region: "us-east-1",
    ProductArn: raw.ProductArn.replace("eu-west-1", "us-east-1"),
    UpdatedAt: at,
    LastObservedAt: at,
    Compliance: { ...raw.Compliance, Status: status },
  };
}
const iam4Of = (v: Awaited<ReturnType<typeof checkAccount>>) => v.controls.find((c) => c.id === "IAM.4");

describe("legacy IAM.4 findings without SecurityControlId", () => {
  it.each<[string, () => AsffFinding]>([
    ["CIS 1.2.0 rule 1.12 (full ARN)", () => legacy("legacy-cis-1.2.0", "PASSED")],
    ["CIS 1.4.0 rule 1.4 (full ARN)", () => legacy("legacy-cis-1.4.0", "PASSED")],
    ["CIS 1.4.0 rule 1.4 (bare form)", () => legacy("legacy-cis-1.4.0", "PASSED", { GeneratorId: "cis-aws-foundations-benchmark/v/1.4.0/1.4" })],
    ["FSBP IAM.4 (bare form)", () => legacy("legacy-fsbp", "PASSED")],
    ["CIS 1.2.0 rule 1.12 with an aws-cn ARN", () => legacy("legacy-cis-1.2.0", "PASSED", { GeneratorId: "arn:aws-cn:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.12" })],
    ["CIS 1.4.0 rule 1.4 with an aws-us-gov ARN", () => legacy("legacy-cis-1.4.0", "PASSED", { GeneratorId: "arn:aws-us-gov:securityhub:::standards/cis-aws-foundations-benchmark/v/1.4.0/1.4" })],
    ["the AWS doc sample (CIS 1.4.0), PASSED", () => docSample("PASSED")],
  ])("a PASSED %s finding is read and the clean account passes", async (_name, make) => {
    const f = make();
    expect(f.Compliance?.SecurityControlId).toBeUndefined();
    replaceIam4(IDS.clean, f);
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(v.verdict).toBe("PASS");
    expect(iam4Of(v)?.sources.find((s) => s.name === "security-hub")?.summary).toBe("1 IAM.4 finding(s) counted: 1 PASSED");
  });

  it("a legacy FAILED finding (the AWS doc sample) is seen: FAIL when no newer source contradicts it", async () => {
    replaceIam4(IDS.clean, docSample("FAILED"));
    aws.faults.push({ service: "iam", action: "GetAccountSummary", fault: "accessDenied" }, { service: "iam", action: "GetCredentialReport", fault: "accessDenied" });
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(v.verdict).toBe("FAIL");
    expect(iam4Of(v)?.reasons.join(" ")).toMatch(/Security Hub reports IAM\.4 FAILED .*aea33149/);
  });

  it("CIS 1.2.0 rule 1.4 without a control id is IAM.3, never IAM.4", async () => {
    const rotation = controlFinding({ control: "IAM.3", accountId: IDS.clean, region: "us-east-1", status: "FAILED", updatedAt: hoursAgo(1), shape: "legacy-cis-1.2.0", withoutSecurityControlId: true });
    replaceIam4(IDS.clean, rotation);
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(iam4Of(v)?.verdict).toBe("INCONCLUSIVE");
    expect(iam4Of(v)?.reasons.join(" ")).toMatch(/no IAM\.4 finding/);
  });

  it("a legacy finding WITH a control id comes back from both queries and is counted once", async () => {
    replaceIam4(IDS.clean, { ...legacy("legacy-fsbp", "PASSED"), Compliance: { Status: "PASSED", SecurityControlId: "IAM.4" } });
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(v.verdict).toBe("PASS");
    expect(iam4Of(v)?.sources.find((s) => s.name === "security-hub")?.summary).toBe("1 IAM.4 finding(s) counted: 1 PASSED");
  });

  it("a legacy IAM.3 FAILED finding without a control id makes IAM.3 FAIL when live data cannot contradict it", async () => {
    tooling().push(
      controlFinding({ control: "IAM.3", accountId: IDS.clean, region: "us-east-1", status: "FAILED", updatedAt: hoursAgo(1), shape: "legacy-fsbp", userName: "deployer", withoutSecurityControlId: true }),
    );
    aws.faults.push({ service: "iam", action: "ListAccessKeys", fault: "accessDenied" });
    const v = await checkAccount(fastOptions(aws, IDS.clean, { require: ["IAM.4", "IAM.3"] }));
    const iam3 = v.controls.find((c) => c.id === "IAM.3");
    expect(iam3?.verdict).toBe("FAIL");
    expect(iam3?.reasons.join(" ")).toMatch(/reports IAM user deployer and live data cannot contradict it/);
  });

  it("costs 3 GetFindings requests per check (control ids; IAM.4 generator ids; IAM.3 generator ids), within AWS's filter limits", async () => {
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(v.verdict).toBe("PASS");
    const getFindings = aws.requests.filter((r) => r.action === "GetFindings");
    // The endpoint answers InvalidInputException past 10 attributes or 20 values per attribute, as AWS does.
    expect(getFindings.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(aws.requests.filter((r) => r.action === "DescribeHub" && r.accountId === IDS.clean)).toHaveLength(1);
  });
});

describe("Security Hub not enabled in the target account", () => {
  const off = (): void => {
    (aws.world.accounts[IDS.clean] as { securityHubRegions: string[] }).securityHubRegions = [];
  };

  it("a leftover PASSED finding does not pass: the reason names Security Hub off and the fix, not 'rerun with --wait'", async () => {
    off();
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(v.verdict).toBe("INCONCLUSIVE");
    const reasons = iam4Of(v)?.reasons ?? [];
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^Security Hub is not enabled in 333333333333 \(us-east-1\): DescribeHub through the gate role answered InvalidAccessException/);
    expect(reasons[0]).toMatch(/waiting will not help: associate the account \(or its OU\) with the guardrails Security Hub configuration policy/);
    expect(reasons.join(" ")).not.toMatch(/rerun with --wait|no IAM\.4 finding .* yet/);
    expect(iam4Of(v)?.sources.find((s) => s.name === "security-hub-enabled")).toMatchObject({ accountId: IDS.clean, region: "us-east-1", api: "securityhub:DescribeHub" });
  });

  it("without any finding, the reason is still Security Hub off (not 'no finding yet', not 'root credentials removed')", async () => {
    off();
    replaceIam4(IDS.clean);
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(v.verdict).toBe("INCONCLUSIVE");
    expect(iam4Of(v)?.reasons).toEqual([expect.stringMatching(/^Security Hub is not enabled in 333333333333/)]);
  });

  it("a fresh FAILED finding still FAILs: a finding AWS wrote in the last 26 h is evidence, whatever the hub's state now", async () => {
    off();
    replaceIam4(IDS.clean, controlFinding({ control: "IAM.4", accountId: IDS.clean, region: "us-east-1", status: "FAILED", updatedAt: hoursAgo(1) }));
    aws.faults.push({ service: "iam", action: "GetAccountSummary", fault: "accessDenied" }, { service: "iam", action: "GetCredentialReport", fault: "accessDenied" });
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(v.verdict).toBe("FAIL");
  });

  it("DescribeHub denied: hub state unknown, never PASS, the denied action named", async () => {
    aws.faults.push({ service: "securityhub", action: "DescribeHub", fault: "accessDenied" });
    const v = await checkAccount(fastOptions(aws, IDS.clean));
    expect(v.verdict).toBe("INCONCLUSIVE");
    expect(iam4Of(v)?.reasons.join(" ")).toMatch(/Whether Security Hub is enabled \(DescribeHub\) could not be read in 333333333333 \(us-east-1\): securityhub:DescribeHub was denied to GuardrailsGateReadOnly/);
  });
});
