/**
 * `guardrails preflight` against the local endpoint: each check id in each of its statuses on the wire,
 * faults (access denied, throttled, timeout) as unknown / exit 3, missing over unknown, usage errors
 * that send nothing, text / JSON / Markdown, and that every request preflight ever sends is a read.
 * Runs are in process (in-process.ts) with --endpoint-url naming each scenario's own endpoint; the
 * JSON contract and three usage errors run the built binary as a child process with AWS_ENDPOINT_URL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CHECK_IDS, type CheckId, type CheckStatus, type PreflightReport } from "../../gates/preflight/types";
import { endpointEnv, startLocalAws, type FaultRule, type RecordedRequest, type World } from "../endpoint";
import { buildCli, spawnCli, type CliRun } from "../e2e/build-cli";
import { runInProcess, setAwsEnv } from "../e2e/in-process";
import { configWith, DEPLOY_ROLE, IDS, OUS, readyConfig, readyWorld, REGIONS, writeConfig } from "./helpers";

const UNMASKED_KEY = /(AKIA|ASIA)[A-Z0-9]{16}/;
const FAST = ["--call-timeout", "2s", "--timeout", "10s"];

let bin: string;
let work: string;
let restoreEnv: () => void;
const sent: RecordedRequest[] = [];
const printed: string[] = [];

interface Scenario {
  world?: World;
  /** The config written as ./guardrails.config.json of the run's directory; null writes none. */
  config?: unknown;
  /** Arguments after "preflight"; default: --config guardrails.config.json --output json plus FAST. */
  args?: string[];
  faults?: FaultRule[];
  /** Run the built binary as a child process (AWS_ENDPOINT_URL) instead of in process (--endpoint-url). */
  child?: boolean;
}

async function preflight(s: Scenario = {}): Promise<CliRun & { requests: RecordedRequest[] }> {
  const aws = await startLocalAws({ world: s.world ?? readyWorld(), faults: s.faults ?? [] });
  const cwd = mkdtempSync(join(work, "run-"));
  try {
    if (s.config !== null) writeConfig(cwd, s.config ?? readyConfig());
    const args = ["preflight", ...(s.args ?? ["--config", "guardrails.config.json", "--output", "json", ...FAST])];
    const run = s.child === true ? await spawnCli(bin, args, { cwd, env: endpointEnv(aws.url) }).done : await runInProcess([...args, "--endpoint-url", aws.url], { cwd });
    sent.push(...aws.requests);
    printed.push(run.stdout, run.stderr);
    return { ...run, requests: [...aws.requests] };
  } finally {
    await aws.close();
  }
}

function statuses(stdout: string): Record<CheckId, CheckStatus> {
  const report = JSON.parse(stdout) as PreflightReport;
  expect(report.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
  return Object.fromEntries(report.checks.map((c) => [c.id, c.status])) as Record<CheckId, CheckStatus>;
}
const check = (stdout: string, id: CheckId) => (JSON.parse(stdout) as PreflightReport).checks.find((c) => c.id === id)!;
const allOk = Object.fromEntries(CHECK_IDS.map((id) => [id, "ok"])) as Record<CheckId, CheckStatus>;

beforeAll(() => {
  bin = buildCli();
  work = mkdtempSync(join(tmpdir(), "guardrails-preflight-cli-"));
  // Every scenario has its own endpoint, named by --endpoint-url; a client that ignored it would meet a closed port.
  restoreEnv = setAwsEnv(endpointEnv("http://127.0.0.1:1"), work);
});
afterAll(() => {
  restoreEnv();
  for (const text of printed) expect(text).not.toMatch(UNMASKED_KEY);
  rmSync(work, { recursive: true, force: true });
  rmSync(dirname(dirname(dirname(bin))), { recursive: true, force: true });
});

describe("a ready organization", () => {
  test("exit 0 in every format; JSON contract (the built binary); ./guardrails.config.json is found without --config; progress on stderr", async () => {
    const [json, text, markdown] = await Promise.all([
      preflight({ child: true }),
      preflight({ args: ["--output", "text", ...FAST] }),
      preflight({ args: ["--config", "guardrails.config.json", "--output", "markdown", ...FAST] }),
    ]);
    expect([json.code, text.code, markdown.code]).toEqual([0, 0, 0]);
    const report = JSON.parse(json.stdout) as PreflightReport;
    expect(report).toMatchObject({ schemaVersion: 1, ready: true });
    expect(statuses(json.stdout)).toEqual(allOk);
    for (const c of report.checks) expect(c).toEqual({ id: c.id, status: "ok", detail: expect.any(String), fix: "" });
    expect(text.stdout).toMatch(/^guardrails preflight: READY \(exit 0\): 10 ok, 0 missing, 0 conflict, 0 unknown\n/);
    expect(markdown.stdout).toMatch(/^## ✅ guardrails preflight: READY/);
    expect(markdown.stdout).toContain("| config-recorders | ✅ ok |");
    // 5 accounts: management, security tooling and the three in Workloads (Sandbox nested).
    expect(json.stderr).toContain("config-recorders: 5/5 account(s) read");
    // Per-account reads in every governed Region, through the assumed role; the management account with its own credentials.
    const recorderReads = json.requests.filter((r) => r.action === "DescribeConfigurationRecorders");
    expect(new Set(recorderReads.map((r) => `${r.accountId}/${r.region}`))).toEqual(new Set([IDS.management, IDS.tooling, IDS.payments, IDS.legacy, IDS.sandbox].flatMap((a) => REGIONS.map((r) => `${a}/${r}`))));
    // One GetRole per account that gets a recorder from the stacks (IAM is global), in the same session: none for the security-tooling account.
    expect(json.requests.filter((r) => r.action === "GetRole").map((r) => r.accountId).sort()).toEqual([IDS.management, IDS.payments, IDS.legacy, IDS.sandbox].sort());
    expect(check(json.stdout, "config-service-linked-role").detail).toMatch(/^4 account\(s\) get a recorder .*none has it yet, and the stacks create it/);
    expect(check(json.stdout, "securityhub-admin-state").detail).toContain("consolidated control findings on (ControlFindingGenerator SECURITY_CONTROL)");
  });
});

/** Missing prerequisites: all-features, SCP policy type, trusted access, OUs, an SCP target, the trail, a recorder, Config's service-linked role. */
function missingRun() {
  const world = readyWorld();
  world.featureSet = "CONSOLIDATED_BILLING";
  world.rootPolicyTypes = [];
  world.trustedServices = ["config.amazonaws.com"];
  world.trails = [];
  world.accounts[IDS.tooling]!.configRecorders = {};
  // Security Hub not enabled in the security-tooling account yet is fine: designation enables it.
  world.accounts[IDS.tooling]!.securityHubRegions = [];
  // The stacks are told the role exists; only the management account has it.
  world.accounts[IDS.management]!.serviceLinkedRoles = ["config.amazonaws.com"];
  return preflight({ world, config: configWith({ organization: { productionOuId: "ou-ex01-gone0001" }, scp: { targetIds: ["ou-ex01-gone0002"] }, awsConfig: { createServiceLinkedRole: false } }) });
}

/** Conflicts: another organization id, another delegated admin, a full SCP target, Security Hub state, a second recorder, an existing service-linked role. */
function conflictRun() {
  const world = readyWorld();
  world.delegatedAdministrators = { "config.amazonaws.com": [IDS.payments] };
  for (let i = 0; i < 8; i++) world.policies[`p-other${i}`] = { id: `p-other${i}`, name: `team-scp-${i}`, type: "SERVICE_CONTROL_POLICY", awsManaged: false, targets: [OUS.workloads] };
  world.securityHubAdmins = { "us-east-1": IDS.tooling };
  const tooling = world.accounts[IDS.tooling]!;
  tooling.securityHubOrganization = { configurationType: "CENTRAL", status: "ENABLED", autoEnable: false, autoEnableStandards: "NONE" };
  tooling.findingAggregators = ["arn:aws:securityhub:us-east-1:222222222222:finding-aggregator/abcd1234-abcd-1234-1234-abcdef123456"];
  tooling.configurationPolicies = [{ id: "00000000-1111-2222-3333-444444444444", name: "security-baseline" }];
  world.accounts[IDS.payments]!.configRecorders = { "eu-west-1": [{ name: "default", recording: true }] };
  world.accounts[IDS.payments]!.serviceLinkedRoles = ["config.amazonaws.com"];
  return preflight({ world, config: configWith({ organization: { id: "o-otherorg123" } }) });
}

describe("each check's missing and conflict status on the wire", () => {
  // Both organizations run at once, each against its own endpoint.
  let missing: ReturnType<typeof preflight>;
  let conflict: ReturnType<typeof preflight>;
  beforeAll(() => {
    missing = missingRun();
    conflict = conflictRun();
  });

  test("missing: all-features, SCP type, trusted access, OUs, SCP target, trail, recorders, service-linked role → exit 1", async () => {
    const r = await missing;
    expect(r.code).toBe(1);
    expect(statuses(r.stdout)).toEqual({
      ...allOk,
      "org-all-features": "missing",
      "scp-policy-type": "missing",
      "trusted-access": "missing",
      "ous-exist": "missing",
      "scp-slots": "missing",
      cloudtrail: "missing",
      "config-recorders": "missing",
      "config-service-linked-role": "missing",
    });
    expect(check(r.stdout, "trusted-access").fix).toContain("aws cloudformation activate-organizations-access");
    expect(check(r.stdout, "ous-exist").detail).toContain("organization.productionOuId ou-ex01-gone0001");
    expect(check(r.stdout, "securityhub-admin-state").detail).toMatch(/not enabled in the security-tooling account 222222222222 in us-east-1 yet/);
    expect(check(r.stdout, "config-recorders").findings).toEqual(REGIONS.map((region) => ({ accountId: IDS.tooling, region, status: "missing", reason: expect.stringContaining("no recorder") })));
    const slr = check(r.stdout, "config-service-linked-role");
    expect(slr.detail).toMatch(/3 of 4 account\(s\) that get a recorder from these stacks have no AWSServiceRoleForConfig/);
    expect(slr.fix).toBe(`create it there: aws iam create-service-linked-role --aws-service-name config.amazonaws.com   # with credentials in each of these accounts: ${IDS.payments}, ${IDS.legacy}, ${IDS.sandbox}`);
    expect(slr.findings?.map((f) => [f.accountId, f.status])).toEqual([IDS.payments, IDS.legacy, IDS.sandbox].map((a) => [a, "missing"]));
  });

  test("conflict: another organization id, another delegated admin, SCP quota, Security Hub state, a second recorder, an existing service-linked role → exit 1", async () => {
    const r = await conflict;
    expect(r.code).toBe(1);
    expect(statuses(r.stdout)).toEqual({
      ...allOk,
      "org-all-features": "conflict",
      "delegated-admin": "conflict",
      "scp-slots": "conflict",
      "securityhub-admin-state": "conflict",
      "config-recorders": "conflict",
      "config-service-linked-role": "conflict",
    });
    expect(check(r.stdout, "scp-slots").detail).toContain("9 other SCP(s)");
    expect(check(r.stdout, "securityhub-admin-state").fix).toContain("import \"aws_securityhub_finding_aggregator.");
    expect(check(r.stdout, "config-recorders").findings).toEqual([{ accountId: IDS.payments, region: "eu-west-1", status: "conflict", reason: "already has recorder default where the stacks create one" }]);
    const slr = check(r.stdout, "config-service-linked-role");
    expect(slr.findings).toEqual([{ accountId: IDS.payments, status: "conflict", reason: expect.stringContaining("already exists") }]);
    expect(slr.fix).toContain(`set "awsConfig": {"createServiceLinkedRole": false} in guardrails.config.json (the recorders then use the existing role), and create it where it is absent: aws iam create-service-linked-role --aws-service-name config.amazonaws.com   # with credentials in each of these accounts: ${IDS.management}, ${IDS.legacy}, ${IDS.sandbox}`);
  });
});

describe("faults: unknown and exit 3, never ready", () => {
  // Only the hanging call needs a short call timeout; a longer one elsewhere keeps a loaded machine's slow answers from reading as faults.
  const table: [string, FaultRule[], CheckId[], string][] = [
    ["access denied everywhere", [{ service: "organizations", fault: "accessDenied" }, { service: "cloudtrail", fault: "accessDenied" }, { service: "sts", fault: "accessDenied" }, { service: "securityhub", fault: "accessDenied" }], [...CHECK_IDS], "2s"],
    ["throttled beyond retries", [{ service: "organizations", fault: "throttle" }, { service: "cloudtrail", fault: "throttle" }, { service: "sts", fault: "throttle" }, { service: "securityhub", fault: "throttle" }], [...CHECK_IDS], "2s"],
    ["a CloudTrail call that never answers", [{ service: "cloudtrail", action: "GetEventSelectors", fault: "hang" }], ["cloudtrail"], "700ms"],
    ["the deployment role cannot be assumed", [{ service: "sts", action: "AssumeRole", fault: "accessDenied" }], ["securityhub-admin-state", "config-recorders", "config-service-linked-role"], "2s"],
    ["one account's Config is throttled, another's GetRole denied", [{ service: "config", accountId: IDS.sandbox, fault: "throttle" }, { service: "iam", action: "GetRole", accountId: IDS.legacy, fault: "accessDenied" }], ["config-recorders", "config-service-linked-role"], "2s"],
  ];
  // The scenarios run at once (each against its own endpoint): retries and timeouts take seconds each.
  test(table.map(([name]) => name).join("; "), async () => {
    const runs = await Promise.all(table.map(([, faults, , callTimeout]) => preflight({ faults, args: ["--config", "guardrails.config.json", "--output", "json", "--call-timeout", callTimeout, "--timeout", "10s"] })));
    table.forEach(([name, , unknown], i) => {
      const r = runs[i]!;
      expect({ name, code: r.code }).toEqual({ name, code: 3 });
      expect({ name, statuses: statuses(r.stdout) }).toEqual({ name, statuses: { ...allOk, ...Object.fromEntries(unknown.map((id) => [id, "unknown"])) } });
      expect((JSON.parse(r.stdout) as PreflightReport).ready).toBe(false);
      for (const id of unknown) expect({ name, id, fix: check(r.stdout, id).fix === "" }).toEqual({ name, id, fix: false });
    });
    // What the reasons say: the wire error, the timeout, the role.
    expect(check(runs[0]!.stdout, "trusted-access").detail).toMatch(/access denied: AccessDeniedException/);
    expect(check(runs[1]!.stdout, "org-all-features").detail).toMatch(/throttled: TooManyRequestsException .* after 4 attempts/);
    expect(check(runs[2]!.stdout, "cloudtrail").detail).toMatch(/no answer within the call timeout of 700 ms/);
    expect(check(runs[3]!.stdout, "securityhub-admin-state").detail).toContain(`role/${DEPLOY_ROLE}`);
    expect(check(runs[4]!.stdout, "config-service-linked-role").detail).toMatch(new RegExp(`^1 account\\(s\\) could not be read: ${IDS.legacy} \\(.*access denied: AccessDenied`));
    expect(check(runs[4]!.stdout, "config-recorders").findings?.every((f) => f.accountId === IDS.sandbox)).toBe(true);
  });

  test("missing outranks unknown: exit 1; a hub without consolidated control findings is missing", async () => {
    const world = readyWorld();
    world.trails = [];
    // A hub enabled before 2023-02-23 that never turned consolidated control findings on.
    world.accounts[IDS.tooling]!.controlFindingGenerator = "STANDARD_CONTROL";
    const r = await preflight({ world, faults: [{ service: "securityhub", action: "ListOrganizationAdminAccounts", fault: "accessDenied" }] });
    expect(r.code).toBe(1);
    expect(statuses(r.stdout)).toEqual({ ...allOk, cloudtrail: "missing", "delegated-admin": "unknown", "securityhub-admin-state": "missing" });
    const hub = check(r.stdout, "securityhub-admin-state");
    expect(hub.detail).toContain("consolidated control findings are off (ControlFindingGenerator STANDARD_CONTROL");
    expect(hub.fix).toBe(`aws securityhub update-security-hub-configuration --control-finding-generator SECURITY_CONTROL --region us-east-1   # in account ${IDS.tooling} (role ${DEPLOY_ROLE})`);
  });
});

describe("roles", () => {
  test("--role-name replaces the deployment role in the security-tooling and member accounts", async () => {
    const world = readyWorld();
    for (const a of Object.values(world.accounts)) a.roles = a.roles.filter((r) => r !== DEPLOY_ROLE).concat("PlatformReader");
    const [byDefault, byFlag] = await Promise.all([
      preflight({ world: structuredClone(world) }),
      preflight({ world: structuredClone(world), args: ["--config", "guardrails.config.json", "--output", "json", "--role-name", "PlatformReader", ...FAST] }),
    ]);
    expect(byDefault.code).toBe(3);
    expect(statuses(byDefault.stdout)).toMatchObject({ "securityhub-admin-state": "unknown", "config-recorders": "unknown", "config-service-linked-role": "unknown" });
    expect(byFlag.code).toBe(0);
  });
});

describe("usage errors: exit 2, nothing sent", () => {
  // The built binary for the three the brief names; every other usage error is covered in-process (cli-usage.test.ts).
  const table: [string, Scenario, RegExp][] = [
    ["no --config and no ./guardrails.config.json", { child: true, config: null, args: ["--output", "json"] }, /no config: pass --config <file> or create \.\/guardrails\.config\.json \(preflight never checks the embedded example organization\)/],
    ["invalid config: every error at once", { child: true, config: { ...readyConfig(), governedRegions: ["us-east-1", "us-east-9"], colour: "blue", alerting: undefined } }, /guardrails\.config\.json: invalid configuration \(3 errors\):\n {2}governedRegions\[1\]: "us-east-9" is not an AWS region\n {2}alerting: is required\n {2}colour: unknown field/],
    ["an unknown option", { child: true, args: ["--config", "guardrails.config.json", "--bogus"] }, /unknown option '--bogus'/],
  ];
  test(table.map(([name]) => name).join("; "), async () => {
    const runs = await Promise.all(table.map(([, scenario]) => preflight(scenario)));
    table.forEach(([name, , message], i) => {
      const r = runs[i]!;
      expect({ name, code: r.code, stdout: r.stdout, requests: r.requests }).toEqual({ name, code: 2, stdout: "", requests: [] });
      expect(r.stderr).toMatch(message);
    });
  });

  test("--help lists the options, exit codes and check ids", async () => {
    const r = await preflight({ args: ["--help"] });
    expect(r.code).toBe(0);
    for (const text of ["--config <file>", "--output <format>", "--role-name", "--endpoint-url", "--concurrency", "--timeout", "--call-timeout", "3  a check could not be completed", ...CHECK_IDS]) expect(r.stdout).toContain(text);
    expect(r.requests).toEqual([]);
  });
});

test("every request preflight sent in this file was a read (Describe / List / Get, or sts:AssumeRole)", () => {
  expect(sent.length).toBeGreaterThan(100);
  const writes = sent.filter((r) => !/^(Describe|List|Get)/.test(r.action) && !(r.service === "sts" && r.action === "AssumeRole"));
  expect(writes).toEqual([]);
  const apis = [...new Set(sent.map((r) => `${r.service}:${r.action}`))].sort();
  expect(apis).toEqual([
    "cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors", "cloudtrail:GetTrailStatus",
    "config:DescribeConfigurationRecorderStatus", "config:DescribeConfigurationRecorders",
    "iam:GetRole",
    "organizations:DescribeOrganization", "organizations:DescribeOrganizationalUnit", "organizations:ListAWSServiceAccessForOrganization",
    "organizations:ListAccounts", "organizations:ListAccountsForParent", "organizations:ListDelegatedAdministrators",
    "organizations:ListOrganizationalUnitsForParent", "organizations:ListPoliciesForTarget", "organizations:ListRoots",
    "securityhub:DescribeHub", "securityhub:DescribeOrganizationConfiguration", "securityhub:ListConfigurationPolicies",
    "securityhub:ListFindingAggregators", "securityhub:ListOrganizationAdminAccounts",
    "sts:AssumeRole", "sts:GetCallerIdentity",
  ]);
});
