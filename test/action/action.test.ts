/**
 * The GitHub Action's entry point (gates/action) against the local endpoint, driven the way the
 * runner drives a step: inputs as INPUT_* variables, outputs read back from $GITHUB_OUTPUT, the
 * Markdown from $GITHUB_STEP_SUMMARY. In process for the table (fast), once as a child process
 * through the compiled main.js, as action.yml runs it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runAction } from "../../gates/action/run";
import { runCli } from "../../gates/cli/program";
import { endpointEnv, startLocalAws, type LocalAws } from "../endpoint";
import { EXAMPLE_IDS } from "../endpoint/builders";
import { buildCli, spawnCli } from "../e2e/build-cli";
import { readOutputs, runnerEnv, runnerFiles } from "./run-action";

const READY = "guardrails:production-ready";
let aws: LocalAws;
let work: string;

beforeAll(async () => {
  aws = await startLocalAws();
  work = mkdtempSync(join(tmpdir(), "guardrails-action-"));
  // The SDK's default credential chain reads the process environment (jest gives each file its own copy).
  Object.assign(process.env, endpointEnv(aws.url));
});
afterAll(async () => {
  await aws.close();
  rmSync(work, { recursive: true, force: true });
});
afterEach(() => aws.reset());

const base = { "security-hub-account": EXAMPLE_IDS.securityTooling, "home-region": "us-east-1", "call-timeout": "3s", timeout: "10s" };

async function step(inputs: Record<string, string>) {
  const files = runnerFiles(work);
  let log = "";
  const code = await runAction({ env: { ...process.env, ...runnerEnv(files, inputs) }, cwd: files.dir, stdout: (t) => (log += t), stderr: (t) => (log += t) }, runCli);
  return { code, log, outputs: readOutputs(files.output), summary: readFileSync(files.summary, "utf8"), dir: files.dir };
}

describe("verdicts: the step fails unless PASS", () => {
  it.each([
    // [name, inputs, exit, verdict, summary heading]
    ["check PASS", { command: "check", "account-id": EXAMPLE_IDS.clean }, 0, "PASS", "## ✅ PASS: account 333333333333"],
    ["check FAIL (inactive root key)", { command: "check", "account-id": EXAMPLE_IDS.inactiveRootKey }, 1, "FAIL", "## ❌ FAIL: account 444444444444"],
    ["check INCONCLUSIVE (no finding yet)", { command: "check", "account-id": EXAMPLE_IDS.awaitingFindings }, 3, "INCONCLUSIVE", "## ⚠️ INCONCLUSIVE: account 555555555555"],
  ] as const)("%s", async (_name, inputs, exit, verdict, heading) => {
    const r = await step({ ...base, ...inputs });
    expect(r.code).toBe(exit);
    const jsonPath = join(r.dir, "guardrails-verdict.json");
    expect(r.outputs).toEqual({ verdict, "exit-code": String(exit), "production-ready": String(exit === 0), "json-path": jsonPath, "evidence-path": "", "evidence-sha256": "" });
    expect(JSON.parse(readFileSync(jsonPath, "utf8"))).toMatchObject({ schemaVersion: 1, accountId: inputs["account-id"], verdict, marked: null });
    expect(r.summary.startsWith(heading)).toBe(true);
    // An annotation exactly when the step fails, naming the verdict and the account.
    if (exit === 0) expect(r.log).not.toContain("::error");
    else expect(r.log).toMatch(new RegExp(`^::error title=guardrails ${verdict}::Account ${inputs["account-id"]} is not production-ready: .+$`, "m"));
  });

  it("promote is the default command: PASS tags the account, writes evidence and says where", async () => {
    const r = await step({ ...base, "account-id": EXAMPLE_IDS.clean, "evidence-dir": "evidence", output: "out/../verdict.json" });
    expect(r.code).toBe(0);
    expect(aws.world.accounts[EXAMPLE_IDS.clean]!.tags[READY]).toBe("true");
    expect(r.outputs["json-path"]).toBe(join(r.dir, "verdict.json"));
    expect(r.outputs["evidence-path"]).toContain(join(r.dir, "evidence"));
    expect(existsSync(r.outputs["evidence-path"]!)).toBe(true);
    expect(r.outputs["evidence-sha256"]).toMatch(/^[0-9a-f]{64}$/);
    expect(r.summary).toContain("Promotion:");
  });

  it("promote FAIL leaves no ready tag", async () => {
    aws.world.accounts[EXAMPLE_IDS.inactiveRootKey]!.tags[READY] = "true";
    const r = await step({ ...base, "account-id": EXAMPLE_IDS.inactiveRootKey });
    expect(r.code).toBe(1);
    expect(aws.world.accounts[EXAMPLE_IDS.inactiveRootKey]!.tags[READY]).toBeUndefined();
    expect(r.outputs["production-ready"]).toBe("false");
  });

  it("PASS whose tagging fails: the step's verdict is INCONCLUSIVE (exit 3), not PASS", async () => {
    aws.faults.push({ service: "organizations", action: "TagResource", fault: "http5xx" });
    const r = await step({ ...base, "account-id": EXAMPLE_IDS.clean, "call-timeout": "1s" });
    expect(r.code).toBe(3);
    expect(r.outputs).toMatchObject({ verdict: "INCONCLUSIVE", "exit-code": "3", "production-ready": "false" });
    expect(JSON.parse(readFileSync(r.outputs["json-path"]!, "utf8"))).toMatchObject({ verdict: "PASS", marked: { changed: false } });
    expect(r.log).toMatch(/^::error title=guardrails INCONCLUSIVE::Account 333333333333 is not production-ready: Promotion of 333333333333 stopped: tagging .+ failed: .+; it is NOT promoted\.$/m);
  });
});

describe("usage errors: exit 2, USAGE_ERROR, nothing sent to AWS", () => {
  it.each([
    ["no account id", { command: "check" }, "input account-id is required"],
    ["an account id that is not 12 digits", { "account-id": "12345" }, "12345"],
    ["a command the action does not run", { command: "sweep", "account-id": EXAMPLE_IDS.clean }, 'input command: "sweep" is not one of promote, check'],
    ["a boolean that is not one", { "account-id": EXAMPLE_IDS.clean, "accept-no-root-credentials": "yes" }, 'input accept-no-root-credentials: "yes" is not true or false'],
    ["move-to-ou with check", { command: "check", "account-id": EXAMPLE_IDS.clean, "move-to-ou": "ou-ex01-workloads" }, "unknown option '--move-to-ou'"],
    ["a wait that is not a duration", { "account-id": EXAMPLE_IDS.clean, wait: "soon" }, "soon"],
  ] as const)("%s", async (_name, inputs, message) => {
    const r = await step({ ...base, ...inputs });
    expect(r.code).toBe(2);
    expect(r.outputs).toEqual({ verdict: "USAGE_ERROR", "exit-code": "2", "production-ready": "false", "json-path": "", "evidence-path": "", "evidence-sha256": "" });
    expect(r.summary).toContain("## ❌ guardrails: usage error (exit 2)");
    expect(r.summary).toContain(message.replace(/[_*[\]`|~]/g, (c) => `\\${c}`).replace(/</g, "&lt;"));
    expect(r.log).toContain("::error title=guardrails usage error::");
    expect(existsSync(join(r.dir, "guardrails-verdict.json"))).toBe(false);
    expect(aws.requests).toEqual([]);
  });
});

describe("as action.yml runs it: node dist/gates/action/main.js", () => {
  let main: string;
  beforeAll(() => {
    main = join(dirname(buildCli()), "..", "action", "main.js");
  });
  afterAll(() => rmSync(dirname(dirname(dirname(main))), { recursive: true, force: true }));

  it("a child process with only the runner's variables: PASS, outputs and summary written", async () => {
    const files = runnerFiles(work);
    const env = { ...endpointEnv(aws.url), ...runnerEnv(files, { ...base, command: "check", "account-id": EXAMPLE_IDS.clean }) };
    const run = await spawnCli(main, [], { cwd: files.dir, env }).done;
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(readOutputs(files.output)).toMatchObject({ verdict: "PASS", "exit-code": "0", "production-ready": "true" });
    expect(readFileSync(files.summary, "utf8")).toContain("✅ PASS: account 333333333333");
    expect(run.stdout).toContain("PASS");
  });
});
