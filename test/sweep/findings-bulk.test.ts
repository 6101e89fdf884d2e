/**
 * Wire level: a sweep reads the organization's IAM.4 / IAM.3 findings once, through the real SDK and
 * the endpoint's GetFindings (filters, 100-finding pages, SortCriteria). Expected request counts are
 * computed from the world with the endpoint's own filter matching, so they follow the findings, and
 * verdicts are compared with a sweep whose checks read their own findings (the per-account mode).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findingsQueries } from "../../gates/collect/findings";
import { runSweep, type SweepRunOptions, type SweepRunResult } from "../../gates/sweep/run";
import type { AccountVerdict } from "../../gates/types";
import { EXAMPLE_IDS, accountAwaitingFindings, bigOrganization, controlFinding, useEndpointCredentials, startLocalAws, type FaultRule, type LocalAws, type World } from "../endpoint";
import { matchesFilters } from "../endpoint/findings";
import { localSweepOptions } from "./local-options";

const MEMBERS = 30;
const FIRST = 100000000000;
const id = (i: number): string => String(FIRST + i);
const NOW_MINUS_2H = (): string => new Date(Date.now() - 2 * 3600_000).toISOString();
/** Clean accounts (bigOrganization's default states) given findings the test is about. */
const LEGACY_ONLY = [id(0), id(3)]; // their only IAM.4 finding: legacy CIS 1.4.0, no Compliance.SecurityControlId
const LEGACY_FAILED_BESIDE_PASSED = id(4); // a PASSED consolidated finding and a FAILED legacy one without control id

/**
 * bigOrganization plus: legacy-shaped findings without a control id, five IAM.3 findings per account
 * (so the organization has more findings than one page holds per query), an aggregated copy from
 * another region. `extraAccounts` adds accounts without any finding.
 */
function findingsWorld(extraAccounts = 0): World {
  const w = bigOrganization(MEMBERS);
  const store = w.findings[w.securityHubAccountId] as ReturnType<typeof controlFinding>[];
  for (const accountId of LEGACY_ONLY) {
    const i = store.findIndex((f) => f.AwsAccountId === accountId);
    store.splice(i, 1, controlFinding({ control: "IAM.4", accountId, region: "us-east-1", status: "PASSED", updatedAt: NOW_MINUS_2H(), shape: "legacy-cis-1.4.0", withoutSecurityControlId: true }));
  }
  store.push(controlFinding({ control: "IAM.4", accountId: LEGACY_FAILED_BESIDE_PASSED, region: "us-east-1", status: "FAILED", updatedAt: NOW_MINUS_2H(), shape: "legacy-fsbp", withoutSecurityControlId: true }));
  store.push(controlFinding({ control: "IAM.4", accountId: id(5), region: "eu-west-1", status: "FAILED", updatedAt: NOW_MINUS_2H() }));
  for (let i = 0; i < MEMBERS; i++) {
    for (let u = 0; u < 5; u++) store.push(controlFinding({ control: "IAM.3", accountId: id(i), region: "us-east-1", status: "PASSED", updatedAt: NOW_MINUS_2H(), userName: `svc-${u}` }));
  }
  for (let k = 0; k < extraAccounts; k++) accountAwaitingFindings(w, id(MEMBERS + k));
  return w;
}

/** GetFindings pages the three organization-wide queries need for this world: sum of max(1, ceil(F_q / 100)). */
function expectedPages(w: World): { pages: number; findings: number; query1Pages: number; firstPageLastAccount: string } {
  const stored = w.findings[w.securityHubAccountId] ?? [];
  let pages = 0;
  let findings = 0;
  let query1Pages = 0;
  let firstPageLastAccount = "";
  for (const q of findingsQueries(null, "us-east-1", "aws")) {
    const matching = stored.filter((f) => matchesFilters(f, q.filters as Record<string, unknown>));
    const n = Math.max(1, Math.ceil(matching.length / 100));
    pages += n;
    findings += matching.length;
    if (q.id === "byControlId") {
      query1Pages = n;
      firstPageLastAccount = matching.map((f) => f.AwsAccountId).sort()[99] ?? "";
    }
  }
  return { pages, findings, query1Pages, firstPageLastAccount };
}

let aws: LocalAws;
let dir: string;
beforeAll(async () => {
  aws = await startLocalAws({ world: findingsWorld() });
  useEndpointCredentials(aws.url);
  dir = mkdtempSync(join(tmpdir(), "sweep-findings-"));
});
afterAll(async () => {
  await aws.close();
  rmSync(dir, { recursive: true, force: true });
});

function options(extra: Partial<SweepRunOptions> = {}): SweepRunOptions {
  return localSweepOptions(
    aws.url,
    {
      // No fault here hangs: the limits only have to outlast a loaded machine (2 s was once passed by DescribeHub
      // with three suites running at once, and the verdicts compared then differed by that timeout).
      timeoutMs: 20_000,
      callTimeoutMs: 10_000,
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
      limiterSettings: { initialRatePerSecond: 1000, burst: 100, knownQuotas: {} },
    },
    extra,
  );
}

const getFindings = (): number => aws.requests.filter((r) => r.action === "GetFindings").length;
const controlsOf = (v: AccountVerdict | undefined): [string, string, string][] => (v?.controls ?? []).map((c) => [c.id, c.verdict, c.reasons.join(" | ")]);
const byAccount = (r: SweepRunResult): Map<string, AccountVerdict> => new Map(r.accounts.map((a) => [a.accountId, a]));

async function sweep(faults: FaultRule[] = [], extra: Partial<SweepRunOptions> = {}): Promise<SweepRunResult> {
  aws.reset();
  aws.faults.push(...faults);
  return runSweep(options(extra));
}

let perAccount: Map<string, AccountVerdict>;

it("reads the organization's findings once: requests follow the findings (ceil(F/100) per query), not the accounts, verdicts as per-account reads give", async () => {
  const expected = expectedPages(aws.world);
  const bulk = await sweep([], { evidenceDir: join(dir, "bulk") });
  const bulkRequests = getFindings();
  expect(expected.pages).toBeGreaterThan(3); // the fixture does span several pages
  expect(bulkRequests).toBe(expected.pages);
  expect(bulk.findings).toMatchObject({ requests: expected.pages, findings: expected.findings, fallbacks: 0 });

  const own = await sweep([], { findingsRead: "per-account" });
  expect(getFindings()).toBe(3 * own.accounts.length); // what each account reading its own costs
  perAccount = byAccount(own);
  const mine = byAccount(bulk);
  expect([...mine.keys()].sort()).toEqual([...perAccount.keys()].sort());
  for (const [accountId, v] of mine) expect([accountId, v.verdict, controlsOf(v)]).toEqual([accountId, perAccount.get(accountId)?.verdict, controlsOf(perAccount.get(accountId))]);
  expect(bulk.summary.pass).toBeGreaterThan(10);

  // Legacy findings without Compliance.SecurityControlId are read in bulk too: one PASSES on it, and a
  // FAILED one beside a PASSED consolidated finding keeps its account from passing.
  for (const accountId of LEGACY_ONLY) expect(mine.get(accountId)?.verdict).toBe("PASS");
  expect(mine.get(LEGACY_FAILED_BESIDE_PASSED)?.controls.find((c) => c.id === "IAM.4")?.verdict).toBe("INCONCLUSIVE");

  // Each bundle records only its account's findings, read where and when the organization-wide read was.
  const bundle = JSON.parse(readFileSync(mine.get(LEGACY_ONLY[0] as string)?.evidence?.path as string, "utf8")) as {
    findings: { accountId: string; securityControlId: string | null; generatorId: string }[];
    controls: { id: string; sources: { name: string; accountId: string | null; region: string | null; api: string | null; observedAt: string | null }[] }[];
  };
  expect(bundle.findings.length).toBe(6); // its IAM.4 finding and five IAM.3 ones
  expect(bundle.findings.every((f) => f.accountId === LEGACY_ONLY[0])).toBe(true);
  expect(bundle.findings.some((f) => f.securityControlId === null && f.generatorId.endsWith("cis-aws-foundations-benchmark/v/1.4.0/1.4"))).toBe(true);
  const source = bundle.controls.find((c) => c.id === "IAM.4")?.sources.find((s) => s.name === "security-hub");
  expect(source).toMatchObject({ accountId: EXAMPLE_IDS.securityTooling, region: "us-east-1", api: "securityhub:GetFindings" });
  expect(Date.parse(source?.observedAt ?? "")).toBeLessThanOrEqual(Date.parse(bulk.finishedAt));
});

it("as many GetFindings requests with three times the accounts and the same findings", async () => {
  const bigger = await startLocalAws({ world: findingsWorld(2 * MEMBERS) });
  try {
    const result = await runSweep({ ...options(), endpointUrl: bigger.url, concurrency: 16 });
    expect(result.accounts.length).toBe(perAccount.size + 2 * MEMBERS);
    // Pages answered, as the read counts them: a page retried after a call timeout on a loaded machine is one page.
    expect(result.findings).toMatchObject({ requests: expectedPages(aws.world).pages, fallbacks: 0 });
  } finally {
    await bigger.close();
  }
});

describe("a bulk read that fails part-way", () => {
  // Query 1 (by control id) fails from its second page on; its first page ends inside `boundary`'s findings.
  const secondPageOfQuery1 = (fault: Partial<FaultRule>): FaultRule => ({ service: "securityhub", action: "GetFindings", bodyIncludes: '"ComplianceSecurityControlId"', after: 1, ...fault });

  it("access denied: accounts below where it stopped keep their verdicts; no account past it passes, and none falls back", async () => {
    const { firstPageLastAccount: boundary, pages, query1Pages } = expectedPages(aws.world);
    const result = await sweep([secondPageOfQuery1({ fault: "accessDenied" })]);
    const mine = byAccount(result);
    const below = [...mine.values()].filter((v) => v.accountId < boundary);
    const beyond = [...mine.values()].filter((v) => v.accountId >= boundary);
    expect(below.length).toBeGreaterThan(5);
    expect(beyond.length).toBeGreaterThan(5);
    for (const v of below) expect(controlsOf(v)).toEqual(controlsOf(perAccount.get(v.accountId)));
    for (const v of beyond) {
      const iam4 = v.controls.find((c) => c.id === "IAM.4");
      expect(iam4?.verdict).not.toBe("PASS");
      if (v.verdict !== "FAIL") expect(iam4?.reasons.join(" ")).toMatch(/Security Hub findings could not be read .*GetFindings was denied/);
    }
    expect(result.findings.fallbacks).toBe(0);
    expect(result.findings.queries.find((q) => q.id === "byControlId")?.failure).toMatch(/AccessDenied/);
    // Query 1: its first page and the refused second one; the other queries complete; no per-account read.
    expect(getFindings()).toBe(pages - query1Pages + 2);
  });

  it("a 5xx that outlasts the retries: accounts it did not reach read their own findings, verdicts as a complete read gives", async () => {
    const { firstPageLastAccount: boundary, pages, query1Pages } = expectedPages(aws.world);
    const result = await sweep([secondPageOfQuery1({ fault: "http5xx", times: 2 })]); // 2 attempts, both refused
    const mine = byAccount(result);
    const fallbacks = [...mine.keys()].filter((a) => a >= boundary).length;
    expect(result.findings.fallbacks).toBe(fallbacks);
    for (const [accountId, v] of mine) expect(controlsOf(v)).toEqual(controlsOf(perAccount.get(accountId)));
    expect(getFindings()).toBe(pages - query1Pages + 1 + 2 + 3 * fallbacks);
  });

  it("when the per-account reads fail as well, the accounts past where it stopped are INCONCLUSIVE, never PASS", async () => {
    const { firstPageLastAccount: boundary } = expectedPages(aws.world);
    const result = await sweep([{ service: "securityhub", action: "GetFindings", after: 3, fault: "http5xx" }]);
    const beyond = result.accounts.filter((v) => v.accountId >= boundary);
    expect(beyond.length).toBeGreaterThan(5);
    expect(beyond.every((v) => v.controls.find((c) => c.id === "IAM.4")?.verdict !== "PASS")).toBe(true);
    expect(result.summary.pass).toBeLessThan([...perAccount.values()].filter((v) => v.verdict === "PASS").length);
  });
});
