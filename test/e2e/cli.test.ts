/**
 * The `guardrails` CLI against the local endpoint: exit codes, the JSON contract, tagging, verify,
 * usage errors that send nothing, and no unmasked access key id anywhere. Most runs are in process
 * (in-process.ts); the built binary runs as a child process for --version and a check whose bundle
 * records that version (its JSON read from the child's stdout), and in a clean environment without
 * credentials.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { endpointEnv, renderCredentialReport, startLocalAws, type LocalAws } from "../endpoint";
import { gateTestConfig, writeConfig } from "../gate-io/config-fixture";
import { buildCli, spawnCli, type CliRun } from "./build-cli";
import { runInProcess, setAwsEnv } from "./in-process";

const UNMASKED_KEY = /(AKIA|ASIA)[A-Z0-9]{16}/;
const MEMBER = { clean: "333333333333", rootKey: "444444444444", awaiting: "555555555555", tooling: "222222222222" };
const READY = "guardrails:production-ready";

let aws: LocalAws;
let bin: string;
let work: string;
let restoreEnv: () => void;
const outputs: string[] = [];

type Run = CliRun;

/** In process (runCli), with the endpoint's environment. */
async function run(args: string[]): Promise<Run> {
  const result = await runInProcess(args, { cwd: work });
  outputs.push(result.stdout, result.stderr);
  return result;
}

/** The built binary as a child process, with only the endpoint's environment. */
async function spawnRun(args: string[]): Promise<Run> {
  const result = await spawnCli(bin, args, { cwd: work, env: endpointEnv(aws.url) }).done;
  outputs.push(result.stdout, result.stderr);
  return result;
}

const common = ["--security-hub-account", MEMBER.tooling, "--home-region", "us-east-1", "--call-timeout", "3s", "--timeout", "10s"];

beforeAll(async () => {
  bin = buildCli();
  aws = await startLocalAws();
  work = mkdtempSync(join(tmpdir(), "guardrails-e2e-"));
  restoreEnv = setAwsEnv(endpointEnv(aws.url), work);
});
afterAll(async () => {
  restoreEnv();
  await aws.close();
  // Nothing the gate printed or wrote may carry a full access key id.
  const evidence = readdirSync(join(work, "evidence")).map((f) => readFileSync(join(work, "evidence", f), "utf8"));
  for (const text of [...outputs, ...evidence]) expect(text).not.toMatch(UNMASKED_KEY);
  rmSync(work, { recursive: true, force: true });
  rmSync(dirname(dirname(dirname(bin))), { recursive: true, force: true });
});

describe("check", () => {
  it("PASS exits 0 with the JSON contract", async () => {
    const r = await run(["check", MEMBER.clean, ...common, "--output", "json", "--evidence-dir", "evidence"]);
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(v).toMatchObject({ schemaVersion: 1, accountId: MEMBER.clean, verdict: "PASS", productionReady: true, marked: null });
    expect(v["checkedAt"]).toEqual(expect.any(String));
    expect(v["controls"]).toEqual(expect.arrayContaining([expect.objectContaining({ id: "IAM.4", verdict: "PASS", required: true, reasons: expect.any(Array), sources: expect.any(Array) })]));
    expect(v["evidence"]).toEqual({ path: expect.stringContaining("evidence"), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it("FAIL exits 1, INCONCLUSIVE exits 3", async () => {
    const [fail, r] = await Promise.all([run(["check", MEMBER.rootKey, ...common, "--output", "json"]), run(["check", MEMBER.awaiting, ...common, "--output", "json"])]);
    expect(fail.code).toBe(1);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: "INCONCLUSIVE", productionReady: false });
  });

  it("a fault on a source exits 3, never 0", async () => {
    aws.faults.push({ service: "securityhub", action: "GetFindings", fault: "http5xx" });
    const r = await run(["check", MEMBER.clean, ...common]);
    aws.faults.length = 0;
    expect(r.code).toBe(3);
  });
});

describe("promote", () => {
  it("tags only on PASS and removes a stale ready tag on FAIL", async () => {
    const pass = await run(["promote", MEMBER.clean, ...common, "--output", "json"]);
    expect(pass.code).toBe(0);
    expect(JSON.parse(pass.stdout)).toMatchObject({ marked: { tag: READY, value: "true", changed: true } });
    expect(aws.world.accounts[MEMBER.clean]!.tags[READY]).toBe("true");

    aws.world.accounts[MEMBER.rootKey]!.tags[READY] = "true";
    const fail = await run(["promote", MEMBER.rootKey, ...common, "--output", "json"]);
    expect(fail.code).toBe(1);
    expect(aws.world.accounts[MEMBER.rootKey]!.tags[READY]).toBeUndefined();
  });

  it("PASS whose tagging fails exits 3", async () => {
    aws.faults.push({ service: "organizations", action: "TagResource", fault: "accessDenied" });
    const r = await run(["promote", MEMBER.clean, ...common, "--output", "json"]);
    aws.faults.length = 0;
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: "PASS", marked: { changed: false } });
  });
});

describe("output", () => {
  it("--version prints the version every evidence bundle records (the built binary)", async () => {
    const [version, check] = await Promise.all([spawnRun(["--version"]), spawnRun(["check", MEMBER.clean, ...common, "--output", "json", "--evidence-dir", "evidence"])]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe("0.0.0-e2e"); // build-cli.ts's package.json
    const bundle = JSON.parse(readFileSync((JSON.parse(check.stdout) as { evidence: { path: string } }).evidence.path, "utf8")) as { gate: { version: string } };
    expect(bundle.gate.version).toBe(version.stdout.trim());
  });

  it("Markdown keeps <root_account> and other markup-like text visible (escaped), in the output and the bundle's .md", async () => {
    // A credential report without its root row: the reason names the <root_account> row.
    const account = aws.world.accounts[MEMBER.clean]!;
    account.credentialReport.content = renderCredentialReport(account, "aws").split("\n").filter((l) => !l.startsWith("<root_account>")).join("\n");
    const r = await run(["check", MEMBER.clean, ...common, "--output", "markdown", "--evidence-dir", "evidence-md"]);
    delete account.credentialReport.content;
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("the &lt;root\\_account&gt; row is missing");
    expect(r.stdout).not.toContain("<root_account>");
    const md = readdirSync(join(work, "evidence-md")).find((f) => f.endsWith(".md")) as string;
    const bundleMd = readFileSync(join(work, "evidence-md", md), "utf8");
    expect(bundleMd).toContain("&lt;root\\_account&gt;");
    expect(bundleMd).not.toContain("<root_account>");
  });

  it("promote on FAIL says in words what became of the ready tag (never `tag x=: not changed`)", async () => {
    const r = await run(["promote", MEMBER.rootKey, ...common]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("promotion: not tagged; ready tag guardrails:production-ready absent");
    expect(r.stdout).not.toMatch(/=: not changed/);
  });
});

describe("--config: the modules' file", () => {
  it("a complete config (the one cdktf deploy reads) supplies the home region and Security Hub account", async () => {
    writeConfig(work, "org.json", gateTestConfig());
    const r = await run(["check", MEMBER.clean, "--config", "org.json", "--call-timeout", "3s", "--output", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: "PASS" });
  });
});

describe("reasons a pipeline log reader acts on", () => {
  it("check --wait 15m with no credentials anywhere exits 3 within seconds, naming the cause once", async () => {
    const home = mkdtempSync(join(tmpdir(), "guardrails-empty-home-"));
    const before = aws.requests.length;
    const started = Date.now();
    // No AWS_* variable at all; HOME is an empty directory, so no ~/.aws files either.
    const r = await spawnCli(bin, ["check", MEMBER.clean, ...common, "--endpoint-url", aws.url, "--wait", "15m", "--output", "json"], { cwd: work, env: { HOME: home } }).done;
    outputs.push(r.stdout, r.stderr);
    expect(r.code).toBe(3);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.stderr).toMatch(/stopped waiting: .*no AWS credentials found/);
    const iam4 = (JSON.parse(r.stdout) as { controls: { id: string; reasons: string[] }[] }).controls.find((c) => c.id === "IAM.4");
    expect(iam4?.reasons).toEqual([expect.stringMatching(/^No IAM\.4 source could be read: no AWS credentials found .*AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY, profile "default" in ~\/\.aws\/credentials/)]);
    expect(aws.requests.length).toBe(before);
    rmSync(home, { recursive: true, force: true });
  });

  it("an unreachable endpoint exits 3 and says where nothing answered", async () => {
    // A port nothing listens on: bound, then released.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const r = await run(["check", MEMBER.clean, ...common, "--endpoint-url", `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`nothing accepts connections at 127.0.0.1:${port} (ECONNREFUSED); check --endpoint-url`);
  });
});

describe("verify", () => {
  it("accepts an intact bundle and detects tampering", async () => {
    const dir = join(work, "evidence");
    const bundle = readdirSync(dir).find((f) => f.endsWith(".json"));
    expect(bundle).toBeDefined();
    const path = join(dir, bundle as string);
    const tampered = join(work, "tampered.json");
    writeFileSync(tampered, readFileSync(path, "utf8").replace('"PASS"', '"FAIL"'));
    const [intact, bad, missing] = await Promise.all([run(["verify", path]), run(["verify", tampered]), run(["verify", join(work, "missing.json")])]);
    expect(intact.code).toBe(0);
    expect(bad.code).toBe(1);
    expect(missing.code).toBe(2);
  });
});

describe("usage errors exit 2 and send nothing", () => {
  const cases: [string, string[]][] = [
    ["short account id", ["check", "12345", ...common]],
    ["unknown option", ["check", MEMBER.clean, ...common, "--frobnicate"]],
    ["unknown command", ["frobnicate", MEMBER.clean]],
    ["bad duration", ["check", MEMBER.clean, ...common, "--wait", "soon"]],
    ["bad output", ["check", MEMBER.clean, ...common, "--output", "yaml"]],
    ["unreadable config", ["check", MEMBER.clean, ...common, "--config", "nope.json"]],
    ["missing security hub account", ["check", MEMBER.clean, "--home-region", "us-east-1"]],
    ["bad OU id", ["promote", MEMBER.clean, ...common, "--move-to-ou", "r-1234"]],
    ["unknown control", ["check", MEMBER.clean, ...common, "--require", "IAM.9"]],
    ["invalid exceptions register", ["check", MEMBER.clean, ...common, "--exceptions", "exceptions.json"]],
    // Validated against the known regions before anything is sent (it used to fail on DNS, exit 3).
    ["unknown --home-region", ["check", MEMBER.clean, "--security-hub-account", MEMBER.tooling, "--home-region", "us-east-9"]],
    // The modules' schema: a misspelt key is an error, not silently ignored.
    ["misspelt config key", ["check", MEMBER.clean, "--config", "typo.json"]],
    ["config with several errors", ["check", MEMBER.clean, "--config", "several.json"]],
    ["partial config", ["check", MEMBER.clean, "--config", "partial.json"]],
  ];

  it("every bad input exits 2 with a message, and the endpoint saw no request at all", async () => {
    writeFileSync(join(work, "exceptions.json"), JSON.stringify([{ account: MEMBER.clean, user: "deployer" }]));
    const base = gateTestConfig();
    writeConfig(work, "typo.json", { ...base, gate: { ...base.gate, requier: ["IAM.3"] } });
    writeConfig(work, "several.json", { ...base, homeRegion: "us-east-9", securityToolingAccountId: "2222", regions: ["eu-west-1"] });
    writeConfig(work, "partial.json", { homeRegion: "us-east-1", securityToolingAccountId: MEMBER.tooling });
    const before = aws.requests.length;
    const results = await Promise.all(cases.map(([, args]) => run(args)));
    results.forEach((r, i) => {
      const name = cases[i]![0];
      expect({ name, code: r.code }).toEqual({ name, code: 2 });
      expect(r.stderr.trim()).not.toBe("");
    });
    expect(results[9]!.stderr).toMatch(/exceptions\.json/);
    expect(results[10]!.stderr).toMatch(/home region \(--home-region\) "us-east-9" is not an AWS region/);
    expect(results[11]!.stderr).toMatch(/typo\.json: gate\.requier: unknown field/);
    const several = results[12]!.stderr;
    for (const e of ['homeRegion: "us-east-9" is not an AWS region', 'securityToolingAccountId: "2222" is not a 12-digit AWS account id', "regions: unknown field"]) expect(several).toContain(e);
    expect(results[13]!.stderr).toMatch(/partial\.json: managementAccountId: is required/);
    expect(aws.requests.length).toBe(before);
  });

  it("--help documents the exit codes", async () => {
    const r = await run(["check", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Exit codes/);
  });
});
