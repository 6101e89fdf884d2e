/** Every operation the gate calls, through the real SDK v3 clients against the local endpoint. */
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import {
  GenerateCredentialReportCommand, GetAccessKeyLastUsedCommand, GetAccountSummaryCommand, GetCredentialReportCommand, IAMClient,
  ListAccessKeysCommand, ListOrganizationsFeaturesCommand, ListUserTagsCommand, ListUsersCommand, paginateListUsers,
} from "@aws-sdk/client-iam";
import {
  DescribeAccountCommand, DescribeOrganizationCommand, ListAccountsForParentCommand, ListChildrenCommand, ListOrganizationalUnitsForParentCommand,
  ListParentsCommand, ListRootsCommand, ListTagsForResourceCommand, MoveAccountCommand, OrganizationsClient, TagResourceCommand,
  UntagResourceCommand, paginateListAccounts,
} from "@aws-sdk/client-organizations";
import { ConfigServiceClient, DescribeConfigRulesCommand, StartConfigRulesEvaluationCommand } from "@aws-sdk/client-config-service";
import { DescribeHubCommand, GetEnabledStandardsCommand, GetFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { EXAMPLE_IDS, bigOrganization, clientConfig, startLocalAws, type LocalAws } from "./index";

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(() => aws.close());
beforeEach(() => aws.reset());

const cfg = () => clientConfig(aws.url, { maxAttempts: 1 });

async function assumeInto(accountId: string, roleName = "GuardrailsGateReadOnly") {
  const out = await new STSClient(cfg()).send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`, RoleSessionName: "guardrails-gate" }),
  );
  const c = out.Credentials!;
  return { ...cfg(), credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } };
}

describe("STS", () => {
  test("GetCallerIdentity maps the default access key to the management account", async () => {
    const id = await new STSClient(cfg()).send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe(EXAMPLE_IDS.management);
  });

  test("AssumeRole credentials route later calls to the target account", async () => {
    const inTarget = await assumeInto(EXAMPLE_IDS.inactiveRootKey);
    expect(inTarget.credentials.accessKeyId).toMatch(/^ASIA444444444444/);
    const id = await new STSClient(inTarget).send(new GetCallerIdentityCommand({}));
    expect(id.Account).toBe(EXAMPLE_IDS.inactiveRootKey);
    expect(id.Arn).toBe(`arn:aws:sts::${EXAMPLE_IDS.inactiveRootKey}:assumed-role/GuardrailsGateReadOnly/guardrails-gate`);
    const summary = await new IAMClient(inTarget).send(new GetAccountSummaryCommand({}));
    expect(summary.SummaryMap?.AccountAccessKeysPresent).toBe(1);
    expect(aws.requests.at(-1)).toMatchObject({ service: "iam", action: "GetAccountSummary", accountId: EXAMPLE_IDS.inactiveRootKey, status: 200 });
  });

  test("AssumeRole is AccessDenied for an unknown account or an unprovisioned role", async () => {
    await expect(assumeInto("999999999999")).rejects.toMatchObject({ name: "AccessDenied", $metadata: { httpStatusCode: 403 } });
    await expect(assumeInto(EXAMPLE_IDS.clean, "SomeOtherRole")).rejects.toMatchObject({ name: "AccessDenied" });
  });

  test("clients honour AWS_ENDPOINT_URL from the environment", async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = aws.url;
    try {
      const { endpoint: _omit, ...noEndpoint } = cfg();
      const id = await new STSClient(noEndpoint).send(new GetCallerIdentityCommand({}));
      expect(id.Account).toBe(EXAMPLE_IDS.management);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
  });
});

describe("IAM", () => {
  test("GetAccountSummary omits AccountAccessKeysPresent when the world says so", async () => {
    aws.world.accounts[EXAMPLE_IDS.management].rootAccessKeysPresent = "omit";
    const out = await new IAMClient(cfg()).send(new GetAccountSummaryCommand({}));
    expect(out.SummaryMap).toBeDefined();
    expect(out.SummaryMap?.AccountAccessKeysPresent).toBeUndefined();
  });

  test("credential report: STARTED → INPROGRESS → COMPLETE, then base64 CSV content", async () => {
    const report = aws.world.accounts[EXAMPLE_IDS.management].credentialReport;
    report.state = "absent";
    const iam = new IAMClient(cfg());
    await expect(iam.send(new GetCredentialReportCommand({}))).rejects.toMatchObject({
      name: "CredentialReportNotPresentException", $metadata: { httpStatusCode: 410 },
    });
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe("STARTED");
    await expect(iam.send(new GetCredentialReportCommand({}))).rejects.toMatchObject({
      name: "CredentialReportNotReadyException", $metadata: { httpStatusCode: 404 },
    });
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe("COMPLETE");
    const got = await iam.send(new GetCredentialReportCommand({}));
    expect(got.ReportFormat).toBe("text/csv");
    expect(got.GeneratedTime).toBeInstanceOf(Date);
    const csv = Buffer.from(got.Content!).toString("utf8");
    expect(csv.split("\n")[1]).toMatch(/^<root_account>,arn:aws:iam::111111111111:root,/);
  });

  test("an expired report surfaces as CredentialReportExpiredException", async () => {
    aws.world.accounts[EXAMPLE_IDS.management].credentialReport.state = "expired";
    await expect(new IAMClient(cfg()).send(new GetCredentialReportCommand({}))).rejects.toMatchObject({
      name: "CredentialReportExpiredException", $metadata: { httpStatusCode: 410 },
    });
  });

  test("raw custom CSV content is served verbatim", async () => {
    aws.world.accounts[EXAMPLE_IDS.management].credentialReport.content = "user,arn\nnot,a,valid,report";
    const got = await new IAMClient(cfg()).send(new GetCredentialReportCommand({}));
    expect(Buffer.from(got.Content!).toString("utf8")).toBe("user,arn\nnot,a,valid,report");
  });

  test("ListUsers / ListAccessKeys / ListUserTags paginate with Marker and MaxItems", async () => {
    const acct = aws.world.accounts[EXAMPLE_IDS.management];
    for (let i = 0; i < 5; i++) {
      acct.users.push({
        userName: `user-${i}`, userId: `AIDAUSER${i}`, path: "/", createDate: "2025-01-01T00:00:00Z", passwordEnabled: false,
        tags: { owner: `team-${i}`, cost: "x" },
        accessKeys: [
          { accessKeyId: `AKIAUSER${i}KEY1`, status: "Active", createDate: "2025-01-01T00:00:00Z", lastUsed: { date: "2025-02-01T00:00:00Z", region: "eu-west-1", service: "s3" } },
          { accessKeyId: `AKIAUSER${i}KEY2`, status: "Inactive", createDate: "2024-01-01T00:00:00Z" },
        ],
      });
    }
    const iam = new IAMClient(cfg());
    const names: string[] = [];
    let pages = 0;
    for await (const p of paginateListUsers({ client: iam, pageSize: 2 }, {})) {
      pages++;
      names.push(...(p.Users ?? []).map((u) => u.UserName!));
    }
    expect(pages).toBe(3);
    expect(names).toEqual(["user-0", "user-1", "user-2", "user-3", "user-4"]);
    const first = await iam.send(new ListUsersCommand({ MaxItems: 4 }));
    expect(first.IsTruncated).toBe(true);
    expect(first.Users?.[0].CreateDate).toBeInstanceOf(Date);

    const keys1 = await iam.send(new ListAccessKeysCommand({ UserName: "user-3", MaxItems: 1 }));
    expect(keys1).toMatchObject({ IsTruncated: true, AccessKeyMetadata: [{ AccessKeyId: "AKIAUSER3KEY1", Status: "Active" }] });
    const keys2 = await iam.send(new ListAccessKeysCommand({ UserName: "user-3", Marker: keys1.Marker }));
    expect(keys2).toMatchObject({ IsTruncated: false, AccessKeyMetadata: [{ AccessKeyId: "AKIAUSER3KEY2", Status: "Inactive" }] });
    await expect(iam.send(new ListAccessKeysCommand({ UserName: "nobody" }))).rejects.toMatchObject({ name: "NoSuchEntityException" });

    const tags = await iam.send(new ListUserTagsCommand({ UserName: "user-1" }));
    expect(tags.Tags).toEqual([{ Key: "owner", Value: "team-1" }, { Key: "cost", Value: "x" }]);
    const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: "AKIAUSER1KEY1" }));
    expect(used).toMatchObject({ UserName: "user-1", AccessKeyLastUsed: { ServiceName: "s3", Region: "eu-west-1" } });
    expect(used.AccessKeyLastUsed?.LastUsedDate).toBeInstanceOf(Date);
    const never = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: "AKIAUSER1KEY2" }));
    expect(never.AccessKeyLastUsed).toMatchObject({ ServiceName: "N/A", Region: "N/A" });
  });

  test("ListOrganizationsFeatures works only from the management account", async () => {
    const out = await new IAMClient(cfg()).send(new ListOrganizationsFeaturesCommand({}));
    expect(out.EnabledFeatures).toContain("RootCredentialsManagement");
    const member = await assumeInto(EXAMPLE_IDS.clean);
    await expect(new IAMClient(member).send(new ListOrganizationsFeaturesCommand({}))).rejects.toMatchObject({
      name: "AccountNotManagementOrDelegatedAdministratorException",
    });
  });
});

describe("Organizations", () => {
  test("tree, accounts, tags and moves", async () => {
    const org = new OrganizationsClient(cfg());
    expect((await org.send(new DescribeOrganizationCommand({}))).Organization?.MasterAccountId).toBe(EXAMPLE_IDS.management);
    const rootId = (await org.send(new ListRootsCommand({}))).Roots![0].Id!;
    const ous = await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: rootId }));
    expect(ous.OrganizationalUnits?.map((o) => o.Name)).toEqual(["Security", "Workloads"]);
    const nested = await org.send(new ListChildrenCommand({ ParentId: "ou-ex01-workloads", ChildType: "ORGANIZATIONAL_UNIT" }));
    expect(nested.Children).toEqual([{ Id: "ou-ex01-sandbox", Type: "ORGANIZATIONAL_UNIT" }]);
    const inWorkloads = await org.send(new ListAccountsForParentCommand({ ParentId: "ou-ex01-workloads" }));
    expect(inWorkloads.Accounts?.map((a) => a.Id)).toEqual([EXAMPLE_IDS.clean, EXAMPLE_IDS.inactiveRootKey]);
    const described = await org.send(new DescribeAccountCommand({ AccountId: EXAMPLE_IDS.clean }));
    expect(described.Account).toMatchObject({ Status: "ACTIVE", Name: "payments-prod" });
    expect(described.Account?.JoinedTimestamp).toBeInstanceOf(Date);
    await expect(org.send(new DescribeAccountCommand({ AccountId: "999999999999" }))).rejects.toMatchObject({ name: "AccountNotFoundException" });
    expect((await org.send(new ListParentsCommand({ ChildId: EXAMPLE_IDS.awaitingFindings }))).Parents).toEqual([
      { Id: "ou-ex01-sandbox", Type: "ORGANIZATIONAL_UNIT" },
    ]);

    await org.send(new TagResourceCommand({ ResourceId: EXAMPLE_IDS.clean, Tags: [{ Key: "guardrails:production-ready", Value: "true" }] }));
    expect((await org.send(new ListTagsForResourceCommand({ ResourceId: EXAMPLE_IDS.clean }))).Tags).toEqual([
      { Key: "guardrails:production-ready", Value: "true" },
    ]);
    await org.send(new UntagResourceCommand({ ResourceId: EXAMPLE_IDS.clean, TagKeys: ["guardrails:production-ready"] }));
    expect(aws.world.accounts[EXAMPLE_IDS.clean].tags).toEqual({});

    const move = (source: string, destination: string) =>
      org.send(new MoveAccountCommand({ AccountId: EXAMPLE_IDS.clean, SourceParentId: source, DestinationParentId: destination }));
    await expect(move("ou-ex01-security", "ou-ex01-sandbox")).rejects.toMatchObject({ name: "SourceParentNotFoundException" });
    await expect(move("ou-ex01-workloads", "ou-ex01-workloads")).rejects.toMatchObject({ name: "DuplicateAccountException" });
    await expect(move("ou-ex01-workloads", "ou-nope")).rejects.toMatchObject({ name: "DestinationParentNotFoundException" });
    await move("ou-ex01-workloads", "ou-ex01-sandbox");
    expect(aws.world.accounts[EXAMPLE_IDS.clean].parentId).toBe("ou-ex01-sandbox");
  });

  test("ListAccounts paginates (20 per page) and includes non-ACTIVE accounts", async () => {
    const big = await startLocalAws({ world: bigOrganization(45) });
    try {
      const org = new OrganizationsClient(clientConfig(big.url, { maxAttempts: 1 }));
      const statuses: string[] = [];
      let pages = 0;
      for await (const p of paginateListAccounts({ client: org }, {})) {
        pages++;
        statuses.push(...(p.Accounts ?? []).map((a) => a.Status!));
      }
      expect(statuses).toHaveLength(47);
      expect(pages).toBe(3);
      expect(statuses).toContain("SUSPENDED");
    } finally {
      await big.close();
    }
  });

  test("member accounts are denied", async () => {
    const member = await assumeInto(EXAMPLE_IDS.clean);
    await expect(new OrganizationsClient(member).send(new ListRootsCommand({}))).rejects.toMatchObject({ name: "AccessDeniedException" });
  });
});

describe("Config", () => {
  test("DescribeConfigRules finds the Security Hub IAM.4 rule; re-evaluation releases pending findings", async () => {
    const inAccount = await assumeInto(EXAMPLE_IDS.awaitingFindings);
    const config = new ConfigServiceClient(inAccount);
    const rules = await config.send(new DescribeConfigRulesCommand({}));
    const rule = rules.ConfigRules?.find((r) => r.Source?.SourceIdentifier === "IAM_ROOT_ACCESS_KEY_CHECK");
    expect(rule?.ConfigRuleName).toMatch(/^securityhub-iam-root-access-key-check-[0-9a-f]{8}$/);

    const hub = new SecurityHubClient(await assumeInto(EXAMPLE_IDS.securityTooling));
    const filters = { AwsAccountId: [{ Value: EXAMPLE_IDS.awaitingFindings, Comparison: "EQUALS" as const }] };
    expect((await hub.send(new GetFindingsCommand({ Filters: filters }))).Findings).toEqual([]);
    await config.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: [rule!.ConfigRuleName!] }));
    expect(aws.world.configEvaluations).toHaveLength(1);
    const after = await hub.send(new GetFindingsCommand({ Filters: filters }));
    expect(after.Findings?.map((f) => f.Compliance?.Status)).toEqual(["PASSED"]);
    await expect(config.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: ["nope"] }))).rejects.toMatchObject({
      name: "NoSuchConfigRuleException",
    });
  });
});

describe("Security Hub", () => {
  test("DescribeHub, GetEnabledStandards; not subscribed is InvalidAccessException", async () => {
    const hub = new SecurityHubClient(await assumeInto(EXAMPLE_IDS.securityTooling));
    expect((await hub.send(new DescribeHubCommand({}))).HubArn).toBe(`arn:aws:securityhub:us-east-1:${EXAMPLE_IDS.securityTooling}:hub/default`);
    const standards = await hub.send(new GetEnabledStandardsCommand({}));
    expect(standards.StandardsSubscriptions?.[0]).toMatchObject({ StandardsStatus: "READY" });
    const otherRegion = new SecurityHubClient({ ...(await assumeInto(EXAMPLE_IDS.securityTooling)), region: "eu-west-1" });
    await expect(otherRegion.send(new GetFindingsCommand({}))).rejects.toMatchObject({
      name: "InvalidAccessException",
      message: `Account ${EXAMPLE_IDS.securityTooling} is not subscribed to AWS Security Hub`,
    });
    expect(aws.requests.at(-1)).toMatchObject({ region: "eu-west-1", action: "GetFindings" });
  });
});

describe("S3", () => {
  test("PutObject stores body and object-lock headers; GetObject/HeadObject read them; NoSuchBucket", async () => {
    aws.world.s3Buckets["evidence"] = { ownerAccountId: EXAMPLE_IDS.management, objectLockEnabled: true, objects: {} };
    const s3 = new S3Client(cfg());
    const until = new Date("2030-01-01T00:00:00Z");
    await s3.send(new PutObjectCommand({ Bucket: "evidence", Key: "2026/acct.json", Body: '{"a":1}', ContentType: "application/json", ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: until }));
    const stored = aws.world.s3Buckets["evidence"].objects["2026/acct.json"];
    expect(Buffer.from(stored.body, "base64").toString()).toBe('{"a":1}');
    expect(stored.headers["x-amz-object-lock-mode"]).toBe("COMPLIANCE");
    const got = await s3.send(new GetObjectCommand({ Bucket: "evidence", Key: "2026/acct.json" }));
    expect(await got.Body?.transformToString()).toBe('{"a":1}');
    expect(got.ObjectLockRetainUntilDate?.toISOString()).toBe(until.toISOString());
    expect((await s3.send(new HeadObjectCommand({ Bucket: "evidence", Key: "2026/acct.json" }))).ContentType).toBe("application/json");
    await expect(s3.send(new PutObjectCommand({ Bucket: "missing", Key: "k", Body: "x" }))).rejects.toMatchObject({ name: "NoSuchBucket" });
    await expect(s3.send(new GetObjectCommand({ Bucket: "evidence", Key: "nope" }))).rejects.toMatchObject({ name: "NoSuchKey" });
  });
});
