/**
 * `guardrails sweep` against the local endpoint (example organization:
 * management, security tooling in a nested OU, clean / root-key / awaiting-findings members):
 * exit codes, the JSON contract, csv inventory, --ou recursion, evidence index that verify accepts,
 * usage errors that send nothing, Ctrl-C with a partial report, and no unmasked key id anywhere.
 * In process (in-process.ts), except Ctrl-C: a SIGINT to the built binary as a child process, and once
 * more in process through CliIo.onInterrupt.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { addOrganizationalUnit, endpointEnv, startLocalAws, type LocalAws } from "../endpoint";
import { parse } from "csv-parse/sync";
import type { CliIo } from "../../gates/cli/io";
import { runCli } from "../../gates/cli/program";
import { buildCli, spawnCli, type CliRun } from "../e2e/build-cli";
import { runInProcess, setAwsEnv } from "../e2e/in-process";

const UNMASKED_KEY = /(AKIA|ASIA)[A-Z0-9]{16}/;
const IDS = { management: "111111111111", tooling: "222222222222", clean: "333333333333", rootKey: "444444444444", awaiting: "555555555555" };
const common = ["--security-hub-account", IDS.tooling, "--home-region", "us-east-1", "--call-timeout", "3s", "--timeout", "10s"];

let aws: LocalAws;
let bin: string;
let work: string;
let restoreEnv: () => void;
const outputs: string[] = [];

type Run = CliRun;

/** The built binary as a child process (for Ctrl-C). */
function start(args: string[]): { child: ChildProcess; done: Promise<Run> } {
  const { child, done } = spawnCli(bin, args, { cwd: work, env: endpointEnv(aws.url) });
  return {
    child,
    done: done.then((result) => {
      outputs.push(result.stdout, result.stderr);
      return result;
    }),
  };
}
/** In process, with the endpoint's environment. */
async function run(args: string[]): Promise<Run> {
  const result = await runInProcess(args, { cwd: work });
  outputs.push(result.stdout, result.stderr);
  return result;
}

beforeAll(async () => {
  bin = buildCli();
  aws = await startLocalAws();
  work = mkdtempSync(join(tmpdir(), "guardrails-sweep-cli-"));
  restoreEnv = setAwsEnv(endpointEnv(aws.url), work);
});
afterAll(async () => {
  restoreEnv();
  await aws.close();
  for (const text of outputs) expect(text).not.toMatch(UNMASKED_KEY);
  rmSync(work, { recursive: true, force: true });
  rmSync(dirname(dirname(dirname(bin))), { recursive: true, force: true });
});
afterEach(() => aws.reset());

it("sweeps the whole organization: JSON contract, worst account's exit code, summary table, evidence index", async () => {
  const r = await run(["sweep", ...common, "--output", "json", "--evidence-dir", "evidence"]);
  expect(r.code).toBe(1);
  const out = JSON.parse(r.stdout) as { schemaVersion: number; accounts: { accountId: string; verdict: string; evidence: { path: string } | null }[]; summary: Record<string, unknown> };
  expect(out.schemaVersion).toBe(1);
  expect(Object.fromEntries(out.accounts.map((a) => [a.accountId, a.verdict]))).toEqual({
    [IDS.management]: "PASS",
    [IDS.tooling]: "PASS",
    [IDS.clean]: "PASS",
    [IDS.rootKey]: "FAIL",
    [IDS.awaiting]: "INCONCLUSIVE",
  });
  expect(out.summary).toEqual({ accounts: 5, pass: 3, fail: 1, inconclusive: 1, skipped: 0, verdict: "FAIL", errors: [] });
  expect(out.accounts.every((a) => a.evidence !== null)).toBe(true);
  // The account failing IAM.4 gets the remediate command to run; the sweep itself deleted nothing.
  expect((out as unknown as { remediation: unknown[] }).remediation).toEqual([
    { accountId: IDS.rootKey, command: `guardrails remediate ${IDS.rootKey} --home-region us-east-1`, reason: expect.stringContaining("then again with --apply") },
  ]);
  expect(aws.requests.filter((q) => q.action === "AssumeRoot" || q.action.startsWith("Delete"))).toEqual([]);
  expect(aws.world.accounts[IDS.rootKey]!.rootKeys).toHaveLength(1);
  expect(r.stderr).toContain("sweep FAIL (exit 1): 5 account(s)");
  expect(r.stderr).toMatch(new RegExp(`${IDS.rootKey}\\s+FAIL`));
  const index = readdirSync(join(work, "evidence")).find((f) => f.startsWith("guardrails-evidence-index-"));
  expect(index).toBeDefined();
  const verified = await run(["verify", join(work, "evidence", index as string)]);
  expect(verified.code).toBe(0);
});

it("--ou includes nested OUs only; exit 3 when the worst is INCONCLUSIVE", async () => {
  // Workloads > Sandbox > Vending (three levels): the awaiting-findings account sits at the bottom.
  addOrganizationalUnit(aws.world, "ou-ex01-vending01", "Vending", "ou-ex01-sandbox");
  aws.world.accounts[IDS.awaiting]!.parentId = "ou-ex01-vending01";
  const r = await run(["sweep", ...common, "--ou", "ou-ex01-workloads", "--output", "json"]);
  const out = JSON.parse(r.stdout) as { accounts: { accountId: string }[] };
  expect(out.accounts.map((a) => a.accountId).sort()).toEqual([IDS.clean, IDS.rootKey, IDS.awaiting].sort());
  expect(r.code).toBe(1);
  const sandbox = await run(["sweep", ...common, "--ou", "ou-ex01-vending01"]);
  expect(sandbox.code).toBe(3);
  expect(sandbox.stdout).toContain(`INCONCLUSIVE ${IDS.awaiting}`);
});

it("--output csv prints the IAM.3 key inventory over all accounts, ids masked; junit has a case per account and control", async () => {
  const [csv, junit] = await Promise.all([run(["sweep", ...common, "--output", "csv"]), run(["sweep", ...common, "--output", "junit"])]);
  const lines = csv.stdout.trim().split("\n");
  expect(lines[0]).toMatch(/^accountId,user,userArn,accessKeyId,/);
  expect(lines.length).toBeGreaterThan(2);
  expect(csv.stdout).not.toMatch(UNMASKED_KEY);
  // Only the inventory shows when a key was last used: GetAccessKeyLastUsed is called for it, once per key.
  const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
  const deployer = rows.find((r) => r["accountId"] === IDS.clean && r["user"] === "deployer");
  expect(deployer?.["lastUsedAt"]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  const lastUsedCalls = aws.requests.filter((q) => q.action === "GetAccessKeyLastUsed");
  expect(lastUsedCalls.length).toBe(rows.filter((r) => r["accessKeyId"] !== "").length);
  expect((junit.stdout.match(/<testcase /g) ?? []).length).toBe(5 * 2);
});

it("--revoke removes the ready tag from accounts that are not PASS, and only from those", async () => {
  aws.world.accounts[IDS.rootKey]!.tags["guardrails:production-ready"] = "true";
  aws.world.accounts[IDS.clean]!.tags["guardrails:production-ready"] = "true";
  const r = await run(["sweep", ...common, "--revoke", "--output", "json"]);
  expect(r.code).toBe(1);
  expect(aws.world.accounts[IDS.rootKey]!.tags["guardrails:production-ready"]).toBeUndefined();
  expect(aws.world.accounts[IDS.clean]!.tags["guardrails:production-ready"]).toBe("true");
  expect(aws.requests.filter((q) => q.action === "UntagResource").map((q) => q.service)).toEqual(["organizations"]);
});

it("usage errors exit 2 and send nothing", async () => {
  const cases = [
    ["sweep", ...common, "--concurrency", "0"],
    ["sweep", ...common, "--ou", "not-an-ou"],
    ["sweep", ...common, "--evidence-bucket", "https://bucket/x"],
    ["sweep", ...common, "--wait", "5m"],
    ["sweep", ...common, "--output", "yaml"],
    ["sweep", "--home-region", "us-east-1"],
  ];
  const results = await Promise.all(cases.map(run));
  for (const r of results) expect(r.code).toBe(2);
  expect(aws.requests).toHaveLength(0);
});

it("Ctrl-C (SIGINT to the built binary): partial report, accounts not checked are INCONCLUSIVE 'not checked: interrupted', exit 3", async () => {
  aws.faults.push({ service: "iam", latencyMs: 400 });
  const { child, done } = start(["sweep", ...common, "--concurrency", "1", "--output", "json"]);
  // Interrupt once the first account is done (plain progress lines: stderr is not a terminal).
  await new Promise<void>((resolve) => {
    let seen = "";
    child.stderr?.on("data", (d: Buffer) => {
      seen += d.toString();
      if (/sweep 1\/5/.test(seen)) resolve();
    });
  });
  child.kill("SIGINT");
  const r = await done;
  const out = JSON.parse(r.stdout) as { accounts: { verdict: string; controls: { reasons: string[] }[] }[] };
  expect(out.accounts).toHaveLength(5);
  const notChecked = out.accounts.filter((a) => a.controls[0]?.reasons.includes("not checked: interrupted"));
  expect(notChecked.length).toBeGreaterThanOrEqual(3);
  expect(notChecked.every((a) => a.verdict === "INCONCLUSIVE")).toBe(true);
  expect(r.code).toBe(3);
  expect(r.stderr).toContain("interrupted");
});

it("Ctrl-C through CliIo.onInterrupt (in process): the same partial report, and the process's own SIGINT is left alone", async () => {
  const listenersBefore = process.listenerCount("SIGINT");
  let interrupt: (() => void) | undefined;
  let listenersDuringSweep: number | undefined;
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => {
      stderr += t;
      // The first account is done: interrupt, as a Ctrl-C would.
      if (/sweep 1\/5/.test(stderr) && interrupt !== undefined) {
        listenersDuringSweep = process.listenerCount("SIGINT");
        const handler = interrupt;
        interrupt = undefined;
        handler();
      }
    },
    stderrIsTTY: false,
    env: process.env,
    cwd: work,
    onInterrupt: (handler) => {
      interrupt = handler;
      return () => {
        interrupt = undefined;
      };
    },
  };
  const code = await runCli(["sweep", ...common, "--concurrency", "1", "--output", "json"], io);
  outputs.push(stdout, stderr);
  expect(listenersDuringSweep).toBe(listenersBefore);
  const out = JSON.parse(stdout) as { accounts: { verdict: string; controls: { reasons: string[] }[] }[] };
  expect(out.accounts).toHaveLength(5);
  const notChecked = out.accounts.filter((a) => a.controls[0]?.reasons.includes("not checked: interrupted"));
  expect(notChecked.length).toBeGreaterThanOrEqual(3);
  expect(notChecked.every((a) => a.verdict === "INCONCLUSIVE")).toBe(true);
  expect(code).toBe(3);
  expect(stderr).toContain("interrupted: finishing with a partial report");
});
