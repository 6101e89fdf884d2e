/**
 * Only an ACTIVE account can PASS (DESIGN.md section 4), through the built CLI: check and promote
 * read the account's Organizations status with DescribeAccount, whichever of `State` (2025 on) and
 * the deprecated `Status` the answer carries; any other status, or one that cannot be read, is
 * INCONCLUSIVE with the status in the reason, and promote removes the ready tag. --wait stops at
 * once on a status time cannot fix. The first case runs the built binary as a child process, the
 * others run in process (in-process.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { READY_CHECKED_AT_TAG_KEY, READY_TAG_KEY } from "../../modules/constants";
import { EXAMPLE_IDS, cleanAccount, endpointEnv, exampleWorld, startLocalAws, type LocalAws } from "../endpoint";
import { buildCli, spawnCli, type CliRun } from "./build-cli";
import { runInProcess, setAwsEnv } from "./in-process";

const common = ["--security-hub-account", EXAMPLE_IDS.securityTooling, "--home-region", "us-east-1", "--call-timeout", "3s", "--timeout", "10s"];

const SUSPENDED_STATUS_ONLY = "900000000296";
const DENIED = "900000000299";
const PROMOTED_SUSPENDED = "900000000298";
const WAIT_SUSPENDED = "900000000297";

let aws: LocalAws;
let bin: string;
let work: string;
let restoreEnv: () => void;
const spawnRun = (args: string[]): Promise<CliRun> => spawnCli(bin, args, { cwd: work, env: endpointEnv(aws.url) }).done;
const run = (args: string[]): Promise<CliRun> => runInProcess(args, { cwd: work });

interface Out {
  verdict: string;
  controls: { id: string; verdict: string; required: boolean; reasons: string[]; sources: { name: string; summary: string; api?: string }[] }[];
  marked: { tag: string; value: string; changed: boolean } | null;
}
const parse = (r: CliRun): Out => JSON.parse(r.stdout) as Out;
const iam4 = (o: Out): Out["controls"][number] => o.controls.find((c) => c.id === "IAM.4") as Out["controls"][number];

beforeAll(async () => {
  bin = buildCli();
  const world = exampleWorld();
  cleanAccount(world, SUSPENDED_STATUS_ONLY, { status: "SUSPENDED" }).statusFields = "Status";
  cleanAccount(world, DENIED);
  cleanAccount(world, PROMOTED_SUSPENDED, { status: "SUSPENDED", tags: { [READY_TAG_KEY]: "true", [READY_CHECKED_AT_TAG_KEY]: "2026-01-01T00:00:00.000Z" } });
  cleanAccount(world, WAIT_SUSPENDED, { status: "SUSPENDED" });
  aws = await startLocalAws({ world });
  work = mkdtempSync(join(tmpdir(), "guardrails-status-"));
  restoreEnv = setAwsEnv(endpointEnv(aws.url), work);
});
afterAll(async () => {
  restoreEnv();
  await aws.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(dirname(dirname(dirname(bin))), { recursive: true, force: true });
});

// Every State and either field: test/gate-io/account-status.test.ts (in process, same wire).
it("check: a SUSPENDED account answered with the deprecated Status only is INCONCLUSIVE, exit 3 (the built binary)", async () => {
  const r = await spawnRun(["check", SUSPENDED_STATUS_ONLY, ...common, "--output", "json"]);
  expect(r.code).toBe(3);
  const control = iam4(parse(r));
  expect(control.reasons[0]).toMatch(/is SUSPENDED in AWS Organizations: only an ACTIVE account can be production-ready/);
  expect(control.sources.find((s) => s.name === "account-status")).toMatchObject({ api: "organizations:DescribeAccount", summary: "Status SUSPENDED (no State field)" });
});

it("check: a status that cannot be read is INCONCLUSIVE and says which permission to grant", async () => {
  aws.faults.push({ service: "organizations", action: "DescribeAccount", bodyIncludes: `"${DENIED}"`, fault: "accessDenied" });
  const r = await run(["check", DENIED, ...common, "--output", "json"]);
  expect(r.code).toBe(3);
  const control = iam4(parse(r));
  expect(control.verdict).toBe("INCONCLUSIVE");
  expect(control.reasons[0]).toMatch(/Organizations status of 900000000299 could not be read: organizations:DescribeAccount was denied to the gate.s own credentials .*grant them organizations:DescribeAccount/);
  expect(control.sources.find((s) => s.name === "account-status")?.summary).toBe("unavailable: access-denied");
});

it("promote of a SUSPENDED account: INCONCLUSIVE, the ready tag set is removed, and the text says so", async () => {
  const r = await run(["promote", PROMOTED_SUSPENDED, ...common, "--output", "text"]);
  expect(r.code).toBe(3);
  expect(r.stdout).toMatch(/^INCONCLUSIVE 900000000298/);
  expect(r.stdout).toContain("is SUSPENDED in AWS Organizations");
  expect(r.stdout).toContain(`promotion: ready tag ${READY_TAG_KEY} removed`);
  expect(r.stdout).not.toMatch(/=: not changed/);
  const tags = aws.world.accounts[PROMOTED_SUSPENDED]?.tags ?? {};
  expect(tags[READY_TAG_KEY]).toBeUndefined();
  expect(tags[READY_CHECKED_AT_TAG_KEY]).toBeUndefined();
  const again = await run(["promote", PROMOTED_SUSPENDED, ...common, "--output", "text"]);
  expect(again.stdout).toContain(`promotion: not tagged; ready tag ${READY_TAG_KEY} absent`);
});

it("--wait stops at once on a SUSPENDED account: waiting cannot make it ACTIVE", async () => {
  const started = Date.now();
  const r = await run(["check", WAIT_SUSPENDED, ...common, "--wait", "10m", "--output", "json"]);
  expect(r.code).toBe(3);
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(aws.requests.filter((q) => q.action === "StartConfigRulesEvaluation" && q.accountId === WAIT_SUSPENDED)).toHaveLength(0);
});
