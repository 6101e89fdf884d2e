/**
 * "The ready tag never lies" (DESIGN.md section 4) through the built CLI against the local endpoint:
 * a failure is injected at every step of `promote` (ListTagsForResource, ListParents, MoveAccount,
 * the evidence write, UntagResource, TagResource, the move back), including calls that take effect
 * although the caller sees an error (truncated answers). After every run: an account whose promote
 * did not exit 0 carries no ready tag, and every evidence-digest tag names a stored, intact bundle.
 * Each case has its own account (faults match on the account id in the request body), so they run
 * in parallel: the first through the built binary as a child process, the others in process
 * (in-process.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { verifyBundleFile } from "../../gates/evidence/verify";
import { READY_CHECKED_AT_TAG_KEY, READY_EVIDENCE_TAG_KEY, READY_TAG_KEY } from "../../modules/constants";
import { EXAMPLE_IDS, addOrganizationalUnit, cleanAccount, endpointEnv, exampleWorld, startLocalAws, type FaultRule, type LocalAws } from "../endpoint";
import { buildCli, spawnCli, type CliRun } from "./build-cli";
import { runInProcess, setAwsEnv } from "./in-process";

const PROD_OU = "ou-ex01-production";
const SOURCE_OU = "ou-ex01-workloads";
const OLD_DIGEST = "0".repeat(64);
const common = ["--security-hub-account", EXAMPLE_IDS.securityTooling, "--home-region", "us-east-1", "--call-timeout", "3s", "--timeout", "10s"];

let aws: LocalAws;
let bin: string;
let work: string;
let restoreEnv: () => void;

interface Case {
  name: string;
  /** Fault rules; `bodyIncludes` is set to this case's account. */
  faults?: Omit<FaultRule, "bodyIncludes" | "service">[];
  move?: boolean;
  evidence?: boolean | "unwritable";
  /** Tags the account carries before promote (an earlier promotion's). */
  preTags?: Record<string, string>;
  exit: number;
  /** Where the account must end up (default: where it started, or PROD_OU on exit 0 with move). */
  parent?: string;
  /** Reasons must match. */
  reasons?: RegExp[];
  /** The ready tag may remain: Organizations refuses every removal (checked separately, see below). */
  readyTagMayRemain?: boolean;
}

const EARLIER_PROMOTION = { [READY_TAG_KEY]: "true", [READY_CHECKED_AT_TAG_KEY]: "2026-01-01T00:00:00.000Z", [READY_EVIDENCE_TAG_KEY]: OLD_DIGEST };

const CASES: Case[] = [
  { name: "all steps succeed", move: true, evidence: true, exit: 0 },
  { name: "ListTagsForResource is denied (no evidence dir)", faults: [{ action: "ListTagsForResource", fault: "accessDenied" }], preTags: EARLIER_PROMOTION, exit: 3, reasons: [/ListTagsForResource/, /removed without looking/] },
  { name: "ListParents is denied", move: true, faults: [{ action: "ListParents", fault: "accessDenied" }], preTags: EARLIER_PROMOTION, exit: 3, reasons: [/ListParents/] },
  {
    name: "MoveAccount fails (destination OU not found), evidence stored",
    move: true,
    evidence: true,
    faults: [{ action: "MoveAccount", fault: "error", error: { code: "DestinationParentNotFoundException", status: 400 } }],
    preTags: EARLIER_PROMOTION,
    exit: 3,
    reasons: [/MoveAccount/, /NOT promoted/],
  },
  {
    name: "MoveAccount takes effect but its answer is lost",
    move: true,
    evidence: true,
    faults: [{ action: "MoveAccount", fault: "truncatedBody", times: 1 }],
    exit: 3,
    reasons: [/moved back from ou-ex01-production to ou-ex01-workloads/],
  },
  {
    // MoveAccount's refusal for an account already in the destination, while ListParents (asked again) says it is
    // not: nothing was moved, so nothing is moved back.
    name: "MoveAccount refused (DuplicateAccountException) with the account still in the source",
    move: true,
    evidence: true,
    faults: [{ action: "MoveAccount", fault: "error", error: { code: "DuplicateAccountException", status: 400 } }],
    exit: 3,
    reasons: [/MoveAccount/, /the account is now in ou-ex01-workloads, not ou-ex01-production/, /NOT promoted/],
  },
  { name: "the evidence bundle cannot be written", move: true, evidence: "unwritable", preTags: EARLIER_PROMOTION, exit: 3, reasons: [/evidence bundle/, /moved back/] },
  {
    name: "UntagResource of the older digest tag fails once",
    faults: [{ action: "UntagResource", fault: "accessDenied", times: 1 }],
    preTags: EARLIER_PROMOTION,
    exit: 3,
    reasons: [/UntagResource/],
  },
  { name: "TagResource is denied after the move", move: true, evidence: true, faults: [{ action: "TagResource", fault: "accessDenied" }], preTags: EARLIER_PROMOTION, exit: 3, reasons: [/TagResource/, /moved back/] },
  { name: "TagResource takes effect but its answer is lost", move: true, evidence: true, faults: [{ action: "TagResource", fault: "truncatedBody" }], exit: 3, reasons: [/TagResource/] },
  {
    name: "TagResource is denied and so is the move back",
    move: true,
    evidence: true,
    faults: [
      { action: "TagResource", fault: "accessDenied" },
      { action: "MoveAccount", fault: "accessDenied", after: 1 },
    ],
    exit: 3,
    parent: PROD_OU,
    reasons: [/could NOT be moved back to ou-ex01-workloads/, /aws organizations move-account/],
  },
  {
    name: "TagResource takes effect, its answer is lost, and every removal is denied",
    evidence: true,
    faults: [
      { action: "TagResource", fault: "truncatedBody" },
      { action: "UntagResource", fault: "accessDenied" },
    ],
    exit: 3,
    readyTagMayRemain: true,
    reasons: [/could not be removed/, /aws organizations untag-resource/, /is kept because/],
  },
];

const accountOf = (i: number): string => String(900000000100 + i);
const tagsOf = (id: string): Record<string, string> => aws.world.accounts[id]?.tags ?? {};
const dirOf = (i: number): string => join(work, `case-${i}`);

function setUp(): void {
  CASES.forEach((c, i) => {
    const id = accountOf(i);
    cleanAccount(aws.world, id, { parentId: SOURCE_OU, tags: { ...(c.preTags ?? {}) } });
    for (const f of c.faults ?? []) aws.faults.push({ ...f, service: "organizations", bodyIncludes: `"${id}"` });
    if (c.evidence === "unwritable") writeFileSync(dirOf(i), "a file where the evidence directory should be");
    else mkdirSync(dirOf(i));
  });
}

function promoteArgs(c: Case, i: number): string[] {
  const args = ["promote", accountOf(i), ...common, "--output", "json"];
  if (c.move === true) args.push("--move-to-ou", PROD_OU);
  if (c.evidence !== undefined) args.push("--evidence-dir", dirOf(i));
  return args;
}

/** Bundles (JSON) stored in a case's evidence directory. */
function bundlesIn(dir: string): { path: string; sha256: string }[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => ({ path: join(dir, f), sha256: (JSON.parse(readFileSync(join(dir, f), "utf8")) as { sha256: string }).sha256 }));
}

const runs: CliRun[] = [];
beforeAll(async () => {
  bin = buildCli();
  const world = exampleWorld();
  addOrganizationalUnit(world, PROD_OU, "Production");
  aws = await startLocalAws({ world });
  work = mkdtempSync(join(tmpdir(), "guardrails-promote-"));
  restoreEnv = setAwsEnv(endpointEnv(aws.url), work);
  setUp();
  runs.push(...(await Promise.all(CASES.map((c, i) => (i === 0 ? spawnCli(bin, promoteArgs(c, i), { cwd: work, env: endpointEnv(aws.url) }).done : runInProcess(promoteArgs(c, i), { cwd: work }))))));
}, 60_000);
afterAll(async () => {
  restoreEnv();
  await aws.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(dirname(dirname(dirname(bin))), { recursive: true, force: true });
});

describe.each(CASES.map((c, i) => [c.name, c, i] as const))("promote: %s", (_name, c, i) => {
  const id = accountOf(i);
  const out = (): { verdict: string; marked: { tag: string; value: string; changed: boolean }; evidence: { path: string; sha256: string } | null; controls: { reasons: string[] }[] } =>
    JSON.parse(runs[i]?.stdout ?? "{}");

  it(`exits ${c.exit}; the verdict stays PASS`, () => {
    expect({ code: runs[i]?.code, stderr: runs[i]?.stderr }).toEqual({ code: c.exit, stderr: "" });
    expect(out().verdict).toBe("PASS");
  });

  it("leaves a ready tag only on a promoted account, and the output says so", () => {
    const tags = tagsOf(id);
    if (c.exit === 0) {
      expect(tags[READY_TAG_KEY]).toBe("true");
      expect(out().marked).toEqual({ tag: READY_TAG_KEY, value: "true", changed: true });
      return;
    }
    expect(out().marked.changed).toBe(false);
    if (c.readyTagMayRemain === true) {
      // The one state no promote can repair: Organizations refuses every removal. The output says the tag is there.
      expect(out().marked.value).toBe(tags[READY_TAG_KEY] ?? "");
      return;
    }
    expect(tags[READY_TAG_KEY]).toBeUndefined();
    expect(tags[READY_CHECKED_AT_TAG_KEY]).toBeUndefined();
    expect(out().marked).toEqual({ tag: READY_TAG_KEY, value: "", changed: false });
  });

  it("every evidence-digest tag names a stored, intact bundle; the output names the final bundle", () => {
    const digest = tagsOf(id)[READY_EVIDENCE_TAG_KEY];
    const stored = bundlesIn(dirOf(i));
    if (digest !== undefined) {
      const named = stored.find((b) => b.sha256 === digest);
      expect(named).toBeDefined();
      expect(verifyBundleFile(named?.path as string).ok).toBe(true);
    }
    const evidence = out().evidence;
    if (c.evidence === true) {
      expect(evidence).not.toBeNull();
      expect(stored.map((b) => b.sha256)).toContain(evidence?.sha256);
      const bundle = JSON.parse(readFileSync(evidence?.path as string, "utf8")) as { marked: unknown; controls: { reasons: string[] }[] };
      // The stored bundle tells what the output tells.
      expect(bundle.marked).toEqual(out().marked);
      expect(bundle.controls[0]?.reasons).toEqual(out().controls[0]?.reasons);
    } else {
      expect(evidence).toBeNull();
      expect(stored).toEqual([]);
    }
  });

  it("ends in the right OU, and the reasons name the failed step and what was undone", () => {
    const expectedParent = c.parent ?? (c.exit === 0 && c.move === true ? PROD_OU : SOURCE_OU);
    expect(aws.world.accounts[id]?.parentId).toBe(expectedParent);
    const reasons = out().controls[0]?.reasons.join("\n") ?? "";
    for (const r of c.reasons ?? []) expect(reasons).toMatch(r);
  });
});

describe("two promotions of one account at once (both vending events fire, or AFT and an event)", () => {
  it("both read the old parent, one MoveAccount is refused: both end PASS and tagged, in production, and nothing is moved back", async () => {
    const id = "900000000199";
    cleanAccount(aws.world, id, { parentId: SOURCE_OU });
    // The endpoint handles a request after its latency: both MoveAccount calls are sent, from the parent both read,
    // before either is handled.
    aws.faults.push({ service: "organizations", action: "MoveAccount", bodyIncludes: `"${id}"`, latencyMs: 300 });
    const seen = aws.requests.length;
    const dirs = [join(work, "twice-a"), join(work, "twice-b")];
    for (const d of dirs) mkdirSync(d);
    const both = await Promise.all(dirs.map((d) => runInProcess(["promote", id, ...common, "--move-to-ou", PROD_OU, "--evidence-dir", d, "--output", "json"], { cwd: work })));
    const moves = aws.requests.slice(seen).filter((q) => q.action === "MoveAccount");
    expect(moves.map((q) => q.status)).toEqual(expect.arrayContaining([200, 400]));
    expect(moves).toHaveLength(2);
    expect(both.map((r) => ({ code: r.code, stderr: r.stderr }))).toEqual([{ code: 0, stderr: "" }, { code: 0, stderr: "" }]);
    expect(aws.world.accounts[id]?.parentId).toBe(PROD_OU);
    expect(tagsOf(id)[READY_TAG_KEY]).toBe("true");
    // The digest tag names the bundle of whichever promotion tagged last; both bundles are stored and intact.
    const stored = dirs.flatMap((d) => bundlesIn(d));
    expect(stored).toHaveLength(2);
    expect(stored.map((b) => b.sha256)).toContain(tagsOf(id)[READY_EVIDENCE_TAG_KEY]);
  });
});

describe("promote without a stored bundle after one with", () => {
  it("removes the older evidence-digest tag and writes a fresh check time", async () => {
    const id = accountOf(0); // promoted with a bundle above
    const before = { ...tagsOf(id) };
    expect(before[READY_EVIDENCE_TAG_KEY]).toMatch(/^[0-9a-f]{64}$/);
    const seen = aws.requests.length;
    const r = await runInProcess(["promote", id, ...common, "--output", "json"], { cwd: work });
    expect(r.code).toBe(0);
    const after = tagsOf(id);
    expect(after[READY_EVIDENCE_TAG_KEY]).toBeUndefined();
    expect(after[READY_TAG_KEY]).toBe("true");
    expect(after[READY_CHECKED_AT_TAG_KEY]).not.toBe(before[READY_CHECKED_AT_TAG_KEY]);
    // The ready tag set is written last: the stale digest tag went first.
    const calls = aws.requests.slice(seen).filter((q) => q.service === "organizations").map((q) => q.action);
    expect(calls).toEqual(["DescribeAccount", "ListTagsForResource", "UntagResource", "TagResource"]);
  });
});

describe("the one state promote cannot repair is reported, never hidden", () => {
  it("TagResource took effect and every removal is denied: the intended bundle the digest tag names is kept, the final one says so", () => {
    const i = CASES.findIndex((c) => c.readyTagMayRemain === true);
    const dir = dirOf(i);
    const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
    expect(files.some((f) => f.endsWith("-not-promoted.json"))).toBe(true);
    const out = JSON.parse(runs[i]?.stdout ?? "{}") as { marked: { value: string }; evidence: { path: string } };
    expect(out.marked.value).toBe("true");
    expect(out.evidence.path).toMatch(/-not-promoted\.json$/);
  });
});
