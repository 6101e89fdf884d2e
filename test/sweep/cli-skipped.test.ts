/**
 * `guardrails sweep` never hides what it did not check (DESIGN.md section 4): accounts skipped as
 * not ACTIVE are in every output (JSON, text, Markdown, JUnit, CSV) and in the evidence index, and
 * --revoke removes their ready tag too; a listing error is a summary.errors[] entry with its reason
 * in every output and exit 3, never an empty success. The first sweep below runs the built binary as a
 * child process, every other run is in process (in-process.ts).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "csv-parse/sync";
import { READY_CHECKED_AT_TAG_KEY, READY_TAG_KEY } from "../../modules/constants";
import { addOrganizationalUnit, cleanAccount, endpointEnv, exampleWorld, startLocalAws, type LocalAws } from "../endpoint";
import { buildCli, spawnCli, type CliRun } from "../e2e/build-cli";
import { runInProcess, setAwsEnv } from "../e2e/in-process";
import { xmlProblems } from "../gate/xml-wellformed";

const DORMANT_OU = "ou-ex01-dormant01";
const IDS = { tooling: "222222222222", suspended: "900000000501", closing: "900000000502", dormantClean: "900000000503" };
// One OU holds a clean account and the two that are not ACTIVE: each sweep checks one account (fast).
const common = ["--security-hub-account", IDS.tooling, "--home-region", "us-east-1", "--call-timeout", "3s", "--timeout", "10s", "--ou", DORMANT_OU];
const earlierPromotion = { [READY_TAG_KEY]: "true", [READY_CHECKED_AT_TAG_KEY]: "2026-01-01T00:00:00.000Z" };

let aws: LocalAws;
let bin: string;
let work: string;
let restoreEnv: () => void;
const spawnRun = (args: string[]): Promise<CliRun> => spawnCli(bin, args, { cwd: work, env: endpointEnv(aws.url) }).done;
const run = (args: string[]): Promise<CliRun> => runInProcess(args, { cwd: work });

beforeAll(async () => {
  bin = buildCli();
  const world = exampleWorld();
  addOrganizationalUnit(world, DORMANT_OU, "Dormant");
  cleanAccount(world, IDS.suspended, { parentId: DORMANT_OU, status: "SUSPENDED", tags: earlierPromotion });
  cleanAccount(world, IDS.closing, { parentId: DORMANT_OU, status: "PENDING_CLOSURE" });
  cleanAccount(world, IDS.dormantClean, { parentId: DORMANT_OU });
  aws = await startLocalAws({ world });
  work = mkdtempSync(join(tmpdir(), "guardrails-sweep-skipped-"));
  restoreEnv = setAwsEnv(endpointEnv(aws.url), work);
});
afterAll(async () => {
  restoreEnv();
  await aws.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(dirname(dirname(dirname(bin))), { recursive: true, force: true });
});
afterEach(() => aws.reset());

interface SweepJson {
  accounts: { accountId: string }[];
  skipped: { accountId: string; status: string; marked: { tag: string; value: string; changed: boolean } | null; reasons: string[] }[];
  summary: { accounts: number; skipped: number; verdict: string; errors: { kind: string; accountId: string | null; reason: string }[] };
}

it("skipped accounts are in every output and in the index; --revoke removes their ready tag; verify accepts the index", async () => {
  const [json, text, markdown, junit, csv] = await Promise.all([
    spawnRun(["sweep", ...common, "--revoke", "--output", "json", "--evidence-dir", "evidence"]),
    run(["sweep", ...common, "--output", "text"]),
    run(["sweep", ...common, "--output", "markdown"]),
    run(["sweep", ...common, "--output", "junit"]),
    run(["sweep", ...common, "--output", "csv"]),
  ]);
  const out = JSON.parse(json.stdout) as SweepJson;
  expect(out.accounts.map((a) => a.accountId)).not.toContain(IDS.suspended);
  expect(out.skipped).toEqual([
    { accountId: IDS.suspended, status: "SUSPENDED", marked: { tag: READY_TAG_KEY, value: "", changed: true }, reasons: [] },
    { accountId: IDS.closing, status: "PENDING_CLOSURE", marked: { tag: READY_TAG_KEY, value: "", changed: false }, reasons: [] },
  ]);
  expect(out.summary).toMatchObject({ skipped: 2, errors: [] });
  expect(aws.world.accounts[IDS.suspended]?.tags[READY_TAG_KEY]).toBeUndefined();
  expect(aws.world.accounts[IDS.suspended]?.tags[READY_CHECKED_AT_TAG_KEY]).toBeUndefined();
  // The sweep's checks took each status from the listing: no DescribeAccount at all.
  expect(aws.requests.filter((q) => q.action === "DescribeAccount")).toHaveLength(0);

  expect(text.stdout).toContain(`SKIPPED ${IDS.suspended}: SUSPENDED, not checked`);
  expect(text.stdout).toContain(`SKIPPED ${IDS.closing}: PENDING_CLOSURE, not checked`);
  expect(markdown.stdout).toMatch(new RegExp(`\\| ${IDS.suspended} \\| SUSPENDED \\| not touched \\(no --revoke\\) \\|`));
  expect(xmlProblems(junit.stdout)).toEqual([]);
  expect(junit.stdout).toMatch(new RegExp(`name="${IDS.closing} account status">\\s*<skipped message="not ACTIVE \\(PENDING_CLOSURE\\)`));
  const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
  expect(rows.filter((r) => r["accountStatus"] !== "ACTIVE")).toEqual([
    expect.objectContaining({ accountId: IDS.suspended, accountStatus: "SUSPENDED", user: "", accessKeyId: "" }),
    expect.objectContaining({ accountId: IDS.closing, accountStatus: "PENDING_CLOSURE", user: "" }),
  ]);
  expect(rows.some((r) => r["accountStatus"] === "ACTIVE" && r["accountId"] === IDS.dormantClean)).toBe(true);

  const indexName = readdirSync(join(work, "evidence")).find((f) => f.startsWith("guardrails-evidence-index-")) as string;
  const index = JSON.parse(readFileSync(join(work, "evidence", indexName), "utf8")) as { skipped: SweepJson["skipped"]; errors: unknown[] };
  expect(index.skipped).toEqual(out.skipped);
  expect(index.errors).toEqual([]);
  const verified = await run(["verify", join(work, "evidence", indexName)]);
  expect(verified.code).toBe(0);
});

it("a listing error is in summary.errors with its reason and in every other output, exit 3", async () => {
  aws.faults.push({ service: "organizations", action: "ListAccountsForParent", fault: "accessDenied" });
  const [json, text, markdown, junit] = await Promise.all(["json", "text", "markdown", "junit"].map((o) => run(["sweep", ...common, "--output", o])));
  for (const r of [json, text, markdown, junit]) expect(r.code).toBe(3);
  const out = JSON.parse(json.stdout) as SweepJson;
  expect(out.accounts).toEqual([]);
  expect(out.summary.verdict).toBe("INCONCLUSIVE");
  expect(out.summary.errors).toEqual([{ kind: "list-accounts", accountId: null, reason: expect.stringMatching(/could not list the organization's accounts: organizations:ListAccountsForParent: access denied/) }]);
  expect(text.stdout).toMatch(/ERROR list-accounts: could not list the organization's accounts/);
  expect(markdown.stdout).toMatch(/\*\*The sweep is incomplete:\*\*\n\n- list-accounts: could not list the organization's accounts/);
  expect(junit.stdout).toMatch(/<testcase classname="guardrails.organization" name="list-accounts">\s*<error type="INCONCLUSIVE" message="could not list/);
});

it("--revoke that cannot remove a skipped account's tag: a revoke error, exit 3 although every checked account passes", async () => {
  aws.faults.push({ service: "organizations", action: "UntagResource", bodyIncludes: `"${IDS.suspended}"`, fault: "accessDenied" });
  const [json, junit] = await Promise.all(["json", "junit"].map((o) => run(["sweep", ...common, "--revoke", "--output", o])));
  expect(json.code).toBe(3);
  const out = JSON.parse(json.stdout) as SweepJson;
  expect(out.accounts.map((a) => a.accountId)).toEqual([IDS.dormantClean]);
  expect(out.summary.verdict).toBe("INCONCLUSIVE");
  expect(out.skipped[0]).toMatchObject({ accountId: IDS.suspended, marked: { value: "true", changed: false } });
  expect(out.summary.errors).toEqual([{ kind: "revoke", accountId: IDS.suspended, reason: expect.stringMatching(/--revoke could not remove the guardrails:production-ready tag/) }]);
  expect(aws.world.accounts[IDS.suspended]?.tags[READY_TAG_KEY]).toBe("true");
  expect(junit.stdout).toMatch(new RegExp(`name="${IDS.suspended} account status">\\s*<error type="INCONCLUSIVE"`));
});
