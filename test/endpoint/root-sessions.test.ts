/**
 * The endpoint's model of centralized root access, through the real SDK v3 clients: AssumeRoot (who may call
 * it, on which target, for how long), a root session scoped by its root-task policy (the audit one reads only,
 * the delete one deletes root access keys), and the sources a deletion changes: GetAccountSummary at once (or
 * after IAM's modelled lag), the credential report only once a new one is generated.
 */
import { DeleteAccessKeyCommand, GenerateCredentialReportCommand, GetAccountSummaryCommand, GetCredentialReportCommand, IAMClient, ListAccessKeysCommand } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, AssumeRootCommand, STSClient } from "@aws-sdk/client-sts";
import { EXAMPLE_IDS, clientConfig, startLocalAws, withRootAccessKeys, type LocalAws } from "./index";

const MEMBER = EXAMPLE_IDS.inactiveRootKey;
const AUDIT = "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials";
const DELETE = "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials";

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(() => aws.close());
beforeEach(() => {
  aws.reset();
  withRootAccessKeys(aws.world, aws.world.accounts[MEMBER]!, [{ active: true, createdDaysAgo: 30 }, { active: false, createdDaysAgo: 60 }]);
});

const cfg = () => clientConfig(aws.url, { maxAttempts: 1 });
async function rootSession(task: string, target = MEMBER, sts = new STSClient(cfg())) {
  const out = await sts.send(new AssumeRootCommand({ TargetPrincipal: target, TaskPolicyArn: { arn: task }, DurationSeconds: 60 }));
  const c = out.Credentials!;
  return new IAMClient({ ...cfg(), credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
}
const errorOf = (p: Promise<unknown>) => p.then(() => "no error", (e: { name: string; message: string }) => `${e.name}: ${e.message}`);
const summary = async (iam: IAMClient) => (await iam.send(new GetAccountSummaryCommand({}))).SummaryMap?.["AccountAccessKeysPresent"];

describe("AssumeRoot", () => {
  it.each<[string, () => void, string, number, RegExp]>([
    ["the management account as target", () => undefined, EXAMPLE_IDS.management, 60, /^AccessDenied: .*the management account cannot be a target/],
    ["an account outside the organization", () => undefined, "999999999999", 60, /^AccessDenied: .*not a member account/],
    ["root sessions not enabled", () => void (aws.world.organizationFeatures = ["RootCredentialsManagement"]), MEMBER, 60, /^AccessDenied: .*root sessions are not enabled/],
    ["a session longer than 900 s", () => undefined, MEMBER, 901, /^ValidationError: .*less than or equal to 900/],
  ])("refuses %s", async (_name, setUp, target, duration, message) => {
    setUp();
    expect(await errorOf(new STSClient(cfg()).send(new AssumeRootCommand({ TargetPrincipal: target, TaskPolicyArn: { arn: DELETE }, DurationSeconds: duration })))).toMatch(message);
  });

  it("refuses a caller outside the management account (here: the gate role in a member account)", async () => {
    const out = await new STSClient(cfg()).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${EXAMPLE_IDS.clean}:role/GuardrailsGateReadOnly`, RoleSessionName: "gate" }));
    const c = out.Credentials!;
    const member = new STSClient({ ...cfg(), credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
    expect(await errorOf(rootSession(DELETE, MEMBER, member))).toMatch(/^AccessDenied: .*only the management account or the delegated administrator for IAM/);
  });
});

describe("a root session", () => {
  it("lists the root user's own keys without UserName; the audit session cannot delete or touch a user", async () => {
    const iam = await rootSession(AUDIT);
    const keys = await iam.send(new ListAccessKeysCommand({}));
    expect(keys.AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status])).toEqual([[`AKIA${MEMBER}RTK1`, "Active"], [`AKIA${MEMBER}RTK2`, "Inactive"]]);
    expect(await summary(iam)).toBe(2);
    expect(await errorOf(iam.send(new DeleteAccessKeyCommand({ AccessKeyId: `AKIA${MEMBER}RTK1` })))).toMatch(/^AccessDenied: .*iam:DeleteAccessKey .*explicit deny in a session policy/);
    expect(await errorOf(iam.send(new ListAccessKeysCommand({ UserName: "deployer" })))).toMatch(/^AccessDenied: .*user\/deployer/);
    expect(aws.world.accounts[MEMBER]!.rootKeys).toHaveLength(2);
  });

  it("the delete session deletes a key: the summary counts it at once, the stored report keeps it until a new one is generated", async () => {
    const report = aws.world.accounts[MEMBER]!.credentialReport;
    report.pollsToComplete = 0;
    const iam = await rootSession(DELETE);
    const csv = async (client: IAMClient) => new TextDecoder().decode((await client.send(new GetCredentialReportCommand({}))).Content);
    const gate = await (async () => {
      const out = await new STSClient(cfg()).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/GuardrailsGateReadOnly`, RoleSessionName: "gate" }));
      const c = out.Credentials!;
      return new IAMClient({ ...cfg(), credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
    })();
    const before = await csv(gate);
    await iam.send(new DeleteAccessKeyCommand({ AccessKeyId: `AKIA${MEMBER}RTK1` }));
    expect(await errorOf(iam.send(new DeleteAccessKeyCommand({ AccessKeyId: `AKIA${MEMBER}RTK1` })))).toMatch(/^NoSuchEntity/);
    expect((await iam.send(new ListAccessKeysCommand({}))).AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([`AKIA${MEMBER}RTK2`]);
    expect(await summary(gate)).toBe(1);
    // The report is an hour old: IAM answers COMPLETE without generating, and serves the same report.
    expect((await gate.send(new GenerateCredentialReportCommand({}))).State).toBe("COMPLETE");
    expect(await csv(gate)).toBe(before);
    // Five hours later a new report is generated: it shows the one key left.
    report.generatedTime = new Date(Date.now() - 5 * 3600_000).toISOString();
    await gate.send(new GenerateCredentialReportCommand({}));
    const root = (await csv(gate)).split("\n").find((l) => l.startsWith("<root_account>"))!.split(",");
    expect([root[8], root[13]]).toEqual(["false", "false"]);
    expect(root[9]).not.toBe("N/A");
  });

  it("GetAccountSummary can lag behind a deletion for a modelled number of reads (IAM's eventual consistency)", async () => {
    aws.world.accounts[MEMBER]!.summaryLagReads = 2;
    const iam = await rootSession(DELETE);
    await iam.send(new DeleteAccessKeyCommand({ AccessKeyId: `AKIA${MEMBER}RTK2` }));
    const audit = await rootSession(AUDIT);
    expect([await summary(audit), await summary(audit), await summary(audit)]).toEqual([2, 2, 1]);
  });
});
