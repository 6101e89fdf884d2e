/**
 * `guardrails remediate` through the CLI against the local endpoint (real SDK v3 clients, real wire protocols):
 * dry run (reads only), apply (both keys gone, one bundle verify accepts), a deletion failing part-way,
 * preconditions not met, the management account, AssumeRoot denied, throttling, the re-check after deletion
 * (the report's 4 h lag, IAM's summary lag), usage errors that send nothing. Most runs are in-process
 * (runCli); the last block runs the built binary as a child process.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runCli } from "../../gates/cli/program";
import type { CliIo } from "../../gates/cli/io";
import { runRemediation } from "../../gates/remediate/run";
import type { RemediationReport } from "../../gates/remediate/types";
import { EXAMPLE_IDS, endpointEnv, withRootAccessKeys, type FaultRule, type LocalAws, type RecordedRequest } from "../endpoint";
import { buildCli, spawnCli } from "../e2e/build-cli";
import { gateTestConfig, writeConfig } from "../gate-io/config-fixture";
import { startEndpoint } from "../gate-io/harness";

const TARGET = EXAMPLE_IDS.inactiveRootKey;
const HOME = "eu-west-1";
const UNMASKED_KEY = /(AKIA|ASIA)[A-Z0-9]{16}/;
const READ_ACTION = /^(Describe|List|Get)/;

let aws: LocalAws;
let work: string;
const printed: string[] = [];

beforeAll(async () => {
  aws = await startEndpoint();
  work = mkdtempSync(join(tmpdir(), "guardrails-remediate-"));
});
afterAll(async () => {
  await aws.close();
  const bundles = readdirSync(work, { recursive: true, encoding: "utf8" }).filter((f) => /\.(json|md)$/.test(f));
  for (const text of [...printed, ...bundles.map((f) => readFileSync(join(work, f), "utf8"))]) expect(text).not.toMatch(UNMASKED_KEY);
  rmSync(work, { recursive: true, force: true });
});

/** Two root keys in the target: one active and used 3 days ago, one inactive and never used. */
beforeEach(() => {
  aws.reset();
  withRootAccessKeys(aws.world, aws.world.accounts[TARGET]!, [
    { active: true, createdDaysAgo: 300, lastUsedDaysAgo: 3 },
    { active: false, createdDaysAgo: 200, lastUsedDaysAgo: null },
  ]);
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  report: RemediationReport;
  requests: RecordedRequest[];
}

async function remediate(args: string[], opts: { faults?: FaultRule[]; env?: NodeJS.ProcessEnv; account?: string; common?: boolean } = {}): Promise<Run> {
  aws.faults.push(...(opts.faults ?? []));
  aws.requests.length = 0;
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), stderrIsTTY: false, env: opts.env ?? process.env, cwd: work };
  const common = opts.common === false ? [] : ["--home-region", HOME, "--endpoint-url", aws.url, "--call-timeout", "2s", "--timeout", "5s"];
  const code = await runCli(["remediate", opts.account ?? TARGET, ...common, ...args], io);
  printed.push(stdout, stderr);
  let report = {} as RemediationReport;
  if (args.includes("json") && stdout !== "") report = JSON.parse(stdout) as RemediationReport;
  return { code, stdout, stderr, report, requests: [...aws.requests] };
}

async function verify(path: string): Promise<number> {
  return runCli(["verify", path], { stdout: () => undefined, stderr: (t) => printed.push(t), stderrIsTTY: false, env: {}, cwd: work });
}

const actions = (r: Run): string[] => r.requests.map((q) => `${q.service}:${q.action}`);
const target = () => aws.world.accounts[TARGET]!;

describe("dry run (the default)", () => {
  it("reports each key masked with status, created and last used; sends only reads; a read-only root session on the home region's regional STS endpoint; exit 1", async () => {
    const audit: FaultRule = { service: "sts", action: "AssumeRoot", bodyIncludes: "IAMAuditRootUserCredentials" };
    const r = await remediate(["--output", "json", "--evidence-dir", "dry"], { faults: [audit] });
    expect(r.code).toBe(1);
    expect(r.report).toMatchObject({ schemaVersion: 1, accountId: TARGET, mode: "dry-run", result: "keys-found", exitCode: 1, deletions: [], after: null });
    expect(r.report.before.rootAccessKeys).toEqual([
      { accessKeyId: "****************RTK1", status: "Active", createDate: expect.any(String), lastUsed: { date: expect.any(String), service: "s3", region: "us-east-1" } },
      { accessKeyId: "****************RTK2", status: "Inactive", createDate: expect.any(String), lastUsed: { date: null, service: null, region: null } },
    ]);
    expect(r.report.before.accountAccessKeysPresent).toBe(2);
    expect(r.report.reasons[1]).toBe(`Delete them with: guardrails remediate ${TARGET} --apply (root access keys only; the password, MFA devices and signing certificates stay).`);
    expect(r.report.preconditions.map((p) => p.status)).toEqual(["ok", "ok", "ok", "ok", "ok", "ok"]);
    // Only reads (and the two session requests) reached the endpoint; nothing was deleted or generated.
    for (const a of actions(r)) expect(READ_ACTION.test(a.split(":")[1]!) || a === "sts:AssumeRole" || a === "sts:AssumeRoot").toBe(true);
    expect(target().rootKeys).toHaveLength(2);
    expect(audit.seen).toBe(1);
    expect(r.requests.find((q) => q.action === "AssumeRoot")).toMatchObject({ region: HOME, status: 200 });
    expect(r.report.session).toMatchObject({ taskPolicyArn: "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials", region: HOME, durationSeconds: 5, error: null });
    expect(r.report.evidence).toEqual({ path: expect.stringContaining("dry-run.json"), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await verify(r.report.evidence!.path)).toBe(0);
  });

  it("text and markdown say what would be deleted; an account without root keys exits 0", async () => {
    const text = await remediate([]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^REMEDIATE 444444444444 \(dry-run\): root access keys found \(dry run: nothing changed\) \(exit 1\)\n/);
    expect(text.stdout).toContain("****************RTK1 (Active, created ");
    const markdown = await remediate(["--output", "markdown"]);
    expect(markdown.stdout).toMatch(/^## ❌ guardrails remediate 444444444444 \(dry-run\)/);
    expect(markdown.stdout).toContain("\\*\\*\\*\\*\\*\\*\\*\\*\\*\\*\\*\\*\\*\\*\\*\\*RTK2 (Inactive");
    const clean = await remediate(["--output", "json"], { account: EXAMPLE_IDS.clean });
    expect([clean.code, clean.report.result, clean.report.before.rootAccessKeys]).toEqual([0, "no-root-key", []]);
  });
});

describe("--apply", () => {
  it("deletes both keys (access keys only, each with its time), proves it live, writes one bundle verify accepts; the stale report only adds the 4 h note", async () => {
    const task: FaultRule = { service: "sts", action: "AssumeRoot", bodyIncludes: "IAMDeleteRootUserCredentials" };
    const r = await remediate(["--apply", "--output", "json", "--evidence-dir", "applied"], { faults: [task] });
    expect(r.code).toBe(0);
    expect(r.report).toMatchObject({ mode: "apply", result: "removed", exitCode: 0 });
    expect(r.report.deletions).toEqual([
      { accessKeyId: "****************RTK1", statusBefore: "Active", requestedAt: expect.any(String), completedAt: expect.any(String), result: "deleted", error: null },
      { accessKeyId: "****************RTK2", statusBefore: "Inactive", requestedAt: expect.any(String), completedAt: expect.any(String), result: "deleted", error: null },
    ]);
    expect(r.report.after).toMatchObject({ rootAccessKeys: [], accountAccessKeysPresent: 0, credentialReport: { rootKeySlots: "slot 1 and slot 2" } });
    // The report IAM serves is an hour old: IAM keeps it, so IAM.4 waits; remediate says until when and exits 0.
    const generated = Date.parse(target().credentialReport.generatedTime!);
    expect(r.report.iam4RecheckAfter).toBe(new Date(generated + 4 * 3600_000).toISOString());
    expect(r.report.reasons.join("\n")).toContain("IAM hands back a report younger than 4 h instead of generating a new one");
    // Only the two keys went: the root password and MFA stay; exactly two deletions were sent, in the delete-scoped
    // session, then a request for a new credential report (IAM keeps its hour-old one: COMPLETE at once).
    expect(target().rootKeys).toEqual([]);
    expect([target().rootPasswordEnabled, target().rootMfaActive]).toEqual(["true", true]);
    expect(actions(r).filter((a) => !READ_ACTION.test(a.split(":")[1]!) && a !== "sts:AssumeRole" && a !== "sts:AssumeRoot")).toEqual(["iam:DeleteAccessKey", "iam:DeleteAccessKey", "iam:GenerateCredentialReport"]);
    expect(task.seen).toBe(1);
    expect(r.report.session?.durationSeconds).toBe(15);
    const files = readdirSync(join(work, "applied"));
    expect(files.sort()).toEqual([expect.stringMatching(/^guardrails-remediation-444444444444-.*-apply\.json$/), expect.stringMatching(/-apply\.md$/)]);
    expect(await verify(r.report.evidence!.path)).toBe(0);
    const bundle = JSON.parse(readFileSync(r.report.evidence!.path, "utf8")) as Record<string, unknown>;
    expect(bundle).toMatchObject({ kind: "remediation", accountId: TARGET, mode: "apply", result: "removed", deletions: r.report.deletions, before: r.report.before, after: r.report.after });
    expect((bundle["sources"] as { phase: string; api: string }[]).map((s) => `${s.phase} ${s.api}`)).toEqual(
      expect.arrayContaining(["preconditions iam:ListOrganizationsFeatures", "before sts:AssumeRoot", "before iam:ListAccessKeys", "apply iam:DeleteAccessKey", "after iam:GetAccountSummary", "after iam:GenerateCredentialReport", "after iam:GetCredentialReport"]),
    );
  });

  it("a report older than 4 h is regenerated after the deletion: clean, no note", async () => {
    target().credentialReport.generatedTime = new Date(Date.now() - 5 * 3600_000).toISOString();
    target().credentialReport.pollsToComplete = 0;
    const r = await remediate(["--apply", "--output", "json", "--evidence-dir", "regenerated"]);
    expect([r.code, r.report.iam4RecheckAfter, r.report.after?.credentialReport?.rootKeySlots]).toEqual([0, null, "none"]);
    expect(actions(r)).toContain("iam:GenerateCredentialReport");
  });

  it("a deletion failing part-way (the second of two): exit 1, both recorded, the remaining key named", async () => {
    const r = await remediate(["--apply", "--output", "json", "--evidence-dir", "partial"], { faults: [{ service: "iam", action: "DeleteAccessKey", after: 1, fault: "accessDenied" }] });
    expect(r.code).toBe(1);
    expect(r.report.result).toBe("keys-remain");
    expect(r.report.deletions.map((d) => [d.accessKeyId, d.result])).toEqual([["****************RTK1", "deleted"], ["****************RTK2", "failed"]]);
    expect(r.report.deletions[1]!.error).toMatch(/^AccessDenied: iam:DeleteAccessKey: access denied/);
    expect(r.report.after).toMatchObject({ rootAccessKeys: [{ accessKeyId: "****************RTK2" }], accountAccessKeysPresent: 1 });
    expect(r.report.reasons.join("\n")).toMatch(/The deletion failed for \*{16}RTK2: .*rerun guardrails remediate 444444444444 --apply/);
    const bundle = JSON.parse(readFileSync(r.report.evidence!.path, "utf8")) as RemediationReport;
    expect(bundle.deletions).toEqual(r.report.deletions);
    expect(await verify(r.report.evidence!.path)).toBe(0);
  });

  it("throttling of AssumeRoot, ListAccessKeys and DeleteAccessKey is retried, then succeeds", async () => {
    const faults: FaultRule[] = [
      { service: "sts", action: "AssumeRoot", fault: "throttle", times: 1 },
      { service: "iam", action: "ListAccessKeys", fault: "throttle", times: 1 },
      { service: "iam", action: "DeleteAccessKey", fault: "throttle", times: 1 },
    ];
    const r = await remediate(["--apply", "--output", "json", "--evidence-dir", "throttled"], { faults });
    expect([r.code, r.report.result]).toEqual([0, "removed"]);
    expect(faults.map((f) => f.applied)).toEqual([1, 1, 1]);
    expect(actions(r).filter((a) => a === "iam:DeleteAccessKey")).toHaveLength(3);
  });

  it("AssumeRoot denied: exit 3, names the call and the policy that grants it, nothing deleted", async () => {
    const r = await remediate(["--apply", "--output", "json", "--evidence-dir", "denied"], { faults: [{ service: "sts", action: "AssumeRoot", fault: "accessDenied" }] });
    expect([r.code, r.report.result]).toEqual([3, "not-proven"]);
    expect(r.report.session?.error).toMatch(/sts:AssumeRoot into 444444444444 was denied .*GuardrailsRootRemediation/);
    expect(r.report.reasons.join("\n")).toMatch(/GetAccountSummary counts 2.*root session could not list them/);
    expect(actions(r)).not.toContain("iam:DeleteAccessKey");
    expect(target().rootKeys).toHaveLength(2);
    expect(await verify(r.report.evidence!.path)).toBe(0);
  });
});

describe("preconditions: each that does not hold is named with its fix, and no root session is opened", () => {
  it.each<[string, (w: LocalAws) => void, FaultRule[], string, RegExp, number]>([
    ["root sessions not enabled", (w) => void (w.world.organizationFeatures = ["RootCredentialsManagement"]), [], "root-sessions", /^aws iam enable-organizations-root-sessions$/, 1],
    ["root credentials management not enabled", (w) => void (w.world.organizationFeatures = ["RootSessions"]), [], "root-credentials-management", /^aws iam enable-organizations-root-credentials-management$/, 1],
    ["IAM's trusted access not enabled", () => undefined, [{ service: "iam", action: "ListOrganizationsFeatures", fault: "error", error: { code: "ServiceAccessNotEnabledException", status: 400 } }], "trusted-access", /^aws organizations enable-aws-service-access --service-principal iam\.amazonaws\.com$/, 1],
    ["the caller is not the management account nor IAM's delegated administrator", () => undefined, [{ service: "iam", action: "ListOrganizationsFeatures", fault: "error", error: { code: "AccountNotManagementOrDelegatedAdministratorException", status: 400 } }], "caller", /delegated administrator/, 1],
    // The gate role cannot be assumed in a suspended account either: whether a key remains is unknown (3).
    ["the account is suspended", (w) => void (w.world.accounts[TARGET]!.status = "SUSPENDED"), [], "account-active", /reinstate/, 3],
  ])("%s", async (_name, breakIt, faults, id, fix, exit) => {
    breakIt(aws);
    const r = await remediate(["--apply", "--output", "json", "--evidence-dir", "preconditions"], { faults });
    expect(r.code).toBe(exit);
    expect(r.report.preconditions.find((p) => p.id === id)).toMatchObject({ status: "missing", fix: expect.stringMatching(fix) });
    expect(r.report.session).toBeNull();
    expect(actions(r)).not.toContain("sts:AssumeRoot");
    expect(actions(r)).not.toContain("iam:DeleteAccessKey");
    if (exit === 1) expect(r.report.reasons[0]).toMatch(/GetAccountSummary counts 2.*cannot delete them until every precondition holds/);
  });
});

describe("the management account", () => {
  it("named by the config: usage error (exit 2), nothing sent", async () => {
    const config = writeConfig(work, "org.json", gateTestConfig());
    const r = await remediate(["--config", config, "--apply"], { account: EXAMPLE_IDS.management });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("111111111111 is the management account (managementAccountId in");
    expect(r.requests).toEqual([]);
  });

  it("found through DescribeOrganization: a missing precondition, exit 1 while its key remains, no AssumeRoot", async () => {
    withRootAccessKeys(aws.world, aws.world.accounts[EXAMPLE_IDS.management]!, [{ active: true, createdDaysAgo: 10 }]);
    const r = await remediate(["--apply", "--output", "json", "--evidence-dir", "management"], { account: EXAMPLE_IDS.management });
    expect(r.code).toBe(1);
    expect(r.report.preconditions.find((p) => p.id === "member-account")).toMatchObject({ status: "missing", fix: expect.stringContaining("signed in as its root user") });
    expect(actions(r)).not.toContain("sts:AssumeRoot");
  });
});

describe("the re-check after deletion waits out IAM's eventual consistency (library: short backoff)", () => {
  // Every phase gets timeoutMs: long enough for the checks and deletions on a loaded runner, short for the re-check.
  const options = (timeoutMs: number, backoff = { baseDelayMs: 20, maxDelayMs: 40 }) => ({
    accountId: TARGET, homeRegion: HOME, endpointUrl: aws.url, apply: true, timeoutMs, callTimeoutMs: 1_000,
    retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 }, recheckBackoff: backoff,
  });

  it("GetAccountSummary still counts the deleted keys for two reads: re-checked until both sources agree, exit 0", async () => {
    target().summaryLagReads = 2;
    const { report, evidence } = await runRemediation(options(5_000));
    expect([report.exitCode, report.result, evidence.recheckRounds]).toEqual([0, "removed", 3]);
  });

  it("still counting them when the re-check's deadline passes: sources disagree, exit 3", async () => {
    target().summaryLagReads = 1_000;
    // Reads that take 300 ms: a round started after the last backoff (about 1.4 s into the 1.5 s phase) could not
    // finish, and this reason became "could not be proven" (by chance in 1 run of 5 with fast reads). The re-check
    // now starts a round only with time for it, and the credential report after it has a phase of its own.
    aws.faults.push({ service: "iam", action: "GetAccountSummary", latencyMs: 300 });
    const { report } = await runRemediation(options(1_500, { baseDelayMs: 100, maxDelayMs: 200 }));
    expect([report.exitCode, report.result]).toEqual([3, "not-proven"]);
    expect(report.reasons[0]).toMatch(/the root session lists no root access key but GetAccountSummary counts 2 after \d+ re-checks/);
  });
});

describe("usage errors: exit 2, nothing sent", () => {
  it.each<[string, string[], NodeJS.ProcessEnv | undefined, RegExp]>([
    ["a short account id", ["remediate", "12345", "--home-region", HOME], undefined, /account id "12345" is not a 12-digit AWS account id/],
    ["no home region anywhere", ["remediate", TARGET], {}, /no home region \(AssumeRoot needs a regional STS endpoint\)/],
    ["an unknown region", ["remediate", TARGET, "--home-region", "eu-west-9"], undefined, /"eu-west-9" is not an AWS region/],
    ["a bad --timeout", ["remediate", TARGET, "--home-region", HOME, "--apply", "--timeout", "soon"], undefined, /--timeout "soon" is not a duration/],
    ["an unknown option", ["remediate", TARGET, "--home-region", HOME, "--force"], undefined, /unknown option '--force'/],
    ["an unknown output", ["remediate", TARGET, "--home-region", HOME, "--output", "junit"], undefined, /argument 'junit' is invalid/],
    ["an invalid config", ["remediate", TARGET, "--config", "bad.json"], undefined, /bad\.json: invalid guardrails config/],
  ])("%s", async (_name, argv, env, message) => {
    writeConfig(work, "bad.json", { ...gateTestConfig(), homeRegion: "nowhere-1" });
    aws.requests.length = 0;
    let stderr = "";
    const code = await runCli(argv, { stdout: () => undefined, stderr: (t) => void (stderr += t), stderrIsTTY: false, env: env ?? { ...process.env, AWS_ENDPOINT_URL: aws.url }, cwd: work });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(aws.requests).toEqual([]);
  });
});

describe("through the built CLI (child processes)", () => {
  let bin: string;
  beforeAll(() => {
    bin = buildCli();
  });
  afterAll(() => rmSync(dirname(dirname(dirname(bin))), { recursive: true, force: true }));

  it("dry run, then --apply, then guardrails verify of the bundle", async () => {
    const env = { ...endpointEnv(aws.url), AWS_REGION: HOME };
    const run = async (args: string[]) => {
      const r = await spawnCli(bin, args, { cwd: work, env }).done;
      printed.push(r.stdout, r.stderr);
      return r;
    };
    const dry = await run(["remediate", TARGET, "--output", "json"]);
    expect([dry.code, (JSON.parse(dry.stdout) as RemediationReport).result]).toEqual([1, "keys-found"]);
    expect(target().rootKeys).toHaveLength(2);
    const applied = await run(["remediate", TARGET, "--apply", "--evidence-dir", "spawned"]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^REMEDIATE 444444444444 \(apply\): root access keys deleted; none remains \(exit 0\)/);
    const bundle = /evidence: (\S+\.json) /.exec(applied.stdout)?.[1];
    expect(bundle).toBeDefined();
    const verified = await run(["verify", bundle!]);
    expect([verified.code, verified.stdout]).toEqual([0, `OK ${bundle}: remediation digest and schema verified\n`]);
    expect(target().rootKeys).toEqual([]);
  });
});
