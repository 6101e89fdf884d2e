/** World builders and findings: shapes match the real AWS samples; server-side filters behave like AWS. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GetFindingsCommand, SecurityHubClient, paginateGetFindings } from "@aws-sdk/client-securityhub";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import {
  CREDENTIAL_REPORT_COLUMNS, EXAMPLE_IDS, bigOrganization, clientConfig, controlFinding, exampleWorld, renderCredentialReport, startLocalAws,
} from "./index";

const SAMPLES = join(__dirname, "..", "fixtures", "aws-samples");
const sample = (name: string) => readFileSync(join(SAMPLES, name), "utf8");

describe("shapes match the real samples", () => {
  test("credential report header equals the real 2022 and 2025 reports' header", () => {
    for (const file of ["credential-report-2025-real-root-password-true-Z.csv", "credential-report-2022-real-root-not_supported.csv"]) {
      expect(sample(file).split("\n")[0]).toBe(CREDENTIAL_REPORT_COLUMNS.join(","));
    }
    const world = exampleWorld();
    const acct = world.accounts[EXAMPLE_IDS.inactiveRootKey];
    const [, root2025] = renderCredentialReport(acct, "aws", "2025").split("\n");
    expect(root2025.split(",")).toHaveLength(22);
    expect(root2025).toMatch(/^<root_account>,arn:aws:iam::444444444444:root,[^,]+Z,true,/);
    expect(root2025.split(",").slice(8, 10)).toEqual(["false", expect.stringMatching(/Z$/)]); // inactive key keeps its date
    const [, root2022] = renderCredentialReport(acct, "aws", "2022").split("\n");
    expect(root2022).toMatch(/,not_supported,no_information,not_supported,not_supported,/);
    expect(root2022).toMatch(/\+00:00/);
  });

  test("a built consolidated IAM.4 finding has the real sample's fields", () => {
    const real = JSON.parse(sample("asff-iam4-consolidated-PASSED-auditmanager-doc.json")) as Record<string, unknown>;
    const built = controlFinding({ control: "IAM.4", accountId: "111122223333", region: "us-west-2", status: "PASSED", updatedAt: "2023-11-02T11:59:15.127Z" });
    expect(Object.keys(built).sort()).toEqual(Object.keys(real).sort());
    for (const key of ["GeneratorId", "ProductArn", "ProductName", "Region", "AwsAccountId", "RecordState"]) expect(built[key]).toEqual(real[key]);
    expect(built.Resources).toEqual(real.Resources);
    expect(built.Id).toMatch(/^arn:aws:securityhub:us-west-2:111122223333:security-control\/IAM.4\/finding\//);
  });

  test("a built legacy CIS 1.4.0 IAM.4 finding uses the real generator id and RuleId", () => {
    const real = JSON.parse(sample("asff-iam4-cis140-rule1.4-FAILED-awsdocs-sample.json")) as { GeneratorId: string; ProductFields: Record<string, string> };
    const built = controlFinding({ control: "IAM.4", accountId: "123456789012", region: "eu-west-1", status: "FAILED", updatedAt: "2022-08-16T19:05:32.775Z", shape: "legacy-cis-1.4.0" });
    expect(built.GeneratorId).toBe(real.GeneratorId);
    expect((built.ProductFields as Record<string, string>).RuleId).toBe(real.ProductFields.RuleId);
    expect(built.Id).toContain(":subscription/cis-aws-foundations-benchmark/v/1.4.0/1.4/finding/");
  });
});

describe("GetFindings server-side filters", () => {
  test("EQUALS/PREFIX, AND across fields, OR within a field, pagination", async () => {
    const world = exampleWorld();
    const store = world.findings[world.securityHubAccountId];
    const base = { accountId: EXAMPLE_IDS.clean, updatedAt: "2026-01-01T00:00:00Z" } as const;
    store.push(
      controlFinding({ ...base, control: "IAM.4", region: "eu-west-1", status: "NOT_AVAILABLE" }),
      controlFinding({ ...base, control: "IAM.4", region: "us-east-1", status: "FAILED", recordState: "ARCHIVED", shape: "legacy-fsbp" }),
      controlFinding({ ...base, control: "IAM.3", region: "us-east-1", status: "FAILED", userName: "deployer" }),
    );
    const aws = await startLocalAws({ world });
    try {
      const creds = (await new STSClient(clientConfig(aws.url)).send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${EXAMPLE_IDS.securityTooling}:role/GuardrailsGateReadOnly`, RoleSessionName: "gate" }),
      )).Credentials!;
      const hub = new SecurityHubClient({
        ...clientConfig(aws.url, { maxAttempts: 1 }),
        credentials: { accessKeyId: creds.AccessKeyId!, secretAccessKey: creds.SecretAccessKey!, sessionToken: creds.SessionToken! },
      });
      const get = async (Filters: Record<string, { Value: string; Comparison: "EQUALS" | "PREFIX" | "NOT_EQUALS" }[]>) =>
        ((await hub.send(new GetFindingsCommand({ Filters }))).Findings ?? []).map((f) => `${f.Compliance?.SecurityControlId}/${f.Region}/${f.Compliance?.Status}/${f.RecordState}`);
      const acct = { Value: EXAMPLE_IDS.clean, Comparison: "EQUALS" as const };
      expect(await get({ AwsAccountId: [acct], ComplianceSecurityControlId: [{ Value: "IAM.4", Comparison: "EQUALS" }], Region: [{ Value: "us-east-1", Comparison: "EQUALS" }], RecordState: [{ Value: "ACTIVE", Comparison: "EQUALS" }] }))
        .toEqual(["IAM.4/us-east-1/PASSED/ACTIVE"]);
      expect(await get({ AwsAccountId: [acct], Region: [{ Value: "eu-", Comparison: "PREFIX" }, { Value: "us-east-1", Comparison: "EQUALS" }], ComplianceSecurityControlId: [{ Value: "IAM.4", Comparison: "EQUALS" }] }))
        .toHaveLength(3);
      expect(await get({ AwsAccountId: [acct], GeneratorId: [{ Value: "aws-foundational-security-best-practices/v/1.0.0/", Comparison: "PREFIX" }] }))
        .toEqual(["IAM.4/us-east-1/FAILED/ARCHIVED"]);
      expect(await get({ AwsAccountId: [acct], ProductName: [{ Value: "Security Hub", Comparison: "EQUALS" }], ComplianceSecurityControlId: [{ Value: "IAM.4", Comparison: "NOT_EQUALS" }] }))
        .toEqual(["IAM.3/us-east-1/FAILED/ACTIVE"]);
      await expect(hub.send(new GetFindingsCommand({ Filters: { Title: [{ Value: "x", Comparison: "EQUALS" }] } }))).rejects.toMatchObject({ name: "InvalidInputException" });

      // SortCriteria: ascending and descending by a field; a field the endpoint cannot sort by is refused, not ignored.
      const accounts = async (SortOrder: "asc" | "desc") =>
        ((await hub.send(new GetFindingsCommand({ SortCriteria: [{ Field: "AwsAccountId", SortOrder }], MaxResults: 100 }))).Findings ?? []).map((f) => f.AwsAccountId ?? "");
      const ascending = await accounts("asc");
      expect(ascending).toEqual([...ascending].sort());
      expect(new Set(ascending).size).toBeGreaterThan(2);
      expect(await accounts("desc")).toEqual([...ascending].reverse().sort().reverse());
      await expect(hub.send(new GetFindingsCommand({ SortCriteria: [{ Field: "Note", SortOrder: "asc" }] }))).rejects.toMatchObject({ name: "InvalidInputException" });

      let pages = 0;
      let total = 0;
      for await (const p of paginateGetFindings({ client: hub, pageSize: 2 }, {})) {
        pages++;
        total += p.Findings?.length ?? 0;
      }
      expect(total).toBe(store.length);
      expect(pages).toBe(Math.ceil(store.length / 2));
    } finally {
      await aws.close();
    }
  });
});

describe("builders", () => {
  test("bigOrganization(1000) is quick, small and mixed", () => {
    const started = Date.now();
    const world = bigOrganization(1000);
    expect(Date.now() - started).toBeLessThan(2000);
    const accounts = Object.values(world.accounts);
    expect(accounts).toHaveLength(1002);
    expect(accounts.filter((a) => a.status === "SUSPENDED").length).toBeGreaterThan(50);
    expect(accounts.filter((a) => a.rootAccessKeysPresent === 1).length).toBe(100);
    expect(Object.keys(world.findingsAfterEvaluation).length).toBeGreaterThan(100);
    expect(Object.keys(world.organizationalUnits).length).toBeGreaterThan(20);
    expect(Buffer.byteLength(JSON.stringify({ ...world, hooks: undefined }))).toBeLessThan(10 * 1024 * 1024);
  });

  test("reset() restores the world and clears faults and requests", async () => {
    const aws = await startLocalAws();
    try {
      aws.world.accounts[EXAMPLE_IDS.clean].rootAccessKeysPresent = 2;
      aws.faults.push({ fault: "hang" });
      aws.reset();
      expect(aws.world.accounts[EXAMPLE_IDS.clean].rootAccessKeysPresent).toBe(0);
      expect(aws.faults).toEqual([]);
      expect(aws.requests).toEqual([]);
    } finally {
      await aws.close();
    }
  });
});
