/**
 * End to end: sweep a 60-account organization (nested OUs, mixed states) on the local endpoint
 * through the real SDK, with IAM throttling and per-account faults. Every account's verdict is
 * known from how bigOrganization built it; faults must make THEIR account INCONCLUSIVE and no other.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyBundleFile } from "../../gates/evidence/verify";
import { INTERRUPTED_REASON } from "../../gates/sweep";
import { KNOWN_QUOTA_HEADROOM } from "../../gates/sweep/limiter";
import { runSweep, type SweepRunOptions } from "../../gates/sweep/run";
import type { Verdict } from "../../gates/types";
import { EXAMPLE_IDS, bigOrganization, useEndpointCredentials, startLocalAws, type LocalAws } from "../endpoint";
import { localSweepOptions } from "./local-options";

const MEMBERS = 60;
const FIRST = 100000000000;
const READY = "guardrails:production-ready";

/** What bigOrganization(n) made account i (defaults: root key every 10th, awaiting findings every 7th, ...). */
function expectedOf(i: number): Verdict | "skipped" {
  if (i % 13 === 12) return "skipped"; // SUSPENDED: not ACTIVE, not swept
  if (i % 10 === 9) return "FAIL"; // inactive root key: A = 1
  if (i % 17 === 16) return "INCONCLUSIVE"; // gate role missing: nothing readable
  if (i % 7 === 6) return "INCONCLUSIVE"; // no IAM.4 finding yet
  if (i % 19 === 18) return "INCONCLUSIVE"; // Security Hub off in the account: its leftover PASSED finding proves nothing
  return "PASS";
}
const id = (i: number): string => String(FIRST + i);
/** Clean accounts that get one fault each (picked so expectedOf is PASS). */
const FAULTED = { summary5xx: id(0), reportHang: id(1), summaryMalformed: id(2) };

let aws: LocalAws;
let dir: string;
beforeAll(async () => {
  const world = bigOrganization(MEMBERS);
  world.s3Buckets["org-evidence"] = { ownerAccountId: EXAMPLE_IDS.management, objectLockEnabled: true, objects: {} };
  // Two accounts carry the ready tag from an earlier promote: the FAIL one must lose it, the PASS one keep it.
  (world.accounts[id(9)] as { tags: Record<string, string> }).tags[READY] = "true";
  (world.accounts[id(5)] as { tags: Record<string, string> }).tags[READY] = "true";
  aws = await startLocalAws({ world });
  useEndpointCredentials(aws.url);
  dir = mkdtempSync(join(tmpdir(), "sweep-e2e-"));
});
afterAll(async () => {
  await aws.close();
  rmSync(dir, { recursive: true, force: true });
});

function options(extra: Partial<SweepRunOptions> = {}): SweepRunOptions {
  return localSweepOptions(
    aws.url,
    {
      // Headroom for a loaded CI runner: every AssumeRole draws on one bucket (the hang fault ends at this deadline).
      timeoutMs: 5_000,
      // 800 ms was once passed by an ordinary call with three suites running at once; the hang still ends at the deadline.
      callTimeoutMs: 2_000,
      retry: { maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 400 },
      limiterSettings: { initialRatePerSecond: 100, burst: 5 },
    },
    extra,
  );
}

it("sweeps every ACTIVE account with its expected verdict; faults and throttling affect only their account", async () => {
  aws.faults.push(
    // AWS's quotas are the calling account's: every AssumeRole comes from the gate's account (one bucket,
    // throttling at once with a burst of 2), IAM calls from each member account (a bucket each).
    { service: "sts", action: "AssumeRole", ratePerSecond: 40, burst: 2, perAccount: true },
    { service: "iam", ratePerSecond: 5, burst: 3, perAccount: true },
    { service: "iam", action: "GetAccountSummary", accountId: FAULTED.summary5xx, fault: "http5xx" },
    { service: "iam", action: "GetCredentialReport", accountId: FAULTED.reportHang, fault: "hang" },
    { service: "iam", action: "GetAccountSummary", accountId: FAULTED.summaryMalformed, fault: "malformedBody" },
  );
  const result = await runSweep(options({ evidenceDir: dir, evidenceBucket: { bucket: "org-evidence", prefix: "sweeps/e2e" }, revoke: true }));

  const swept = new Map(result.accounts.map((a) => [a.accountId, a]));
  const expected = new Map<string, Verdict>([[EXAMPLE_IDS.management, "PASS"], [EXAMPLE_IDS.securityTooling, "PASS"]]);
  for (let i = 0; i < MEMBERS; i++) {
    const e = expectedOf(i);
    if (e !== "skipped") expected.set(id(i), e);
  }
  for (const faulted of [FAULTED.summary5xx, FAULTED.reportHang, FAULTED.summaryMalformed]) expected.set(faulted, "INCONCLUSIVE");
  expect(Object.fromEntries([...swept].map(([k, v]) => [k, v.verdict]))).toEqual(Object.fromEntries(expected));
  expect(result.skipped.map((s) => s.accountId)).toEqual([12, 25, 38, 51].map(id));

  // The faults say which source failed.
  const reasons = (accountId: string): string => (swept.get(accountId)?.controls ?? []).flatMap((c) => c.reasons).join(" ");
  expect(reasons(FAULTED.summary5xx)).toMatch(/GetAccountSummary/);
  expect(reasons(FAULTED.reportHang)).toMatch(/credential report|GetCredentialReport/i);

  // Throttling happened and the shared limiter slowed down for it, yet no other account suffered.
  const stsThrottles = aws.requests.filter((r) => r.action === "AssumeRole" && r.fault === "throttle").length;
  expect(stsThrottles).toBeGreaterThan(0);
  // The limiter saw the throttles the endpoint sent, except any whose answer came after the call had already
  // timed out on the client (a loaded runner): at least one, never more than were sent.
  const seenByLimiter = result.limiter.stats().find((s) => s.api === "sts:AssumeRole")?.throttles ?? 0;
  expect(seenByLimiter).toBeGreaterThan(0);
  expect(seenByLimiter).toBeLessThanOrEqual(stsThrottles);
  // The shared bucket slowed down from the documented 600/s it starts just under: at least one decrease (x0.8).
  // A loaded machine sends slower and may see only the one.
  expect(result.limiter.stats().find((s) => s.api === "sts:AssumeRole")?.minRateSeen).toBeLessThanOrEqual(0.8 * 600 * KNOWN_QUOTA_HEADROOM);
  // A member account's IAM calls only exceed its own quota when it retries a fault of its own: other
  // accounts' calls never spend it.
  const faulted = new Set<string>(Object.values(FAULTED));
  expect(aws.requests.filter((r) => r.service === "iam" && r.fault === "throttle" && !faulted.has(r.accountId))).toEqual([]);

  // Exit code: any FAIL -> 1.
  const count = (v: Verdict): number => [...expected.values()].filter((e) => e === v).length;
  expect(result.summary).toEqual({ accounts: expected.size, pass: count("PASS"), fail: count("FAIL"), inconclusive: count("INCONCLUSIVE"), skipped: 4, verdict: "FAIL", errors: [] });
  expect(result.exitCode).toBe(1);

  // --revoke: only the non-PASS account lost the tag.
  expect(aws.world.accounts[id(9)]?.tags[READY]).toBeUndefined();
  expect(aws.world.accounts[id(5)]?.tags[READY]).toBe("true");
  expect(swept.get(id(9))?.marked).toEqual({ tag: READY, value: "", changed: true });
  expect(swept.get(id(5))?.marked).toBeNull();

  // Evidence: the index names one bundle per swept account with its verdict, and verifies.
  const evidence = result.evidence;
  expect(evidence).not.toBeNull();
  const index = JSON.parse(readFileSync(evidence?.index.path as string, "utf8")) as { entries: { accountId: string; verdict: string; sha256: string }[] };
  expect(Object.fromEntries(index.entries.map((e) => [e.accountId, e.verdict]))).toEqual(Object.fromEntries([...swept].map(([k, v]) => [k, v.verdict])));
  expect(verifyBundleFile(evidence?.index.path as string)).toMatchObject({ ok: true, kind: "index" });
  expect(evidence?.uploadErrors).toEqual([]);
  const objects = aws.world.s3Buckets["org-evidence"]?.objects ?? {};
  expect(Object.keys(objects)).toHaveLength(2 * swept.size + 1);
  expect(Object.values(objects).every((o) => o.headers["x-amz-checksum-sha256"] !== undefined && o.headers["content-md5"] !== undefined)).toBe(true);
});

it("Ctrl-C mid-sweep: partial summary, unchecked accounts INCONCLUSIVE 'not checked: interrupted', exit 3", async () => {
  aws.reset();
  aws.faults.push({ latencyMs: 20 });
  const controller = new AbortController();
  let done = 0;
  const result = await runSweep(options({ concurrency: 2, signal: controller.signal, onAccountDone: () => void (++done === 5 && controller.abort()) }));
  expect(result.interrupted).toBe(true);
  const notChecked = result.accounts.filter((a) => a.controls.some((c) => c.reasons.includes(INTERRUPTED_REASON)));
  expect(notChecked.length).toBeGreaterThan(10);
  expect(notChecked.every((a) => a.verdict === "INCONCLUSIVE")).toBe(true);
  // The worst account's code: 1 if a checked account failed, else 3 (the unchecked ones).
  expect(result.exitCode).toBe(result.summary.fail > 0 ? 1 : 3);
});

it("Security Hub off in the aggregating account: IAM.4 INCONCLUSIVE with the reason, IAM.3 still decided by live data", async () => {
  aws.reset();
  (aws.world.accounts[EXAMPLE_IDS.securityTooling] as { securityHubRegions: string[] }).securityHubRegions = [];
  const result = await runSweep(options({ ouIds: [aws.world.accounts[id(0)]?.parentId as string], require: ["IAM.4", "IAM.3"] }));
  expect(result.accounts.length).toBeGreaterThan(0);
  // Nothing passes without Security Hub's IAM.4 finding.
  expect(result.accounts.every((a) => a.verdict !== "PASS" && a.controls.find((c) => c.id === "IAM.4")?.verdict !== "PASS")).toBe(true);
  const clean = result.accounts.find((a) => expectedOf(Number(a.accountId) - FIRST) === "PASS");
  const cleanIam4 = clean?.controls.find((c) => c.id === "IAM.4");
  expect(cleanIam4?.verdict).toBe("INCONCLUSIVE");
  expect(cleanIam4?.reasons.join(" ")).toMatch(/Security Hub/);
  expect(clean?.controls.find((c) => c.id === "IAM.3")?.verdict).toBe("PASS");
  expect(result.exitCode).not.toBe(0);
});
