/**
 * Sweep at scale on the local endpoint: 100, 1,000 and 10,000 ACTIVE accounts (bigOrganization: nested
 * OUs, mixed states), 50 ms of latency on every call, and AWS's API quotas enforced by the endpoint the
 * way AWS throttles (token buckets; shared where AWS's quota is the calling account's and every call
 * comes from one account, per account where each member account spends its own):
 *
 *   API (caller)                              rate/s  burst  bucket       source
 *   securityhub:GetFindings (aggregating acct)   3      6    shared       Security Hub API Reference, Welcome
 *                                                                         ("GetFindings - RateLimit of 3 requests per
 *                                                                         second. BurstLimit of 6 requests per second")
 *   securityhub:* other, e.g. DescribeHub        10     30    per account  same page ("All other operations")
 *   sts:AssumeRole (gate's account)             600    600    shared       IAM User Guide, "IAM and AWS STS quotas":
 *                                                                         600 requests/s per account per Region
 *   organizations:ListAccounts (management)      20     20    shared       ASSUMED: the Organizations user guide has a
 *                                                                         "Throttling limits" section
 *                                                                         (orgs_reference_limits.html#throttling-limits)
 *                                                                         whose values were not available here
 *   iam:* (each member account)                  20     20    per account  ASSUMED rate: AWS documents that IAM
 *                                                                         throttles per API per account with token
 *                                                                         buckets (AWS Security Blog, "How to monitor
 *                                                                         and query IAM resources at scale - Part 2")
 *                                                                         but publishes no figure; a sweep calls each
 *                                                                         IAM API once or twice per account, so it never
 *                                                                         binds
 *
 * Bound (the best any sweep with this concurrency can do), the largest of:
 *   findings   the organization's findings are read once, three queries side by side, each page after
 *              the previous one: L (AssumeRole) + max(longest query's pages × L, (G − 6) / 3 s for all
 *              G pages through the shared GetFindings bucket); no account can be decided before it ends;
 *   listing    ListAccounts pages (20 accounts each) one after the other: P × L, or (P − 20) / 20 s at
 *              the Organizations rate, whichever is longer, then the last account's own chain (4 × L);
 *   sts        every account's AssumeRole through the shared STS bucket: (N − 600) / 600 s;
 *   per-account work   each account needs two stages of two calls in sequence (AssumeRole →
 *              GenerateCredentialReport, requested ahead; ListUsers → ListAccessKeys, the longest of its
 *              reads), C accounts per stage at a time: L (first page) + ceil(N / C) × 2L + 2L.
 *   IAM calls are each account's own and never share a bucket across accounts.
 * Goals (issue 12): wall / bound ≤ 1.25 at every size; peak RSS of the sweeping process < 512 MiB (the
 * endpoint runs in a child process so its world is not counted); per-account cost flat from 1,000 to
 * 10,000 (ratio ≤ 1.1); the 10,000-account sweep under 10 minutes; GetFindings requests per sweep
 * follow the findings (sum over the queries of ceil(F_q / 100)), not the accounts.
 *
 * Account counts: bigOrganization(m) makes m members plus the management and security-tooling
 * accounts, and suspends every 13th member (listed, then skipped as not ACTIVE); m is chosen so that
 * exactly N ACTIVE accounts are swept (106 members for 100, 1,081 for 1,000, 10,831 for 10,000).
 */
import { fork, type ChildProcess } from "node:child_process";
import { findingsQueries } from "../gates/collect/findings";
import { runSweep } from "../gates/sweep/run";
import { EXAMPLE_IDS, bigOrganization, endpointEnv, startLocalAws } from "../test/endpoint";
import { matchesFilters } from "../test/endpoint/findings";
import { API_QUOTAS, quotaFaults } from "./aws-quotas";
import { membersFor } from "./organization";

const LATENCY_MS = 50;
const CONCURRENCY = Number(process.env["SWEEP_BENCH_CONCURRENCY"] ?? 6);
const SIZES = (process.env["SWEEP_BENCH_SIZES"] ?? "100,1000,10000").split(",").map(Number);
const QUOTAS = API_QUOTAS;
const ACCOUNTS_PAGE = 20;
const FINDINGS_PAGE = 100;

const FAULTS = quotaFaults(LATENCY_MS);

interface EndpointStats {
  served: [string, number][];
  throttled: [string, number][];
  listed: number;
  /** Findings matching each organization-wide query, in query order. */
  queryFindings: number[];
}

/** Child process mode: serve bigOrganization(members) until told to report and close. */
async function serveEndpoint(members: number): Promise<void> {
  const world = bigOrganization(members);
  const stored = world.findings[world.securityHubAccountId] ?? [];
  const queryFindings = findingsQueries(null, "us-east-1", "aws").map((q) => stored.filter((f) => matchesFilters(f, q.filters as Record<string, unknown>)).length);
  const aws = await startLocalAws({ world, faults: FAULTS });
  process.on("message", (message: unknown) => {
    if (message !== "stats") return;
    const served = new Map<string, number>();
    const throttled = new Map<string, number>();
    for (const r of aws.requests) {
      const key = `${r.service}:${r.action}`;
      const into = r.fault === "throttle" ? throttled : served;
      into.set(key, (into.get(key) ?? 0) + 1);
    }
    const stats: EndpointStats = { served: [...served], throttled: [...throttled], listed: Object.keys(world.accounts).length, queryFindings };
    process.send?.(stats, () => void aws.close().then(() => process.exit(0)));
  });
  process.send?.({ url: aws.url });
}

function startEndpointProcess(members: number): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(__filename, ["--endpoint", String(members)], { stdio: ["ignore", "ignore", "inherit", "ipc"], execArgv: ["--max-old-space-size=2048"] });
  return new Promise((resolve, reject) => {
    child.once("message", (m: unknown) => resolve({ url: (m as { url: string }).url, child }));
    child.once("error", reject);
  });
}

function endpointStats(child: ChildProcess): Promise<EndpointStats> {
  return new Promise((resolve) => {
    child.once("message", (m: unknown) => resolve(m as EndpointStats));
    child.send("stats");
  });
}

interface BoundTerm {
  name: string;
  ms: number;
  how: string;
}

/** The bound of the header, for N swept accounts out of `listed`, with the findings pages per query. */
function boundOf(n: number, listed: number, queryPages: number[]): BoundTerm[] {
  const L = LATENCY_MS;
  const pages = Math.ceil(listed / ACCOUNTS_PAGE);
  const g = queryPages.reduce((a, b) => a + b, 0);
  const longest = Math.max(...queryPages);
  const findingsMs = L + Math.max(longest * L, (Math.max(0, g - QUOTAS.getFindings.burst) / QUOTAS.getFindings.rate) * 1000);
  const listingMs = Math.max(pages * L, (Math.max(0, pages - QUOTAS.organizations.burst) / QUOTAS.organizations.rate) * 1000) + 4 * L;
  const stsMs = (Math.max(0, n - QUOTAS.assumeRole.burst) / QUOTAS.assumeRole.rate) * 1000;
  const workMs = L + Math.ceil(n / CONCURRENCY) * 2 * L + 2 * L;
  return [
    { name: "findings", ms: findingsMs, how: `${g} GetFindings pages, longest query ${longest}` },
    { name: "listing", ms: listingMs, how: `${pages} ListAccounts pages` },
    { name: "sts", ms: stsMs, how: `${n} AssumeRole at ${QUOTAS.assumeRole.rate}/s` },
    { name: "per-account work", ms: workMs, how: `ceil(${n}/${CONCURRENCY}) × 2 × ${L} ms` },
  ];
}

interface Run {
  accounts: number;
  members: number;
  wallMs: number;
  bound: BoundTerm;
  peakRss: number;
  getFindings: number;
  expectedGetFindings: number;
  findings: number;
  throttled: string;
  fallbacks: number;
  peakParked: number;
  exitCode: number;
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
sampler.unref();

async function sweep(accounts: number): Promise<Run> {
  const members = membersFor(accounts);
  const { url, child } = await startEndpointProcess(members);
  const env = endpointEnv(url);
  for (const key of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_EC2_METADATA_DISABLED"]) process.env[key] = env[key];
  try {
    (globalThis as { gc?: () => void }).gc?.();
    peakRss = process.memoryUsage().rss;
    const started = performance.now();
    const result = await runSweep({
      homeRegion: "us-east-1",
      securityHubAccountId: EXAMPLE_IDS.securityTooling,
      managementAccountId: EXAMPLE_IDS.management,
      endpointUrl: url,
      concurrency: CONCURRENCY,
      timeoutMs: 120_000,
      callTimeoutMs: 10_000,
      retry: { maxAttempts: 8 },
    });
    const wallMs = performance.now() - started;
    const stats = await endpointStats(child);
    const served = new Map(stats.served);
    const queryPages = stats.queryFindings.map((f) => Math.max(1, Math.ceil(f / FINDINGS_PAGE)));
    const terms = boundOf(result.accounts.length, stats.listed, queryPages);
    const bound = terms.reduce((a, b) => (b.ms > a.ms ? b : a));
    const notSettled = result.accounts.filter((a) => a.controls.some((c) => /throttl|deadline|interrupted/i.test(c.reasons.join(" ")))).length;
    if (notSettled > 0) console.log(`  note: ${notSettled} account(s) hit throttling beyond retries or the deadline`);
    return {
      accounts: result.accounts.length,
      members,
      wallMs,
      bound,
      peakRss,
      getFindings: served.get("securityhub:GetFindings") ?? 0,
      expectedGetFindings: queryPages.reduce((a, b) => a + b, 0),
      findings: stats.queryFindings.reduce((a, b) => a + b, 0),
      throttled: stats.throttled.map(([api, n]) => `${api} ${n}`).join(", ") || "none",
      fallbacks: result.findings.fallbacks,
      peakParked: result.stats.peakParkedAccounts,
      exitCode: result.exitCode,
    };
  } finally {
    child.kill();
  }
}

const mark = (ok: boolean): string => (ok ? "met" : "MISSED");
const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MiB`;

async function main(): Promise<void> {
  console.log(`sweep: ${LATENCY_MS} ms per call, concurrency ${CONCURRENCY}; quotas (see header for sources): GetFindings ${QUOTAS.getFindings.rate}/s burst ${QUOTAS.getFindings.burst} shared, AssumeRole ${QUOTAS.assumeRole.rate}/s shared, Organizations ${QUOTAS.organizations.rate}/s shared (assumed), IAM ${QUOTAS.iamPerAccount.rate}/s per API per account (assumed), DescribeHub ${QUOTAS.securityHubOther.rate}/s per account`);
  await sweep(10); // warm-up: SDK modules, JIT, connections
  const runs: Run[] = [];
  for (const n of SIZES) {
    const run = await sweep(n);
    runs.push(run);
    const ratio = run.wallMs / run.bound.ms;
    console.log(
      `${String(run.accounts).padStart(6)} accounts (${run.members} members + 2, ${run.members + 2 - run.accounts} suspended skipped): ` +
        `wall ${(run.wallMs / 1000).toFixed(1)} s, bound ${(run.bound.ms / 1000).toFixed(1)} s (${run.bound.name}: ${run.bound.how}), ` +
        `ratio ${ratio.toFixed(2)} (goal ≤ 1.25: ${mark(ratio <= 1.25)}), peak RSS ${mib(run.peakRss)} (goal < 512 MiB: ${mark(run.peakRss < 512 * 1048576)})`,
    );
    console.log(
      `        GetFindings: ${run.getFindings} requests for ${run.findings} findings (expected sum of ceil(F_q/100) = ${run.expectedGetFindings}: ${mark(run.getFindings === run.expectedGetFindings)}; ` +
        `per-account reads would send ${3 * run.accounts}); per-account fallbacks ${run.fallbacks}; most accounts parked at once ${run.peakParked}; throttled: ${run.throttled}; exit ${run.exitCode}`,
    );
    if (run.accounts >= 10_000) console.log(`        ${run.accounts} accounts in ${(run.wallMs / 1000).toFixed(0)} s (goal under 10 minutes: ${mark(run.wallMs < 600_000)})`);
  }
  const at = (n: number): Run | undefined => runs.find((r) => r.accounts === n);
  const thousand = at(1000);
  const tenThousand = at(10_000);
  if (thousand !== undefined && tenThousand !== undefined) {
    const per1k = thousand.wallMs / thousand.accounts;
    const per10k = tenThousand.wallMs / tenThousand.accounts;
    console.log(`per account: ${per1k.toFixed(2)} ms at 1,000, ${per10k.toFixed(2)} ms at 10,000; ratio ${(per10k / per1k).toFixed(2)} (goal ≤ 1.1: ${mark(per10k / per1k <= 1.1)})`);
  }
  console.log(`peak RSS over all runs (process lifetime): ${mib(process.resourceUsage().maxRSS * 1024)}`);
  clearInterval(sampler);
}

const endpointArg = process.argv.indexOf("--endpoint");
(endpointArg >= 0 ? serveEndpoint(Number(process.argv[endpointArg + 1])) : main()).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
